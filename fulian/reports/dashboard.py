"""What the dashboard (the home page) shows, gathered in a constant number of queries:
key figures per pillar with their change against last year, the charts and the figures
behind them, the table of child orgs and the to-dos."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core.indicators import REGISTRY, as_of
from fulian.core.periods import Period
from fulian.core.registry import registry
from fulian.orgs.models import Org
from fulian.reports.figures import ChildTable, Figures, by_children, figures

# The figures a person looks at first, per pillar (others are in "all indicators").
KEY_CODES = [
    "building.guidance_visits",
    "venues.womens_homes",
    "venues.micro_homes",
    "building.rectification_overdue",
    "people.executives_subtree",
    "people.grid_workers",
    "people.delegates",
    "people.dual_appointment_share",
    "events.trainings",
    "events.training_attendances",
    "events.training_classes",
    "events.trainees",
    "events.activities",
    "events.meetings",
]
# The columns of the child-org table.
CHILD_CODES = [
    "events.activities",
    "events.trainings",
    "events.training_attendances",
    "building.guidance_visits",
    "venues.womens_homes",
    "people.executives_subtree",
]


def key_codes() -> list[str]:
    return [c for c in KEY_CODES if c in REGISTRY]


def child_codes() -> list[str]:
    return [c for c in CHILD_CODES if c in REGISTRY]


def months_of(period: Period) -> list[datetime.date]:
    months, day = [], period.start.replace(day=1)
    while day <= period.end:
        months.append(day)
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # bar, stack, pie; bar_line: the first series as bars, the second as a line
    # on its own axis (trainings and their attendances differ a hundredfold)
    labels: list[str]
    series: list[tuple[str, list[Any]]]

    def data(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "labels": self.labels,
            "series": [{"name": name, "values": values} for name, values in self.series],
        }

    @property
    def empty(self) -> bool:
        return not any(v for _name, values in self.series for v in values)

    @property
    def rows(self) -> list[tuple[str, list[Any]]]:
        """The table behind the chart: one row per label."""
        return [(label, [s[1][i] for s in self.series]) for i, label in enumerate(self.labels)]


def _month_label(day: datetime.date, period: Period) -> str:
    if period.start.year == period.end.year:
        return _("%(m)s月") % {"m": day.month}
    return f"{day:%Y-%m}"


def activity_chart(org: Org, period: Period) -> Chart:
    """Activities by month, stacked by (top-level) campaign."""
    from fulian.events.models import Activity, Campaign

    tz = timezone.get_current_timezone()
    rows = (
        Activity.objects.in_subtree(org)
        .filter(start__gte=period.starts_at, start__lt=period.ends_at)
        .annotate(m=TruncMonth("start", tzinfo=tz))
        .order_by()
        .values_list("m", "campaign_id")
        .annotate(n=Count("pk"))
    )
    campaigns = list(Campaign.objects.values_list("pk", "name", "parent_id", "order"))
    parent = {pk: p for pk, _n, p, _o in campaigns}
    names = {pk: name for pk, name, _p, _o in campaigns}

    def top(pk: int | None) -> int | None:
        while pk is not None and parent.get(pk) is not None:
            pk = parent[pk]
        return pk

    counts: Counter[tuple[datetime.date, int | None]] = Counter()
    for month, campaign, n in rows:
        day = month.date() if isinstance(month, datetime.datetime) else month
        counts[(day, top(campaign))] += n
    months = months_of(period)
    tops = sorted({c for _m, c in counts if c is not None}, key=lambda pk: names[pk])
    series = [(names[pk], [counts.get((m, pk), 0) for m in months]) for pk in tops]
    series.append((_("其他活动"), [counts.get((m, None), 0) for m in months]))
    return Chart(
        "activities",
        _("各月活动次数（按品牌）"),
        "stack",
        [_month_label(m, period) for m in months],
        series,
    )


def _by_month(rows: Any) -> dict[datetime.date, int]:
    return {(m.date() if isinstance(m, datetime.datetime) else m): n or 0 for m, n in rows}


def training_chart(org: Org, period: Period) -> Chart:
    """The system's trainings (``events.trainings``) and their attendances
    (``events.training_attendances``) by month, counted as those indicators count them:
    the months add up to the figures above."""
    from fulian.events.models import Activity, Attendance, AttendanceStatus

    tz = timezone.get_current_timezone()
    trainings = Activity.objects.in_subtree(org).filter(
        start__gte=period.starts_at,
        start__lt=period.ends_at,
        kind__code="training",
        training__isnull=True,
    )
    counts = _by_month(
        trainings.annotate(m=TruncMonth("start", tzinfo=tz))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    named = _by_month(
        Attendance.objects.filter(
            session__activity__in=trainings.values("pk"), status=AttendanceStatus.CONFIRMED
        )
        .annotate(m=TruncMonth("session__activity__start", tzinfo=tz))
        .order_by()
        .values_list("m")
        .annotate(n=Count("pk"))
    )
    confirmed = Attendance.objects.filter(
        session__activity=OuterRef("pk"), status=AttendanceStatus.CONFIRMED
    )
    counted = _by_month(
        trainings.exclude(Exists(confirmed))
        .annotate(m=TruncMonth("start", tzinfo=tz))
        .order_by()
        .values_list("m")
        .annotate(n=Sum("head_count"))
    )
    months = months_of(period)
    return Chart(
        "trainings",
        _("各月妇联系统培训次数与人次"),
        "bar_line",
        [_month_label(m, period) for m in months],
        [
            (_("培训次数"), [counts.get(m, 0) for m in months]),
            (_("培训人次"), [named.get(m, 0) + counted.get(m, 0) for m in months]),
        ],
    )


def venue_chart(org: Org, period: Period) -> Chart:
    """Venues standing at the period's end, by type, certified or not."""
    from fulian.venues.models import Venue, VenueStatus, VenueType

    rows = (
        Venue.objects.in_subtree(org)
        .filter(established__lte=period.end)
        .exclude(status__in=[VenueStatus.CLOSED, VenueStatus.PLANNED])
        .order_by()
        .values_list("type", "certified")
        .annotate(n=Count("pk"))
    )
    counts = {(t, c): n for t, c, n in rows}
    types = [t for t in VenueType if counts.get((t.value, True)) or counts.get((t.value, False))]
    return Chart(
        "venues",
        _("阵地（按类型与达标情况）"),
        "stack",
        [str(t.label) for t in types],
        [
            (_("达标"), [counts.get((t.value, True), 0) for t in types]),
            (_("未达标"), [counts.get((t.value, False), 0) for t in types]),
        ],
    )


