"""Indicators of help requests and mediation cases, grouped (see ``fulian.core.indicators``):
three queries for all of them, for one org or every child at once, in any period. Counts
only: no case is identified by any of them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from fulian.cases.models import (
    Case,
    Category,
    FollowUp,
    HelpRequest,
    Outcome,
    Referral,
    Risk,
)
from fulian.core.indicators import Groups, indicator
from fulian.core.periods import Period
from fulian.orgs.models import Org


def _requests(org: Org, year: int) -> Any:
    return HelpRequest.objects.in_subtree(org).filter(received_on__year=year)


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _request_rows(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    """Requests received in the period: received, answered, answered on time (one query)."""
    rows = (
        groups.subtree(HelpRequest.objects.filter(received_on__range=period.range))
        .values("_g")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))),
        )
    )
    result: dict[str, dict[str, int]] = {"received": {}, "answered": {}, "on_time": {}}
    for row in rows:
        for name in result:
            result[name][row["_g"]] = row[name]
    return result


@indicator(
    "cases.requests_received",
    _("受理诉求数"),
    _("统计期内受理的妇女群众诉求数（各渠道）"),
    unit=_("件"),
    pillar="action",
    grouped=True,
)
def requests_received(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_request_rows, period)["received"]


@indicator(
    "cases.requests_answered",
    _("答复诉求数"),
    _("统计期内受理、已答复或办结的诉求数"),
    unit=_("件"),
    pillar="action",
    grouped=True,
)
def requests_answered(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_request_rows, period)["answered"]


@indicator(
    "cases.requests_on_time",
    _("按时答复诉求数"),
    _("统计期内受理、在办理时限内答复的诉求数"),
    unit=_("件"),
    pillar="action",
    grouped=True,
)
def requests_on_time(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_request_rows, period)["on_time"]


def _case_rows(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    """Cases opened in the period, concluded in it (and successfully), high-risk cases
    open at its end (one query)."""
    end = period.end
    in_period = Q(opened_on__range=period.range)
    concluded = Q(concluded_on__range=period.range)
    high_open = Q(risk=Risk.HIGH, opened_on__lte=end) & (
        Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    )
    rows = (
        groups.subtree(Case.objects.filter(in_period | concluded | high_open))
        .values("_g")
        .annotate(
            opened=Count("pk", filter=in_period),
            concluded=Count("pk", filter=concluded),
            success=Count("pk", filter=concluded & Q(outcome=Outcome.SUCCESS)),
            high_open=Count("pk", filter=high_open),
        )
    )
    result: dict[str, dict[str, int]] = {
        "opened": {},
        "concluded": {},
        "success": {},
        "high_open": {},
    }
    for row in rows:
        for name in result:
            result[name][row["_g"]] = row[name]
    return result


@indicator(
    "cases.cases_opened",
    _("婚调案件数"),
    _("统计期内执委婚调工作室受理的家庭矛盾纠纷案件数"),
    unit=_("件"),
    pillar="action",
    grouped=True,
)
def cases_opened(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_case_rows, period)["opened"]


@indicator(
    "cases.success_rate",
    _("调解成功率"),
    _("统计期内出结果的案件中调解成功的比例（%），部分成功不计入"),
    unit="%",
    pillar="action",
    grouped=True,
    additive=False,
)
def success_rate(groups: Groups, period: Period) -> dict[str, float]:
    rows = groups.once(_case_rows, period)
    return {k: _share(rows["success"].get(k, 0), n) for k, n in rows["concluded"].items()}


@indicator(
    "cases.referrals",
    _("转介次数"),
    _("统计期内婚调案件转介至其他组织或机构的次数"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def referrals(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(Referral.objects.filter(sent_on__range=period.range), "case__org")
    )


@indicator(
    "cases.follow_ups_on_time",
    _("按时回访率"),
    _("统计期内应回访中在应回访日期前完成的比例（%）"),
    unit="%",
    pillar="action",
    grouped=True,
    additive=False,
)
def follow_ups_on_time(groups: Groups, period: Period) -> dict[str, float]:
    rows = (
        groups.subtree(FollowUp.objects.filter(due_on__range=period.range), "case__org")
        .values("_g")
        .annotate(whole=Count("pk"), part=Count("pk", filter=Q(done_on__lte=F("due_on"))))
    )
    return {row["_g"]: _share(row["part"], row["whole"]) for row in rows}


@indicator(
    "cases.high_risk_open",
    _("未结高风险案件数"),
    _("统计期末受理且尚未结案的高风险案件数"),
    unit=_("件"),
    pillar="action",
    grouped=True,
)
def high_risk_open(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_case_rows, period)["high_open"]


def requests_by_category(org: Org, year: int) -> list[dict[str, Any]]:
    """Received / answered / on time for each category, one query."""
    rows = {
        r["category"]: r
        for r in _requests(org, year)
        .values("category")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(answered_on__isnull=False)),
            on_time=Count("pk", filter=Q(answered_on__lte=F("due_on"))),
        )
    }
    return [
        {
            "category": c.value,
            "label": c.label,
            "received": rows.get(c.value, {}).get("received", 0),
            "answered": rows.get(c.value, {}).get("answered", 0),
            "on_time": rows.get(c.value, {}).get("on_time", 0),
        }
        for c in Category
    ]


# --- anonymous counts for pages and the API --------------------------------------------------


def anonymous_counts(cases: Any) -> dict[str, Any]:
    """Counts by type, risk, outcome and status: what everyone in scope may see."""
    from fulian.cases.models import CaseStatus, DisputeType

    def by(field: str, choices: Any) -> list[tuple[str, int]]:
        counts = dict(cases.values_list(field).annotate(n=Count("pk")).order_by())
        return [(label, counts.get(value, 0)) for value, label in choices]

    flags = cases.aggregate(
        total=Count("pk"),
        violence=Count("pk", filter=Q(domestic_violence=True)),
        minors=Count("pk", filter=Q(minors_involved=True)),
    )
    return {
        **flags,
        "by_type": by("dispute_type", DisputeType.choices),
        "by_risk": by("risk", Risk.choices),
        "by_outcome": by("outcome", Outcome.choices),
        "by_status": by("status", CaseStatus.choices),
    }


def counts_by_org(org: Org, cases: Any) -> list[tuple[Org, int, int]]:
    """Cases and high-risk cases of ``org`` itself and of each child's subtree (children
    without cases left out)."""
    paths = list(cases.values_list("org__path", "risk"))
    rows: list[tuple[Org, int, int]] = []
    own = [r for p, r in paths if p == org.path]
    if own:
        rows.append((org, len(own), sum(1 for r in own if r == Risk.HIGH)))
    for child in Org.objects.get_children(org).filter(status="active"):
        risks = [r for p, r in paths if p.startswith(child.path)]
        if risks:
            rows.append((child, len(risks), sum(1 for r in risks if r == Risk.HIGH)))
    return rows
