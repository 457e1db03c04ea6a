from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "kefu.reports"
    label = "reports"
    verbose_name = "报表"

    def ready(self) -> None:
        from . import signals

        signals.connect()
