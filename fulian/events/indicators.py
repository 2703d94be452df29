"""The events figures of the annual report, defined once (see ``fulian.core.indicators``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from fulian.core.indicators import indicator
from fulian.core.text import lazy_format
from fulian.events import queries
from fulian.events.defaults import CAMPAIGNS, SERIES
from fulian.events.models import Activity, Attendance, AttendanceStatus, Campaign, TrainingClass


def _activities(org: Any, year: int) -> Any:
    return Activity.objects.in_subtree(org).in_year(year)


def _classes(org: Any, year: int, series: str | None = None) -> Any:
    queryset = TrainingClass.objects.in_subtree(org).filter(
        activity__in=Activity.objects.in_year(year).values("pk")
    )
    return queryset if series is None else queryset.filter(series__code=series)


def _class_attendances(org: Any, year: int, series: str | None = None) -> Any:
    return Attendance.objects.filter(
        status=AttendanceStatus.CONFIRMED,
        session__activity__in=_classes(org, year, series).values("activity"),
    )


@indicator(
    "events.activities",
    _("活动次数"),
    _("本年度辖区内各级组织开展的活动总数"),
    unit=_("次"),
    pillar="action",
)
def activities(org: Any, year: int) -> int:
    return _activities(org, year).count()


@indicator(
    "events.training_classes",
    _("培训班期数"),
    _("本年度辖区内举办的培训班期数"),
    unit=_("期"),
    pillar="capacity",
)
def training_classes(org: Any, year: int) -> int:
    return _classes(org, year).count()


@indicator(
    "events.trainees",
    _("培训班参训人数"),
    _("本年度培训班签到确认的不同人员数（人数，一人多次参训计一人）"),
    unit=_("人"),
    pillar="capacity",
)
def trainees(org: Any, year: int) -> int:
    return _class_attendances(org, year).values("person").distinct().count()


@indicator(
    "events.training_class_attendances",
    _("培训班参训人次"),
    _("本年度培训班各场次签到确认的人次之和"),
    unit=_("人次"),
    pillar="capacity",
)
def training_class_attendances(org: Any, year: int) -> int:
    return _class_attendances(org, year).count()


@indicator(
    "events.trainings",
    _("妇联系统培训次数"),
    _("本年度辖区内各级妇联开展的集中学习、以会代训、专题讲座等培训次数（不含培训班）"),
    unit=_("次"),
    pillar="capacity",
)
def trainings(org: Any, year: int) -> int:
    return _activities(org, year).trainings_of_the_system().count()


@indicator(
    "events.training_attendances",
    _("妇联系统培训人次"),
    _("上述培训的参训人次：有签到的按签到人次，没有签到的按登记人数"),
    unit=_("人次"),
    pillar="capacity",
)
def training_attendances(org: Any, year: int) -> int:
    return queries.participant_total(_activities(org, year).trainings_of_the_system())


@indicator(
    "events.meetings",
    _("会议次数"),
    _("本年度召开的执委会、主席会议等会议次数"),
    unit=_("次"),
    pillar="action",
)
def meetings(org: Any, year: int) -> int:
    return _activities(org, year).filter(kind__code="meeting").count()


def _series_indicators(code: str, name: str) -> None:
    @indicator(
        f"events.series.{code}.classes",
        lazy_format(_("“%(name)s”培训班期数"), name=name),
        lazy_format(_("本年度“%(name)s”系列培训班期数"), name=name),
        unit=_("期"),
        pillar="capacity",
    )
    def classes(org: Any, year: int) -> int:
        return _classes(org, year, code).count()

    @indicator(
        f"events.series.{code}.trainees",
        lazy_format(_("“%(name)s”培训人数"), name=name),
        lazy_format(_("本年度“%(name)s”系列培训班签到确认的不同人员数"), name=name),
        unit=_("人"),
        pillar="capacity",
    )
    def people(org: Any, year: int) -> int:
        return _class_attendances(org, year, code).values("person").distinct().count()


def _campaign_indicator(code: str, name: str) -> None:
    @indicator(
        f"events.campaign.{code}",
        lazy_format(_("“%(name)s”活动次数"), name=name),
        lazy_format(_("本年度“%(name)s”品牌（含下级品牌）开展的活动次数"), name=name),
        unit=_("次"),
        pillar="action",
    )
    def count(org: Any, year: int) -> int:
        campaign = Campaign.objects.filter(code=code).first()
        return 0 if campaign is None else _activities(org, year).in_campaign(campaign).count()


for _code, _name in SERIES:
    _series_indicators(_code, _name)
for _code, _name, _parent in CAMPAIGNS:
    _campaign_indicator(_code, _name)
