"""Indicators of help requests and mediation cases, for a scope org's subtree and a year.
Counts only: no case is identified by any of them."""

from __future__ import annotations

import datetime
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
from fulian.core.indicators import indicator
from fulian.orgs.models import Org


def _requests(org: Org, year: int) -> Any:
    return HelpRequest.objects.in_subtree(org).filter(received_on__year=year)


@indicator(
    "cases.requests_received",
    _("受理诉求数"),
    _("本年度受理的妇女群众诉求数（各渠道）"),
    unit=_("件"),
    pillar="action",
)
def requests_received(org: Org, year: int) -> int:
    return _requests(org, year).count()


@indicator(
    "cases.requests_answered",
    _("答复诉求数"),
    _("本年度受理、已答复或办结的诉求数"),
    unit=_("件"),
    pillar="action",
)
def requests_answered(org: Org, year: int) -> int:
    return _requests(org, year).filter(answered_on__isnull=False).count()


@indicator(
    "cases.requests_on_time",
    _("按时答复诉求数"),
    _("本年度受理、在办理时限内答复的诉求数"),
    unit=_("件"),
    pillar="action",
)
def requests_on_time(org: Org, year: int) -> int:
    return _requests(org, year).filter(answered_on__lte=F("due_on")).count()


def _cases(org: Org, year: int) -> Any:
    return Case.objects.in_subtree(org).filter(opened_on__year=year)


@indicator(
    "cases.cases_opened",
    _("婚调案件数"),
    _("本年度执委婚调工作室受理的家庭矛盾纠纷案件数"),
    unit=_("件"),
    pillar="action",
)
def cases_opened(org: Org, year: int) -> int:
    return _cases(org, year).count()


@indicator(
    "cases.success_rate",
    _("调解成功率"),
    _("本年度出结果的案件中调解成功的比例（%），部分成功不计入"),
    unit="%",
    pillar="action",
)
def success_rate(org: Org, year: int) -> float:
    concluded = Case.objects.in_subtree(org).filter(concluded_on__year=year)
    counts = concluded.aggregate(all=Count("pk"), ok=Count("pk", filter=Q(outcome=Outcome.SUCCESS)))
    return round(100 * counts["ok"] / counts["all"], 1) if counts["all"] else 0.0


@indicator(
    "cases.referrals",
    _("转介次数"),
    _("本年度婚调案件转介至其他组织或机构的次数"),
    unit=_("次"),
    pillar="action",
)
def referrals(org: Org, year: int) -> int:
    return Referral.objects.in_subtree(org).filter(sent_on__year=year).count()


@indicator(
    "cases.follow_ups_on_time",
    _("按时回访率"),
    _("本年度应回访中在应回访日期前完成的比例（%）"),
    unit="%",
    pillar="action",
)
def follow_ups_on_time(org: Org, year: int) -> float:
    due = FollowUp.objects.in_subtree(org).filter(due_on__year=year)
    counts = due.aggregate(all=Count("pk"), ok=Count("pk", filter=Q(done_on__lte=F("due_on"))))
    return round(100 * counts["ok"] / counts["all"], 1) if counts["all"] else 0.0


@indicator(
    "cases.high_risk_open",
    _("未结高风险案件数"),
    _("截至年末受理且尚未结案的高风险案件数"),
    unit=_("件"),
    pillar="action",
)
def high_risk_open(org: Org, year: int) -> int:
    end = datetime.date(year, 12, 31)
    return (
        Case.objects.in_subtree(org)
        .filter(risk=Risk.HIGH, opened_on__lte=end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=end))
        .count()
    )


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
