from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "kefu.contact"
    label = "contact"
    verbose_name = "联络中心运营"

    def ready(self) -> None:
        from . import integrations

        integrations.connect()
