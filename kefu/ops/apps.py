from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class OpsConfig(AppConfig):
    name = "kefu.ops"
    label = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from . import checks

        if settings.PRODUCTION:
            problems = checks.production_problems(check_db=False)
            if problems:
                raise ImproperlyConfigured("kefu refuses to start in production mode: " + "; ".join(problems))
