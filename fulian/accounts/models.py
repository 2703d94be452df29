"""Users: each acts for one org with one role."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fulian.core.scope import ScopedQuerySet


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区妇联管理员")
    ORG_ADMIN = "org_admin", _("组织管理员")
    EDITOR = "editor", pgettext_lazy("role", "编辑")
    VIEWER = "viewer", pgettext_lazy("role", "查看")


# Higher ranks include everything the lower ones may do.
ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ORG_ADMIN: 3, Role.DISTRICT_ADMIN: 4}


def role_rank(role: str) -> int:
    return ROLE_RANK.get(Role(role), 0) if role in Role.values else 0


class UserQuerySet(ScopedQuerySet["User"]):
    pass


class UserManager(models.Manager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> Any:
        return self.get(username=username)

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractUser):
    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    org = models.ForeignKey(
        "orgs.Org",
        verbose_name=_("所属组织"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.VIEWER)
    # Two-factor authentication: the TOTP secret, encrypted like personal data.
    totp_secret = models.TextField(blank=True, default="", editable=False)
    totp_enabled = models.BooleanField(_("已启用动态口令"), default=False)
    totp_last_step = models.BigIntegerField(default=-1, editable=False)
    # Wrong codes in a row and when the last one came: each doubles the wait before the
    # next code is even looked at (django-otp's per-device throttling).
    totp_failures = models.PositiveIntegerField(default=0, editable=False)
    totp_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Part of every session's auth hash: raising it ends all the account's sessions for
    # good (disable, two-factor reset, "log out everywhere"), so re-enabling brings none back.
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def rank(self) -> int:
        return role_rank(self.role) if self.org_id else 0

    @property
    def totp_required(self) -> bool:
        from django.conf import settings

        return self.role in settings.FULIAN_TOTP_REQUIRED_ROLES

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Epoch 0 keeps Django's own hash, so sessions made before this field survive.
        if not self.session_epoch:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        return salted_hmac(
            "fulian.accounts.User.session_auth_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_additional_data(self) -> dict[str, Any]:
        org = self.org
        return {"org_id": self.org_id, "org_path": org.path if org is not None else None}
