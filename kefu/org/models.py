from __future__ import annotations

import hashlib
import secrets
from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import RoleCode, UnitKind


class Unit(models.Model):
    """A node of the bank's organisation tree; ``path`` ("/1/4/9/") makes subtree queries one index scan."""

    code = models.CharField(_("机构代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey("self", verbose_name=_("上级机构"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_service_management = models.BooleanField(
        _("规范服务管理部门"), default=False,
        help_text=_("超出网点权限的投诉上报至此部门"),
    )
    is_risk_department = models.BooleanField(_("风险管理部门"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if new_path != old_path:
            Unit.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                # Moving a unit moves its whole subtree.
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Unit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path):])

    def clean(self) -> None:
        node = self.parent
        while node is not None:
            if node.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("上级机构不能是自身或下级机构")})
            node = node.parent

    def subtree(self) -> models.QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self) -> list[Unit]:
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def branch(self) -> Unit | None:
        """The branch (分行) this unit belongs to, if any."""
        for unit in reversed(self.ancestors()):
            if unit.kind == UnitKind.BRANCH:
                return unit
        return None


class Role(models.Model):
    code = models.CharField(_("角色代码"), max_length=40, unique=True, choices=RoleCode.choices)
    name = models.CharField(_("名称"), max_length=60)
    permissions = models.JSONField(_("权限"), default=list, blank=True)
    customized = models.BooleanField(
        _("已自定义"), default=False,
        help_text=_("未自定义的角色在升级时随默认权限同步"),
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .permissions import READ_ONLY_ROLES, REGISTRY, load_app_permissions

        load_app_permissions()
        unknown = [p for p in self.permissions if p not in REGISTRY]
        if unknown:
            raise ValidationError({"permissions": _("未注册的权限：%s") % ", ".join(unknown)})
        if self.code in READ_ONLY_ROLES:
            writes = [p for p in self.permissions if not REGISTRY[p].read_only]
            if writes:
                raise ValidationError({"permissions": _("只读角色不能授予写权限：%s") % ", ".join(writes)})


class User(AbstractUser):
    unit = models.ForeignKey(Unit, verbose_name=_("所属机构"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="staff")
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="users")
    employee_no = models.CharField(_("工号"), max_length=20, blank=True)
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    is_demo = models.BooleanField(_("演示账号"), default=False, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    @cached_property
    def _role_rows(self) -> list[tuple[str, list[str]]]:
        # One query per request gives both the role codes and their permissions.
        return list(self.roles.values_list("code", "permissions"))

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(code for code, _perms in self._role_rows)

    @cached_property
    def kefu_permissions(self) -> frozenset[str]:
        if not self.is_active:
            return frozenset()
        perms: set[str] = set()
        for _code, role_perms in self._role_rows:
            perms.update(role_perms)
        if self.is_read_only:
            from .permissions import REGISTRY, load_app_permissions

            load_app_permissions()
            perms = {p for p in perms if p in REGISTRY and REGISTRY[p].read_only}
        return frozenset(perms)

    @property
    def is_read_only(self) -> bool:
        from .permissions import READ_ONLY_ROLES

        codes = self.role_codes
        return bool(codes) and codes <= READ_ONLY_ROLES

    def has_kefu_perm(self, code: str) -> bool:
        return code in self.kefu_permissions

    @property
    def requires_mfa(self) -> bool:
        from django.conf import settings

        return bool(self.role_codes & set(settings.KEFU_MFA_REQUIRED_ROLES))

    def visible_unit_paths(self) -> list[str] | None:
        """None means every unit; otherwise the subtree paths this user may see."""
        from .permissions import P

        if self.has_kefu_perm(P.SCOPE_ALL_UNITS):
            return None
        return [self.unit.path] if self.unit_id and self.unit else []


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 is stored, the raw value is shown once at issue."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API令牌")
        verbose_name_plural = _("API令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate() -> str:
        return "kefu_" + secrets.token_urlsafe(32)

    @property
    def is_valid(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
