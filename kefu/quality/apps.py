from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kefu.quality"
    label = "quality"
    verbose_name = "质检"

    def ready(self) -> None:
        from . import signals

        signals.connect()
