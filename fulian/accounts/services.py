"""Managing users: an admin manages users only inside their subtree and never grants a role
above their own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fulian.accounts import totp
from fulian.accounts.models import Role, User, role_rank
from fulian.core import personal_data
from fulian.orgs.models import Org, OrgKind


def grantable_roles(actor: Any) -> list[Role]:
    return [r for r in Role if role_rank(r) <= actor.rank]


def _check_grant(actor: Any, *, org: Org, role: str) -> None:
    if not actor.has_perm("fulian.manage_users"):
        raise PermissionDenied
    if not Org.objects.for_user(actor).filter(pk=org.pk).exists():
        raise PermissionDenied
    if role_rank(role) > actor.rank:
        raise ValidationError({"role": _("不能授予高于自己的角色。")})
    if role == Role.DISTRICT_ADMIN and org.kind not in {OrgKind.DISTRICT, OrgKind.CITY}:
        raise ValidationError({"role": _("区妇联管理员只能属于区妇联。")})


@transaction.atomic
def create_user(
    *, actor: Any, username: str, full_name: str, org: Org, role: str, password: str
) -> User:
    _check_grant(actor, org=org, role=role)
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("该用户名已被使用。")})
    user = User(username=username, full_name=full_name, org=org, role=role)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def update_user(
    *, actor: Any, user: User, full_name: str, org: Org, role: str, is_active: bool
) -> User:
    if user.org is None or user.rank > actor.rank:
        raise PermissionDenied
    _check_grant(actor, org=user.org, role=user.role)
    _check_grant(actor, org=org, role=role)
    if user.pk == actor.pk and (role != user.role or not is_active or org != user.org):
        raise ValidationError(_("不能修改自己的角色、组织或停用自己。"))
    user.full_name, user.org, user.role, user.is_active = full_name, org, role, is_active
    user.save(update_fields=["full_name", "org", "role", "is_active"])
    if not is_active:
        end_sessions(user)
    return user


TOTP_KIND = "totp"


@transaction.atomic
def start_totp_enrollment(*, user: User) -> str:
    """A new secret for the user's authenticator; not in force until confirmed with a code."""
    if user.totp_enabled:
        raise ValidationError(_("已启用动态口令。"))
    secret = totp.new_secret()
    user.totp_secret = personal_data.encrypt(TOTP_KIND, secret)
    user.save(update_fields=["totp_secret"])
    return secret


def totp_secret(user: User) -> str:
    return personal_data.decrypt(TOTP_KIND, user.totp_secret) if user.totp_secret else ""


@transaction.atomic
def confirm_totp(*, user: User, code: str) -> None:
    step = totp.matching_step(totp_secret(user), code) if user.totp_secret else None
    if step is None:
        raise ValidationError({"code": _("动态口令不正确。")})
    user.totp_enabled, user.totp_last_step = True, step
    user.save(update_fields=["totp_enabled", "totp_last_step"])


@transaction.atomic
def verify_totp(*, user: User, code: str) -> bool:
    """Whether the code is right and unused; a used code is refused (no replay)."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    step = totp.matching_step(totp_secret(locked), code, after=locked.totp_last_step)
    if step is None:
        return False
    locked.totp_last_step = step
    locked.save(update_fields=["totp_last_step"])
    return True


@transaction.atomic
def reset_totp(*, actor: Any, user: User) -> None:
    """An admin clears a user's authenticator (a lost phone); the user enrols again."""
    if user.org is None or user.rank > actor.rank:
        raise PermissionDenied
    _check_grant(actor, org=user.org, role=user.role)
    user.totp_secret, user.totp_enabled, user.totp_last_step = "", False, -1
    user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])


def end_sessions(user: User) -> None:
    """A disabled account's sessions end at once (its tokens stop working too)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    # Sessions are checked against is_active on every request by the auth backend.
