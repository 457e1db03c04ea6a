"""Production safety: refuse to start with debug on, generated/default keys or demo users."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


class ProductionMisconfigured(Exception):
    pass


def production_problems(*, check_db: bool = True) -> list[str]:
    if not settings.PRODUCTION:
        return []
    problems = []
    if settings.DEBUG:
        problems.append("KEFU_DEBUG must be 0 in production")
    if settings.KEFU_SECRETS_GENERATED or not settings.SECRET_KEY:
        problems.append("secrets must come from KEFU_SECRET_KEY, KEFU_FIELD_KEYS and KEFU_BLIND_INDEX_KEY, "
                        "not a generated file under var/")
    if len(settings.SECRET_KEY) < 40 or settings.SECRET_KEY.startswith("django-insecure"):
        problems.append("KEFU_SECRET_KEY is too short or a default")
    if check_db:
        from django.db.utils import DatabaseError

        from kefu.org.models import User

        try:
            if User.objects.filter(is_demo=True, is_active=True).exists():
                problems.append("demo users exist: deactivate them (python manage.py remove_demo_users)")
        except DatabaseError:
            pass  # not migrated yet: migrate will run first
    return problems


@register(deploy=False)
def production_check(app_configs, **kwargs):
    return [Error(p, id="kefu.E001") for p in production_problems(check_db=False)]
