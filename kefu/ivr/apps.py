from django.apps import AppConfig


class IvrConfig(AppConfig):
    name = "kefu.ivr"
    label = "ivr"
    verbose_name = "电话银行IVR"

    def ready(self) -> None:
        from .alerts import connect

        connect()
