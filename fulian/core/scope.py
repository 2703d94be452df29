"""One scope: what a user may see is the subtree of the org they act for.

Every query of scoped data starts from ``Model.objects.for_user(user)``. A subtree is
one indexed range on the materialized path (SQLite uses no index for ``LIKE 'x%'``).
Objects outside the scope do not exist for the user: fetching one answers 404,
exactly like a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self, TypeVar

from django.db import models
from django.http import Http404

if TYPE_CHECKING:
    from fulian.orgs.models import Org

PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PATH_MAX_LENGTH = 255

M = TypeVar("M", bound=models.Model)


def subtree_bounds(path: str) -> tuple[str, str]:
    """The inclusive range of paths of a node and all its descendants."""
    return path, path + PATH_ALPHABET[-1] * (PATH_MAX_LENGTH - len(path))


def user_org(user: Any) -> Org | None:
    """The org a user acts for, or None for anonymous users and users without one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return user.org if user.org_id else None


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset of records that belong to an org through ``org_field``."""

    org_field = "org"

    def in_subtree(self, org: Org) -> Self:
        return self.filter(**{f"{self.org_field}__path__range": subtree_bounds(org.path)})

    def for_user(self, user: Any) -> Self:
        org = user_org(user)
        if org is None:
            return self.none()
        return self.in_subtree(org)


def get_for_user_or_404(queryset: Any, user: Any, **lookup: Any) -> Any:
    """Fetch one object in the user's scope; missing and out-of-scope both answer 404, and
    so does an id no row can have (``/people/99999999999999999999/`` would overflow the
    database driver)."""
    from django.db import models

    from fulian.core.params import parse_id

    # Integer keys only (a summary job is named by a UUID, which the URL already checked).
    if not isinstance(queryset.model._meta.pk, models.UUIDField | models.CharField):
        for key in ("pk", "id"):
            if key in lookup and parse_id(lookup[key]) is None:
                raise Http404
    try:
        return queryset.for_user(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
