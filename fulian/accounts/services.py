"""Managing users: an admin manages users only inside their subtree and never grants a role
above their own."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fulian.accounts.models import Role, User, role_rank
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


def end_sessions(user: User) -> None:
    """A disabled account's sessions end at once (its tokens stop working too)."""
    from rest_framework.authtoken.models import Token

    Token.objects.filter(user=user).delete()
    # Sessions are checked against is_active on every request by the auth backend.
