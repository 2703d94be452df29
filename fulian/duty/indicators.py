"""The 干 duty figures of the annual report, defined once (see ``fulian.core.indicators``).

Two kinds of figure: those of the org's own committee ("区妇联41名执委…领办实事项目68个",
"听取8名执委述职": the executives holding a position in ``org`` itself, and the meetings
``org`` held), and those of its whole subtree (every library, visit and round below it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fulian.core import periods
from fulian.core.indicators import indicator
from fulian.duty.models import (
    EXECUTIVE_KINDS,
    Ballot,
    Claim,
    ClaimStatus,
    DutyReport,
    EvaluationRound,
    RoundStatus,
    Visit,
)
from fulian.people.models import Position


def _range(year: int) -> tuple[Any, Any]:
    return periods.Period.year(year).range


def committee(org: Any, year: int) -> Any:
    """Person ids of the executives (chair, vice-chairs, executives) of ``org``'s own
    committee at any time in ``year``."""
    start, end = _range(year)
    return (
        Position.objects.filter(org=org, kind__in=EXECUTIVE_KINDS, start__lte=end)
        .filter(Q(end__isnull=True) | Q(end__gte=start))
        .values("person_id")
    )


def _claims(year: int) -> Any:
    return Claim.objects.filter(claimed_on__range=_range(year)).exclude(status=ClaimStatus.RELEASED)


@indicator(
    "duty.duty_reports",
    _("听取执委述职"),
    _("本年度本级妇联执委会议上听取的执委述职人数（一述一评）"),
    unit=_("名"),
    pillar="action",
)
def duty_reports(org: Any, year: int) -> int:
    return DutyReport.objects.filter(org=org, reported_on__range=_range(year)).count()


@indicator(
    "duty.duty_reports_all",
    _("各级执委述职"),
    _("本年度辖区内各级妇联述职评议会议上的执委述职人数"),
    unit=_("名"),
    pillar="action",
)
def duty_reports_all(org: Any, year: int) -> int:
    return DutyReport.objects.in_subtree(org).filter(reported_on__range=_range(year)).count()


@indicator(
    "duty.evaluation_rounds",
    _("民主评议测评"),
    _("本年度辖区内结束的民主评议测评轮次"),
    unit=_("次"),
    pillar="action",
)
def evaluation_rounds(org: Any, year: int) -> int:
    return (
        EvaluationRound.objects.in_subtree(org)
        .filter(status=RoundStatus.CLOSED, closed_at__date__range=_range(year))
        .count()
    )


@indicator(
    "duty.ballots",
    _("测评票数"),
    _("本年度辖区内民主评议测评收回的有效票数"),
    unit=_("张"),
    pillar="action",
)
def ballots(org: Any, year: int) -> int:
    rounds = EvaluationRound.objects.in_subtree(org).filter(
        status=RoundStatus.CLOSED, closed_at__date__range=_range(year)
    )
    return Ballot.objects.filter(round__in=rounds.values("pk")).count()


@indicator(
    "duty.claiming_executives",
    _("领办实事项目的执委"),
    _("本级妇联执委中本年度认领“我为妇女儿童办实事”项目的人数"),
    unit=_("名"),
    pillar="action",
)
def claiming_executives(org: Any, year: int) -> int:
    return (
        _claims(year).filter(person__in=committee(org, year)).values("person_id").distinct().count()
    )


@indicator(
    "duty.projects_claimed",
    _("执委领办实事项目"),
    _("本级妇联执委本年度认领的实事项目数（放弃认领的不计）"),
    unit=_("个"),
    pillar="action",
)
def projects_claimed(org: Any, year: int) -> int:
    return (
        _claims(year)
        .filter(person__in=committee(org, year))
        .values("project_id")
        .distinct()
        .count()
    )


@indicator(
    "duty.projects_claimed_all",
    _("各级执委认领项目"),
    _("本年度辖区内项目库中被各级执委认领的实事项目数（“一人一事”）"),
    unit=_("个"),
    pillar="action",
)
def projects_claimed_all(org: Any, year: int) -> int:
    return _claims(year).in_subtree(org).values("project_id").distinct().count()


@indicator(
    "duty.projects_completed",
    _("完成实事项目"),
    _("本年度辖区内完成的实事项目数（含已验收）"),
    unit=_("个"),
    pillar="action",
)
def projects_completed(org: Any, year: int) -> int:
    return (
        Claim.objects.in_subtree(org)
        .filter(
            status__in=[ClaimStatus.COMPLETED, ClaimStatus.VERIFIED],
            completed_on__range=_range(year),
        )
        .count()
    )


@indicator(
    "duty.projects_verified",
    _("验收实事项目"),
    _("本年度辖区内经上级妇联验收的实事项目数"),
    unit=_("个"),
    pillar="action",
)
def projects_verified(org: Any, year: int) -> int:
    return (
        Claim.objects.in_subtree(org)
        .filter(status=ClaimStatus.VERIFIED, verified_on__range=_range(year))
        .count()
    )


def _visits(org: Any, year: int) -> Any:
    return Visit.objects.in_subtree(org).filter(visited_on__range=_range(year))


@indicator(
    "duty.visits",
    _("走访次数"),
    _("本年度辖区内各级执委登记的走访次数（大走访、大调研、三访三帮）"),
    unit=_("次"),
    pillar="action",
)
def visits(org: Any, year: int) -> int:
    return _visits(org, year).count()


@indicator(
    "duty.households_visited",
    _("走访户数"),
    _("本年度辖区内被走访的不同妇女或家庭数（同一人多次走访计一户）"),
    unit=_("户"),
    pillar="action",
)
def households_visited(org: Any, year: int) -> int:
    linked = _visits(org, year).filter(person__isnull=False)
    unlinked = _visits(org, year).filter(person__isnull=True)
    return (
        linked.values("person_id").distinct().count()
        + unlinked.values("org_id", "name", "address").distinct().count()
    )


@indicator(
    "duty.follow_ups_overdue",
    _("逾期未回访"),
    _("辖区内本年度走访中回访日期已过（截至年末或今天）仍未回访的次数"),
    unit=_("次"),
    pillar="action",
)
def follow_ups_overdue(org: Any, year: int) -> int:
    end = _range(year)[1]
    on = min(periods.today(), end)
    return _visits(org, year).overdue(on).count()


@indicator(
    "duty.average_points",
    _("执委平均履职积分"),
    _("本级妇联执委本年度履职档案积分的平均值（按积分规则由记录计算）"),
    unit=_("分"),
    pillar="action",
)
def average_points(org: Any, year: int) -> float:
    from fulian.duty.services import point_totals

    totals = point_totals(committee(org, year).values_list("person_id", flat=True), year)
    if not totals:
        return 0
    return float((sum(totals.values(), Decimal(0)) / len(totals)).quantize(Decimal("0.1")))
