from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "kefu.notify"
    label = "notify"
    verbose_name = "通知"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import NotificationTemplate

        post_save.connect(_forget_template, sender=NotificationTemplate, dispatch_uid="notify.forget_template")
        post_delete.connect(_forget_template, sender=NotificationTemplate, dispatch_uid="notify.forget_template_del")


def _forget_template(sender, instance, **kwargs) -> None:
    """An edited template is used at once by this process (others within TEMPLATE_CACHE_SECONDS)."""
    from django.db import transaction

    from kefu.common import refcache

    from .services import template_cache_key

    key = template_cache_key(instance.code, instance.channel)
    refcache.forget(key)
    transaction.on_commit(lambda: refcache.forget(key))  # and again once a reader cannot see the old row
