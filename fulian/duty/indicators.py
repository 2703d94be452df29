"""The 干 duty figures of the annual report, defined once (see ``fulian.core.indicators``).

Two kinds of figure: those of the org's own committee ("区妇联41名执委…领办实事项目68个",
"听取8名执委述职": the executives holding a position in ``org`` itself, and the meetings
``org`` held), and those of its whole subtree (every library, visit and round below it).

All are grouped: for one org or for every child at once each figure costs one or two
queries, whatever the number of orgs (the average points a fixed handful more).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import Groups, Value, as_of, calendar_year, indicator
from fulian.core.periods import Period
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


def committees(groups: Groups, period: Period) -> dict[str, set[int]]:
    """{key: person ids} of the executives (chair, vice-chairs, executives) of each
    group's own committee at any time in the period."""
    start, end = period.range
    rows = groups.own(
        Position.objects.filter(kind__in=EXECUTIVE_KINDS, start__lte=end).filter(
            Q(end__isnull=True) | Q(end__gte=start)
        )
    ).values_list("_g", "person_id")
    result: dict[str, set[int]] = {}
    for key, person in rows:
        result.setdefault(key, set()).add(person)
    return result


def _claims(period: Period) -> Any:
    return Claim.objects.filter(claimed_on__range=period.range).exclude(status=ClaimStatus.RELEASED)


def _committee_claims(groups: Groups, period: Period) -> dict[str, tuple[set[int], set[int]]]:
    """{key: (executives who claimed, projects they claimed)} for each own committee."""
    members = groups.once(committees, period)
    everyone = set().union(*members.values()) if members else set()
    by_person: dict[int, set[int]] = {}
    for person, project in (
        _claims(period).filter(person_id__in=everyone).values_list("person_id", "project_id")
    ):
        by_person.setdefault(person, set()).add(project)
    result: dict[str, tuple[set[int], set[int]]] = {}
    for key, people in members.items():
        claimed = {p for p in people if p in by_person}
        result[key] = (claimed, set().union(*(by_person[p] for p in claimed)))
    return result


@indicator(
    "duty.duty_reports",
    _("听取执委述职"),
    _("统计期内本级妇联执委会议上听取的执委述职人数（一述一评）"),
    unit=_("名"),
    pillar="action",
    grouped=True,
    additive=False,
)
def duty_reports(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(groups.own(DutyReport.objects.filter(reported_on__range=period.range)))


@indicator(
    "duty.duty_reports_all",
    _("各级执委述职"),
    _("统计期内辖区各级妇联述职评议会议上的执委述职人数"),
    unit=_("名"),
    pillar="action",
    grouped=True,
)
def duty_reports_all(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(groups.subtree(DutyReport.objects.filter(reported_on__range=period.range)))


def _closed_in(period: Period, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}status": RoundStatus.CLOSED,
            f"{prefix}closed_at__gte": period.starts_at,
            f"{prefix}closed_at__lt": period.ends_at,
        }
    )