def congress_chart(org: Org, period: Period) -> Chart | None:
    """The composition of the latest congress of the org by the period's end, by sector."""
    from fulian.people.models import Congress
    from fulian.people.services import composition

    congress = (
        Congress.objects.filter(org=org, start_date__lte=period.end)
        .order_by("-start_date", "-pk")
        .first()
    )
    if congress is None:
        return None
    tables = {t.dimension: t for t in composition(congress)}
    sector = tables["sector"]
    return Chart(
        "congress",
        _("%(name)s代表构成（职业类别，共%(n)s名）") % {"name": congress, "n": sector.total},
        "pie",
        [r.label for r in sector.rows],
        [(_("代表人数"), [r.count for r in sector.rows])],
    )


@dataclass
class TodoRow:
    key: str
    label: str
    count: int
    url: str


def todos(user: Any, org: Org, period: Period) -> list[TodoRow]:
    day = as_of(period)
    rows = []
    for item in registry.todos:
        if not user.has_perm(item.perm):
            continue
        count = item.count(org, day)
        query = item.query.format(year=period.end.year)
        url = reverse(item.url_name) + (f"?{query}" if query else "")
        rows.append(TodoRow(item.key, str(item.label), count, url))
    return rows


@dataclass
class Dashboard:
    org: Org
    period: Period
    figures: Figures
    children: ChildTable | None
    charts: list[Chart]
    todos: list[TodoRow]

    def key_figures(self) -> list[tuple[str, Any, list[Any]]]:
        wanted = set(key_codes())
        return [
            (key, label, [f for f in rows if f.code in wanted])
            for key, label, rows in self.figures.by_pillar()
            if any(f.code in wanted for f in rows)
        ]


def build(user: Any, org: Org, period: Period, *, sort: str = "", desc: bool = True) -> Dashboard:
    data = figures(org, period, compare="last_year")
    children = None
    if not org.is_leaf():
        children = by_children(org, period, child_codes(), total=False)
        order = {code: n for n, code in enumerate(CHILD_CODES)}
        children.indicators.sort(key=lambda i: order[i.code])
        if sort in children.codes():
            children.rows.sort(
                key=lambda r: (r.figures.get(sort) is None, r.figures.get(sort) or 0),
                reverse=desc,
            )
    charts = [activity_chart(org, period), training_chart(org, period), venue_chart(org, period)]
    congress = congress_chart(org, period)
    if congress is not None:
        charts.append(congress)
    return Dashboard(org, period, data, children, charts, todos(user, org, period))
