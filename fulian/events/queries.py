"""Reads shared by pages, the API and indicators: filters and counts of activities."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from fulian.events.models import ActivityKind, Attendance, AttendanceStatus, Campaign
from fulian.orgs.models import Org


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def filter_activities(
    queryset: Any,
    *,
    campaign: Campaign | None = None,
    kind: ActivityKind | None = None,
    org: Org | None = None,
    year: int | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Any:
    """``campaign`` includes its sub-campaigns; ``org`` its subtree; dates are local days."""
    if campaign is not None:
        queryset = queryset.in_campaign(campaign)
    if kind is not None:
        queryset = queryset.filter(kind=kind)
    if org is not None:
        queryset = queryset.in_subtree(org)
    if year is not None:
        queryset = queryset.in_year(year)
    if since is not None:
        queryset = queryset.filter(start__gte=day_start(since))
    if until is not None:
        queryset = queryset.filter(start__lt=day_start(until + datetime.timedelta(days=1)))
    return queryset


def month_counts(queryset: Any) -> list[int]:
    """Activities per month (January first) of a queryset within one year."""
    tz = timezone.get_current_timezone()
    rows = (
        queryset.order_by()
        .annotate(m=ExtractMonth("start", tzinfo=tz))
        .values("m")
        .annotate(n=Count("pk"))
    )
    by_month = {row["m"]: row["n"] for row in rows}
    return [by_month.get(m, 0) for m in range(1, 13)]


def child_org_counts(queryset: Any, org: Org) -> list[tuple[Org, int]]:
    """Activities under each child of ``org`` (and ``org``'s own, first) in one query."""
    children = list(Org.objects.get_children(org))
    paths = Counter(
        path[: org.depth * Org.steplen + Org.steplen]
        for path in queryset.order_by().values_list("org__path", flat=True)
    )
    own = sum(n for p, n in paths.items() if p == org.path)
    rows = [(org, own)] if own else []
    rows += [(child, paths.get(child.path, 0)) for child in children]
    return rows


def participant_total(queryset: Any) -> int:
    """People reached: confirmed named attendances (人次), plus head counts of the
    activities that have no named attendance."""
    named = Attendance.objects.filter(
        session__activity__in=queryset.order_by().values("pk"), status=AttendanceStatus.CONFIRMED
    ).count()
    counted = (
        queryset.order_by()
        .exclude(sessions__attendances__status=AttendanceStatus.CONFIRMED)
        .aggregate(total=Sum("head_count"))["total"]
    )
    return named + (counted or 0)


def campaign_counts(scope: Any, year: int | None) -> dict[int, int]:
    """Activities per campaign id, each including its sub-campaigns."""
    queryset = scope if year is None else scope.in_year(year)
    direct = dict(
        queryset.order_by()
        .filter(campaign__isnull=False)
        .values_list("campaign")
        .annotate(n=Count("pk"))
    )
    parents = dict(Campaign.objects.values_list("pk", "parent_id"))
    totals: Counter[int] = Counter()
    for pk, n in direct.items():
        node: int | None = pk
        while node is not None:
            totals[node] += n
            node = parents.get(node)
    return dict(totals)


CONFIRMED = Q(sessions__attendances__status=AttendanceStatus.CONFIRMED)


def with_activity_counts(queryset: Any) -> Any:
    """Activities annotated with 人次 and 人数 of their named attendance."""
    return queryset.annotate(
        attendance_count=Count("sessions__attendances", filter=CONFIRMED),
        people_count=Count("sessions__attendances__person", filter=CONFIRMED, distinct=True),
        session_count=Count("sessions", distinct=True),
    )


def activity_for_api(queryset: Any) -> Any:
    return queryset.select_related("org", "kind", "campaign", "venue")
