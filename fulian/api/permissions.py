"""Deny by default: every endpoint needs an authenticated user with a role; reads need
``fulian.view``, writes the view's ``write_perm`` (``fulian.edit`` unless it says more).
Which objects exist at all is the view's queryset, always ``for_user``."""

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ScopedRolePermission(BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return bool(user.has_perm(getattr(view, "read_perm", "fulian.view")))
        return bool(user.has_perm(getattr(view, "write_perm", "fulian.edit")))
