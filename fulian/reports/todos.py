"""The dashboard's built-in to-dos, drawn from the records. Later apps add theirs with
``core.registry.todo`` in their ``AppConfig.ready``: one count query each, for the
subtree of the org the dashboard shows, so the page's queries stay constant."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from fulian.core import registry
from fulian.core.scope import subtree_bounds

TERM_MONTHS = 6  # the terms-due page's default horizon


def overdue_items(org: Any, day: datetime.date) -> int:
    from fulian.building.models import RectificationItem

    return RectificationItem.objects.in_subtree(org).overdue(day).count()


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def terms_due(org: Any, day: datetime.date) -> int:
    """Active orgs whose latest committee term has ended or ends within six months (as the
    terms-due page counts them)."""
    from fulian.people.models import CommitteeTerm

    horizon = _add_months(day, TERM_MONTHS)
    latest: dict[int, tuple[datetime.date, int, datetime.date]] = {}
    rows = (
        CommitteeTerm.objects.in_subtree(org)
        .filter(org__status="active")
        .values_list("org_id", "start", "pk", "end")
    )
    for org_id, start, pk, end in rows:
        if org_id not in latest or (start, pk) > latest[org_id][:2]:
            latest[org_id] = (start, pk, end)
    return sum(1 for _s, _pk, end in latest.values() if end <= horizon)


def checkins_waiting(org: Any, day: datetime.date) -> int:
    from fulian.events.models import Attendance, AttendanceStatus

    return Attendance.objects.in_subtree(org).filter(status=AttendanceStatus.PENDING).count()


def venues_not_assessed(org: Any, day: datetime.date) -> int:
    from fulian.venues.models import Assessment, Venue, VenueStatus

    return (
        Venue.objects.filter(org__path__range=subtree_bounds(org.path), status=VenueStatus.OPEN)
        .exclude(Exists(Assessment.objects.filter(venue=OuterRef("pk"), date__year=day.year)))
        .count()
    )


registry.todo(
    "building.overdue", _("逾期未完成的整改事项"), overdue_items, "building:overdue", order=10
)
registry.todo(
    "people.terms_due",
    _("届满或半年内到期的换届"),
    terms_due,
    "people:terms_due",
    query=f"months={TERM_MONTHS}",
    order=20,
)
registry.todo("events.checkins", _("待确认的签到"), checkins_waiting, "reports:checkins", order=30)
registry.todo(
    "venues.not_assessed",
    _("本年度未评估的阵地"),
    venues_not_assessed,
    "venues:not_assessed",
    query="year={year}",
    order=40,
)
