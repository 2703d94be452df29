"""Managing users: an admin manages users only inside their subtree and never grants a role
above their own."""

from __future__ import annotations

import datetime
import enum
import logging
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone
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
    user.totp_failures, user.totp_failed_at = 0, None
    user.save(update_fields=["totp_enabled", "totp_last_step", "totp_failures", "totp_failed_at"])
    # Tokens obtained with the password alone must not outlive the second factor.
    revoke_tokens(user)


def totp_wait_seconds(user: User, now: datetime.datetime | None = None) -> int:
    """How long before the next code is looked at: after n wrong codes in a row,
    2**(n-1) seconds from the last one (1, 2, 4, … seconds; an hour at most)."""
    if not user.totp_failures or user.totp_failed_at is None:
        return 0
    delay = min(2 ** (user.totp_failures - 1), TOTP_MAX_DELAY_SECONDS)
    left = (user.totp_failed_at - (now or timezone.now())).total_seconds() + delay
    return max(0, math.ceil(left))


TOTP_MAX_DELAY_SECONDS = 3600


class TotpResult(enum.Enum):
    OK = "ok"
    WRONG = "wrong"
    THROTTLED = "throttled"


def check_totp(*, user: User, code: str) -> TotpResult:
    """Check a code, throttled per user: while the wait after wrong codes runs, no code is
    looked at (not even the right one), so guessing 10**6 codes takes longer than any
    code lives. A wrong code is counted in its own committed transaction."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if totp_wait_seconds(locked):
            return TotpResult.THROTTLED
        step = totp.matching_step(totp_secret(locked), code, after=locked.totp_last_step)
        if step is None:
            locked.totp_failures += 1
            locked.totp_failed_at = timezone.now()
            locked.save(update_fields=["totp_failures", "totp_failed_at"])
            user.totp_failures, user.totp_failed_at = locked.totp_failures, locked.totp_failed_at
            return TotpResult.WRONG
        locked.totp_last_step, locked.totp_failures, locked.totp_failed_at = step, 0, None
        locked.save(update_fields=["totp_last_step", "totp_failures", "totp_failed_at"])
        return TotpResult.OK


def totp_error(user: User, result: TotpResult) -> str:
    """The message for a refused code."""
    if result is TotpResult.THROTTLED:
        return _("动态口令错误次数过多，请%(seconds)d秒后再试。") % {
            "seconds": totp_wait_seconds(user) or 1
        }
    return _("动态口令不正确。")


def verify_totp(*, user: User, code: str) -> bool:
    """Whether the code is right and unused (a used code is refused: no replay)."""
    return check_totp(user=user, code=code) is TotpResult.OK


@transaction.atomic
def reset_totp(*, actor: Any, user: User) -> None:
    """An admin clears a user's authenticator (a lost phone); the user enrols again."""
    if user.org is None or user.rank > actor.rank:
        raise PermissionDenied
    _check_grant(actor, org=user.org, role=user.role)
    user.totp_secret, user.totp_enabled, user.totp_last_step = "", False, -1
    user.totp_failures, user.totp_failed_at = 0, None
    user.save(
        update_fields=[
            "totp_secret",
            "totp_enabled",
            "totp_last_step",
            "totp_failures",
            "totp_failed_at",
        ]
    )
    # Whoever has the lost phone must not keep a way in.
    end_sessions(user)


# --- tokens and sessions -------------------------------------------------------------------


def issue_token(*, user: User) -> tuple[Any, str]:
    """A new API token for one device (one login): stored hashed (django-rest-knox), expiring
    after ``REST_KNOX["TOKEN_TTL"]`` idle and ``AUTO_REFRESH_MAX_TTL`` at most. The
    oldest tokens go when a user holds more than ``FULIAN_MAX_TOKENS_PER_USER``."""
    from knox.models import AuthToken

    instance, key = AuthToken.objects.create(user=user)
    keep = list(
        AuthToken.objects.filter(user=user)
        .order_by("-created")
        .values_list("digest", flat=True)[: settings.FULIAN_MAX_TOKENS_PER_USER]
    )
    AuthToken.objects.filter(user=user).exclude(digest__in=keep).delete()
    return instance, key


def user_tokens(user: User) -> list[Any]:
    from knox.models import AuthToken

    return list(AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created"))


def token_id(token: Any) -> str:
    """A token's public name: the start of its digest (not of the secret)."""
    return str(token.digest[:16])


def revoke_token(*, user: User, token_ref: str) -> bool:
    """The user ends one of their own tokens (by :func:`token_id`)."""
    from knox.models import AuthToken

    if len(token_ref) != 16 or not token_ref.isalnum():
        return False
    deleted, _rows = AuthToken.objects.filter(user=user, digest__startswith=token_ref).delete()
    return bool(deleted)


def revoke_tokens(user: User) -> None:
    from knox.models import AuthToken

    AuthToken.objects.filter(user=user).delete()


@transaction.atomic
def end_sessions(user: User) -> None:
    """End every session and token of the account, for good: its tokens are deleted and
    the session epoch (part of every session's auth hash) goes up, so no old session
    comes back when the account is enabled again."""
    revoke_tokens(user)
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])


@transaction.atomic
def password_changed(*, user: User) -> None:
    """After a password change every token ends (sessions end with the password hash;
    the view keeps only the session that made the change)."""
    revoke_tokens(user)


security_log = logging.getLogger("fulian.security")


def alert_lockout(*, username: str, ip: str) -> list[str]:
    """An account was locked after repeated failures. If it is an admin's (org admin or
    district admin), every active district admin with an e-mail address is told, and the
    lock is logged (``fulian.security``) either way: a lock can be someone shutting an
    admin out on purpose. Returns the addresses written to."""
    user = User.objects.filter(username=username).first()
    security_log.warning("account locked: %s from %s", username, ip or "-")
    if user is None or role_rank(user.role) < role_rank(Role.ORG_ADMIN):
        return []
    recipients = sorted(
        User.objects.filter(role=Role.DISTRICT_ADMIN, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        send_mail(
            _("【妇联平台】管理员账号被锁定"),
            _(
                "管理员账号 %(username)s（%(name)s）因连续登录失败已被锁定30分钟，"
                "最后一次尝试来自 %(ip)s。如非本人操作，请检查该地址。"
            )
            % {"username": username, "name": user.full_name or "-", "ip": ip or "-"},
            None,
            recipients,
            fail_silently=True,
        )
    return recipients
