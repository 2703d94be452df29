"""Deny by default: every endpoint needs an authenticated user with a role; reads need
``fulian.view``, writes the view's ``write_perm`` (``fulian.edit`` unless it says more).
Which objects exist at all is the view's queryset, always ``for_user``.

Two-factor is the same on every way in: a role that must use it and has not enrolled gets
403 here, by session or by token, as the pages send it to enrol."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

ENROL_FIRST = _("您的角色须启用动态口令：请先在网页上完成设置。")


def require_two_factor(user: Any) -> None:
    if getattr(user, "totp_required", False) and not getattr(user, "totp_enabled", True):
        raise PermissionDenied(ENROL_FIRST)


class ScopedRolePermission(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        require_two_factor(user)
        if request.method in SAFE_METHODS:
            return bool(user.has_perm(getattr(view, "read_perm", "fulian.view")))
        return bool(user.has_perm(getattr(view, "write_perm", "fulian.edit")))
