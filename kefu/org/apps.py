from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "kefu.org"
    label = "org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .permissions import load_app_permissions

        load_app_permissions()
