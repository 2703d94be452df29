"""Who may open a mediation case. One place, tested hard.

* **Mediators** assigned to the case (with an account) open it.
* **The workroom's org admins** (role org admin, acting for the workroom's own org) open it.
* **District admins** open a case in their scope only after stating a reason; the reason and
  every read are written to ``core.models.AccessLog`` (``log_access``).
* Everyone else in scope sees anonymous statistics only; for them the case does not exist
  (404 in pages and the API), like a case out of scope.

Writes (sessions, outcome, referrals, follow-ups) are for mediators and the workroom's org
admins; a district admin's reasoned read is a read.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Q, QuerySet

from fulian.accounts.models import Role
from fulian.core.scope import subtree_bounds, user_org


class Access(enum.Enum):
    NONE = "none"
    WITH_REASON = "with_reason"
    OPEN = "open"


def _active(user: Any) -> bool:
    return user_org(user) is not None


def is_district_admin(user: Any) -> bool:
    return _active(user) and user.role == Role.DISTRICT_ADMIN


def access_to(user: Any, case: Any, *, mediator_ids: set[int] | None = None) -> Access:
    """What ``user`` may do with ``case`` (which must already be in the user's scope)."""
    if not _active(user):
        return Access.NONE
    if mediator_ids is None:
        mediator_ids = set(
            case.mediators.filter(user__isnull=False).values_list("user_id", flat=True)
        )
    if user.pk in mediator_ids:
        return Access.OPEN
    if user.role == Role.ORG_ADMIN and user.org_id == case.org_id:
        return Access.OPEN
    if user.role == Role.DISTRICT_ADMIN and user.org.contains(case.org):
        return Access.WITH_REASON
    return Access.NONE


def may_work_on(user: Any, case: Any) -> bool:
    return access_to(user, case) == Access.OPEN


def openable_filter(user: Any) -> Q:
    """The cases this user opens without a reason (a filter on Case). A mediator opens
    their case even where the workroom lies outside their own subtree."""
    from fulian.cases.models import CaseMediator

    if not _active(user):
        return Q(pk__in=[])
    rule = Q(pk__in=CaseMediator.objects.filter(user=user).values("case_id"))
    if user.role == Role.ORG_ADMIN:
        rule |= Q(org_id=user.org_id)
    return rule


def visible_filter(user: Any) -> Q:
    """The cases that exist for this user: those they open, and for a district admin every
    case in scope (listed without names until a reason is given)."""
    if not _active(user):
        return Q(pk__in=[])
    rule = openable_filter(user)
    if user.role == Role.DISTRICT_ADMIN:
        rule |= Q(org__path__range=subtree_bounds(user.org.path))
    return rule


def visible_cases(user: Any) -> QuerySet[Any]:
    from fulian.cases.models import Case

    return Case.objects.filter(visible_filter(user))


def openable_cases(user: Any) -> QuerySet[Any]:
    from fulian.cases.models import Case

    return Case.objects.filter(openable_filter(user))


def get_case_or_404(user: Any, pk: Any) -> Any:
    """One case that exists for this user; missing, out of scope and not assigned are the
    same 404."""
    from django.http import Http404

    try:
        return visible_cases(user).select_related("org", "venue").get(pk=pk)
    except (ValueError, TypeError, visible_cases(user).model.DoesNotExist) as exc:
        raise Http404 from exc


def openable_ids(user: Any, cases: QuerySet[Any]) -> set[int]:
    """Of ``cases``, the ids this user opens without a reason (one query)."""
    return set(cases.filter(openable_filter(user)).values_list("pk", flat=True))


# A reason given on a page holds for this long in the session; every read is logged anyway.
REASON_SECONDS = 30 * 60
SESSION_KEY = "cases.reasons"


def session_reason(request: Any, case: Any) -> str:
    """The reason a district admin gave for this case in this session, if still valid."""
    import time

    reasons = request.session.get(SESSION_KEY, {})
    entry = reasons.get(str(case.pk))
    if not entry or time.time() - entry[1] > REASON_SECONDS:
        return ""
    return str(entry[0])


def remember_reason(request: Any, case: Any, reason: str) -> None:
    import time

    reasons = dict(request.session.get(SESSION_KEY, {}))
    reasons[str(case.pk)] = [reason, time.time()]
    request.session[SESSION_KEY] = reasons