@indicator(
    "duty.evaluation_rounds",
    _("民主评议测评"),
    _("统计期内辖区结束的民主评议测评轮次"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def evaluation_rounds(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(groups.subtree(EvaluationRound.objects.filter(_closed_in(period))))


@indicator(
    "duty.ballots",
    _("测评票数"),
    _("统计期内辖区民主评议测评收回的有效票数"),
    unit=_("张"),
    pillar="action",
    grouped=True,
)
def ballots(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(Ballot.objects.filter(_closed_in(period, "round__")), "round__org")
    )


@indicator(
    "duty.claiming_executives",
    _("领办实事项目的执委"),
    _("本级妇联执委中统计期内认领“我为妇女儿童办实事”项目的人数"),
    unit=_("名"),
    pillar="action",
    grouped=True,
    additive=False,
)
def claiming_executives(groups: Groups, period: Period) -> dict[str, int]:
    found = groups.once(_committee_claims, period)
    return {key: len(people) for key, (people, _projects) in found.items()}


@indicator(
    "duty.projects_claimed",
    _("执委领办实事项目"),
    _("本级妇联执委统计期内认领的实事项目数（放弃认领的不计）"),
    unit=_("个"),
    pillar="action",
    grouped=True,
    additive=False,
)
def projects_claimed(groups: Groups, period: Period) -> dict[str, int]:
    found = groups.once(_committee_claims, period)
    return {key: len(projects) for key, (_people, projects) in found.items()}


@indicator(
    "duty.projects_claimed_all",
    _("各级执委认领项目"),
    _("统计期内辖区项目库中被各级执委认领的实事项目数（“一人一事”）"),
    unit=_("个"),
    pillar="action",
    grouped=True,
)
def projects_claimed_all(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(_claims(period), "project__org"), Count("project", distinct=True)
    )


@indicator(
    "duty.projects_completed",
    _("完成实事项目"),
    _("统计期内辖区完成的实事项目数（含已验收）"),
    unit=_("个"),
    pillar="action",
    grouped=True,
)
def projects_completed(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(
            Claim.objects.filter(
                status__in=[ClaimStatus.COMPLETED, ClaimStatus.VERIFIED],
                completed_on__range=period.range,
            ),
            "project__org",
        )
    )


@indicator(
    "duty.projects_verified",
    _("验收实事项目"),
    _("统计期内辖区经上级妇联验收的实事项目数"),
    unit=_("个"),
    pillar="action",
    grouped=True,
)
def projects_verified(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(
        groups.subtree(
            Claim.objects.filter(status=ClaimStatus.VERIFIED, verified_on__range=period.range),
            "project__org",
        )
    )


def _visits(groups: Groups, period: Period) -> Any:
    return groups.subtree(Visit.objects.filter(visited_on__range=period.range))


@indicator(
    "duty.visits",
    _("走访次数"),
    _("统计期内辖区各级执委登记的走访次数（大走访、大调研、三访三帮）"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def visits(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(_visits(groups, period))


@indicator(
    "duty.households_visited",
    _("走访户数"),
    _("统计期内辖区被走访的不同妇女或家庭数（同一人多次走访计一户）"),
    unit=_("户"),
    pillar="action",
    grouped=True,
    additive=False,
)
def households_visited(groups: Groups, period: Period) -> dict[str, int]:
    linked = groups.count(
        _visits(groups, period).filter(person__isnull=False), Count("person", distinct=True)
    )
    unlinked: Counter[str] = Counter(
        key
        for key, *_household in _visits(groups, period)
        .filter(person__isnull=True)
        .values_list("_g", "org_id", "name", "address")
        .distinct()
    )
    return {key: linked.get(key, 0) + unlinked.get(key, 0) for key in groups.keys}


@indicator(
    "duty.follow_ups_overdue",
    _("逾期未回访"),
    _("辖区统计期内的走访中回访日期已过（截至期末或今天）仍未回访的次数"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def follow_ups_overdue(groups: Groups, period: Period) -> dict[str, int]:
    return groups.count(_visits(groups, period).overdue(as_of(period)))


@indicator(
    "duty.average_points",
    _("执委平均履职积分"),
    _("本级妇联执委本年度履职档案积分的平均值（按积分规则由记录计算；只按整年统计）"),
    unit=_("分"),
    pillar="action",
    grouped=True,
    additive=False,
)
def average_points(groups: Groups, period: Period) -> dict[str, Value]:
    from fulian.duty.services import point_totals

    year = calendar_year(period)
    if year is None:  # the points rules are yearly
        return dict.fromkeys(groups.keys)
    members = groups.once(committees, period)
    totals = point_totals(set().union(*members.values()) if members else set(), year)
    result: dict[str, Value] = {}
    for key, people in members.items():
        if people:
            average = sum((totals[p] for p in people), Decimal(0)) / len(people)
            result[key] = float(average.quantize(Decimal("0.1")))
    return result
