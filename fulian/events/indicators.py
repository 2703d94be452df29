"""The events figures of the annual report, defined once (see ``fulian.core.indicators``).

All are grouped: for one org or for every child at once, the activities cost one query
(by kind, campaign and "is a training class"), the training classes one, their
attendances two, and the system's trainings two more, whatever the number of orgs."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import Groups, add, indicator
from fulian.core.periods import Period
from fulian.events.models import (
    Activity,
    Attendance,
    AttendanceStatus,
    Campaign,
    TrainingClass,
)


def _in(period: Period, field: str = "start") -> Q:
    return Q(**{f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_at})


def _activity_rows(groups: Groups, period: Period) -> list[tuple[str, str, int | None, bool, int]]:
    """(key, kind code, campaign id, is a training class, n): one query for every
    activity figure."""
    queryset = groups.subtree(Activity.objects.filter(_in(period)), "org").annotate(
        is_class=Exists(TrainingClass.objects.filter(activity=OuterRef("pk")))
    )
    return list(
        queryset.values("_g", "kind__code", "campaign_id", "is_class")
        .annotate(n=Count("pk"))
        .values_list("_g", "kind__code", "campaign_id", "is_class", "n")
    )


def _sum(rows: list[Any], keep: Any) -> dict[str, int]:
    total: Counter[str] = Counter()
    for key, kind, campaign, is_class, n in rows:
        if keep(kind, campaign, is_class):
            total[key] += n
    return dict(total)


def _campaign_totals(groups: Groups, period: Period) -> dict[str, dict[str, int]]:
    """{campaign code: {key: activities of the campaign and its sub-campaigns}}."""
    campaigns = list(Campaign.objects.values_list("pk", "code", "parent_id"))
    parents = {pk: parent for pk, _code, parent in campaigns}
    codes = {pk: code for pk, code, _parent in campaigns}
    totals: dict[str, Counter[str]] = {code: Counter() for code in codes.values()}
    for key, _kind, campaign, _is_class, n in groups.once(_activity_rows, period):
        node = campaign
        while node is not None:
            totals[codes[node]][key] += n
            node = parents.get(node)
    return {code: dict(c) for code, c in totals.items()}


def _class_rows(groups: Groups, period: Period) -> dict[str | None, dict[str, int]]:
    """{series code or None (all): {key: training classes}}."""
    rows = (
        groups.subtree(
            TrainingClass.objects.filter(_in(period, "activity__start")), "activity__org"
        )
        .values("_g", "series__code")
        .annotate(n=Count("pk"))
        .values_list("_g", "series__code", "n")
    )
    by_series: dict[str | None, Counter[str]] = {None: Counter()}
    for key, series, n in rows:
        by_series.setdefault(series, Counter())[key] += n
        by_series[None][key] += n
    return {s: dict(c) for s, c in by_series.items()}


def _class_attendances(groups: Groups, period: Period) -> Any:
    return groups.subtree(
        Attendance.objects.filter(
            _in(period, "session__activity__start"),
            status=AttendanceStatus.CONFIRMED,
            session__activity__training__isnull=False,
        ),
        "session__activity__org",
    )


def _class_attendance_rows(
    groups: Groups, period: Period
) -> dict[str | None, tuple[dict[str, int], dict[str, int]]]:
    """{series code or None (all): ({key: 人次}, {key: 人数})}; people are distinct
    within a series, and across series for None."""
    rows = (
        _class_attendances(groups, period)
        .values("_g", "session__activity__training__series__code")
        .annotate(n=Count("pk"), people=Count("person", distinct=True))
        .values_list("_g", "session__activity__training__series__code", "n", "people")
    )
    result: dict[str | None, tuple[dict[str, int], dict[str, int]]] = {}
    for key, series, n, people in rows:
        visits, persons = result.setdefault(series, ({}, {}))
        visits[key] = n
        persons[key] = people
    overall = _class_attendances(groups, period)
    result[None] = (
        groups.count(overall),
        groups.count(overall, Count("person", distinct=True)),
    )
    return result


def _system_trainings(period: Period) -> Q:
    return Q(kind__code="training", training__isnull=True) & _in(period)


def _system_training_reach(groups: Groups, period: Period) -> dict[str, int]:
    """Confirmed attendances of the system's trainings, plus the head counts of those that
    have no named attendance (``queries.participant_total``, by group)."""
    confirmed = Attendance.objects.filter(
        session__activity=OuterRef("pk"), status=AttendanceStatus.CONFIRMED
    )
    named = groups.count(
        groups.subtree(
            Attendance.objects.filter(
                status=AttendanceStatus.CONFIRMED,
                session__activity__kind__code="training",
                session__activity__training__isnull=True,
                session__activity__start__gte=period.starts_at,
                session__activity__start__lt=period.ends_at,
            ),
            "session__activity__org",
        )
    )
    counted = groups.total(
        groups.subtree(
            Activity.objects.filter(_system_trainings(period)).exclude(Exists(confirmed)), "org"
        ),
        "head_count",
    )
    return add(named, counted)  # type: ignore[return-value]


@indicator(
    "events.activities",
    _("活动次数"),
    _("统计期内辖区各级组织开展的活动总数"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def activities(groups: Groups, period: Period) -> dict[str, int]:
    return _sum(groups.once(_activity_rows, period), lambda kind, campaign, is_class: True)


@indicator(
    "events.training_classes",
    _("培训班期数"),
    _("统计期内辖区举办的培训班期数"),
    unit=_("期"),
    pillar="capacity",
    grouped=True,
)
def training_classes(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_class_rows, period)[None]


@indicator(
    "events.trainees",
    _("培训班参训人数"),
    _("统计期内培训班签到确认的不同人员数（人数，一人多次参训计一人）"),
    unit=_("人"),
    pillar="capacity",
    grouped=True,
    additive=False,
)
def trainees(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_class_attendance_rows, period)[None][1]


@indicator(
    "events.training_class_attendances",
    _("培训班参训人次"),
    _("统计期内培训班各场次签到确认的人次之和"),
    unit=_("人次"),
    pillar="capacity",
    grouped=True,
)
def training_class_attendances(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_class_attendance_rows, period)[None][0]


@indicator(
    "events.trainings",
    _("妇联系统培训次数"),
    _("统计期内辖区各级妇联开展的集中学习、以会代训、专题讲座等培训次数（不含培训班）"),
    unit=_("次"),
    pillar="capacity",
    grouped=True,
)
def trainings(groups: Groups, period: Period) -> dict[str, int]:
    return _sum(
        groups.once(_activity_rows, period),
        lambda kind, campaign, is_class: kind == "training" and not is_class,
    )


@indicator(
    "events.training_attendances",
    _("妇联系统培训人次"),
    _("上述培训的参训人次：有签到的按签到人次，没有签到的按登记人数"),
    unit=_("人次"),
    pillar="capacity",
    grouped=True,
)
def training_attendances(groups: Groups, period: Period) -> dict[str, int]:
    return groups.once(_system_training_reach, period)


@indicator(
    "events.meetings",
    _("会议次数"),
    _("统计期内召开的执委会、主席会议等会议次数"),
    unit=_("次"),
    pillar="action",
    grouped=True,
)
def meetings(groups: Groups, period: Period) -> dict[str, int]:
    return _sum(
        groups.once(_activity_rows, period), lambda kind, campaign, is_class: kind == "meeting"
    )


# Names spelled out so that every language's catalogue has them (a name built with % at
# import time would stay in the language of the import).
SERIES_INDICATORS = {
    "lingtouyan": (
        (_("“领头雁”培训班期数"), _("统计期内“领头雁”系列培训班期数")),
        (_("“领头雁”培训人数"), _("统计期内“领头雁”系列培训班签到确认的不同人员数")),
    ),
    "huhang": (
        (_("“护航成长”培训班期数"), _("统计期内“护航成长”系列培训班期数")),
        (_("“护航成长”培训人数"), _("统计期内“护航成长”系列培训班签到确认的不同人员数")),
    ),
}

CAMPAIGN_INDICATORS = {
    "law_homes": (
        _("“法进万家安民心”活动次数"),
        _("统计期内“法进万家安民心”品牌开展的活动次数"),
    ),
    "women_voice": (
        _("“新时代女性课堂·巾帼好声音”活动次数"),
        _("统计期内“新时代女性课堂·巾帼好声音”品牌（含下级品牌）开展的活动次数"),
    ),
    "women_classroom": (
        _("“新时代女性课堂”活动次数"),
        _("统计期内“新时代女性课堂”品牌开展的活动次数"),
    ),
    "good_voice": (_("“巾帼好声音”活动次数"), _("统计期内“巾帼好声音”品牌开展的活动次数")),
    "growing_together": (_("“携手成长”活动次数"), _("统计期内“携手成长”品牌开展的活动次数")),
    "love_home": (_("“把爱带回家”活动次数"), _("统计期内“把爱带回家”品牌开展的活动次数")),
    "beautiful_homes": (
        _("“巾帼共建美丽家园”活动次数"),
        _("统计期内“巾帼共建美丽家园”品牌开展的活动次数"),
    ),
    "three_visits": (_("“三访三帮”活动次数"), _("统计期内“三访三帮”品牌开展的活动次数")),
}


def _series_indicators(code: str) -> None:
    (classes_name, classes_def), (people_name, people_def) = SERIES_INDICATORS[code]

    @indicator(
        f"events.series.{code}.classes",
        classes_name,
        classes_def,
        unit=_("期"),
        pillar="capacity",
        grouped=True,
    )
    def classes(groups: Groups, period: Period) -> dict[str, int]:
        return groups.once(_class_rows, period).get(code, {})

    @indicator(
        f"events.series.{code}.trainees",
        people_name,
        people_def,
        unit=_("人"),
        pillar="capacity",
        grouped=True,
        additive=False,
    )
    def people(groups: Groups, period: Period) -> dict[str, int]:
        return groups.once(_class_attendance_rows, period).get(code, ({}, {}))[1]


def _campaign_indicator(code: str) -> None:
    name, definition = CAMPAIGN_INDICATORS[code]

    @indicator(
        f"events.campaign.{code}", name, definition, unit=_("次"), pillar="action", grouped=True
    )
    def count(groups: Groups, period: Period) -> dict[str, int]:
        return groups.once(_campaign_totals, period).get(code, {})


for _code in SERIES_INDICATORS:
    _series_indicators(_code)
for _code in CAMPAIGN_INDICATORS:
    _campaign_indicator(_code)
