from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditKind(models.TextChoices):
    WRITE = "write", _("写入")
    READ = "read", _("敏感数据读取")
    AUTH = "auth", _("认证")
    SYSTEM = "system", _("系统")
