from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from .services import record_auth_event, sync_roles


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record_auth_event(action="auth.login", user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_auth_event(action="auth.logout", user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record_auth_event(action="auth.login_failed", username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record_auth_event(action="auth.locked_out", username=str(username or "")[:150])


def _sync_roles_after_migrate(sender, **kwargs):
    if sender.name == "kefu.org":
        sync_roles()


post_migrate.connect(_sync_roles_after_migrate)
