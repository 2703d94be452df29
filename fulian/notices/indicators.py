"""Figures of working up and down the tree (see ``fulian.core.indicators``): how many of
the notices received were read, and how many of the reports due were submitted on time.
Both can be counted for any period."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import Groups, indicator
from fulian.core.periods import Period, today
from fulian.core.scope import subtree_bounds
from fulian.notices.models import Recipient, Report, Round


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@indicator(
    "notices.read_rate",
    _("通知阅读率"),
    _("统计期内发出的通知，辖区内各接收组织已阅读的比例（按接收组织计）"),
    unit="%",
    pillar="reports",
    grouped=True,
    additive=False,
)
def read_rate(groups: Groups, period: Period) -> dict[str, float]:
    received = groups.subtree(
        Recipient.objects.filter(
            notice__sent_at__gte=period.starts_at, notice__sent_at__lt=period.ends_at
        )
    )
    rows = received.values("_g").annotate(
        whole=Count("pk"), part=Count("pk", filter=Q(read_at__isnull=False))
    )
    return {row["_g"]: _share(row["part"], row["whole"]) for row in rows}


def due_rounds(span: Period) -> list[Round]:
    """Rounds whose reporting period lies within ``span`` and whose due date has passed."""
    on = today()
    rounds = Round.objects.filter(due__lt=on, period_code__startswith=str(span.start.year))
    return [
        r
        for r in rounds.select_related("org")
        if span.start <= r.period.start <= r.period.end <= span.end
    ]


@indicator(
    "notices.reports_on_time_rate",
    _("报表按时报送率"),
    _(
        "报告期在统计期内、截止日期已过的报送轮次中，辖区内应报组织在截止日期前首次报送的"
        "比例（未报的计入应报）"
    ),
    unit="%",
    pillar="reports",
    grouped=True,
    additive=False,
)
def reports_on_time_rate(groups: Groups, period: Period) -> dict[str, float]:
    from fulian.notices.services import participants

    lo, hi = subtree_bounds(groups.org.path)
    expected: Counter[str] = Counter()
    on_time: Counter[str] = Counter()
    for rnd in due_rounds(period):
        for o in participants(rnd):
            if lo <= o.path <= hi:
                expected[o.path[: groups.length]] += 1
        submitted = groups.subtree(
            Report.objects.filter(round=rnd, first_submitted_at__isnull=False)
        ).values_list("_g", "first_submitted_at")
        for key, at in submitted:
            if timezone.localtime(at).date() <= rnd.due:
                on_time[key] += 1
    return {key: _share(on_time[key], n) for key, n in expected.items()}
