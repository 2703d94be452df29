from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fulian.core.testing import Cast
from fulian.orgs.models import Org
from fulian.orgs.services import DivisionRow, division_kind, load_divisions

TZ = ZoneInfo("Asia/Shanghai")
# 21 more towns, so the district has 23 as 秦州区 has (7 streets, 16 towns).
EXTRA_TOWNS = [f"620502{n}" for n in range(110, 131)]


def at(day: str, hour: int = 10) -> datetime.datetime:
    """A moment in Beijing time: ``at("2023-05-10")``."""
    return datetime.datetime.combine(
        datetime.date.fromisoformat(day), datetime.time(hour), tzinfo=TZ
    )


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def may_2023(time_machine: Any) -> datetime.datetime:
    """The clock on 10 May 2023, 10:00 in Beijing (the second quarter is running)."""
    moment = at("2023-05-10")
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def towns23(cast: Cast) -> list[Org]:
    assert len(EXTRA_TOWNS) == 21
    load_divisions(
        DivisionRow(code, f"测试镇{code[-3:]}", "620502", division_kind(code))
        for code in EXTRA_TOWNS
    )
    return list(Org.objects.get_children(cast.district))


@pytest.fixture
def activity(cast: Cast) -> Any:
    """Record an activity of an org: ``activity(org, campaign="law_homes", when=at(…))``."""
    from fulian.core.periods import now
    from fulian.events import services as events

    events.ensure_defaults()

    def record(
        org: Org, *, campaign: str | None = None, when: datetime.datetime | None = None
    ) -> Any:
        return events.create_activity(
            actor=cast.district_admin,
            org=org,
            kind="lecture",
            campaign=campaign,
            title="普法宣讲",
            start=when or now(),
            head_count=30,
        )

    return record


# --- what the page and API matrices act on ------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERSONAS_LAST_DISTRICT = (
    "anonymous",
    "town_a_admin",
    "town_b_admin",
    "village_editor",
    "viewer",
    "district_admin",
)


def pdf(name: str = "方案.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def notice(cast: Cast) -> Any:
    """The district's notice to both towns: a reply and a task marked done by hand, an
    attachment."""
    from fulian.notices import services

    return services.send_notice(
        actor=cast.district_admin,
        title="关于报送材料的通知",
        body="请于截止日期前回执。",
        targets=[cast.town_a, cast.town_b],
        reply_required=True,
        reply_deadline=datetime.date(2100, 1, 1),
        task_kind="manual",
        task_due=datetime.date(2100, 1, 1),
        files=[pdf()],
    )


@pytest.fixture
def round(cast: Cast) -> Any:
    """The district's 2023 round, towns and villages reporting."""
    from fulian.notices import services

    return services.create_round(
        actor=cast.district_admin,
        title="2023年度报表",
        period_code="2023",
        indicators=["events.activities"],
        due=datetime.date(2100, 1, 15),
        depth=2,
    )


@pytest.fixture
def report(cast: Cast, round: Any) -> Any:
    """皂郊镇's report in ``round``, a draft."""
    from fulian.notices import services

    return services.start_report(actor=cast.town_a_admin, round=round)


def reminders(notice: Any) -> Any:
    from fulian.notices.models import Recipient

    return lambda: sorted(
        Recipient.objects.filter(notice=notice).values_list("reminders", flat=True)
    )


def report_state(report: Any) -> Any:
    from fulian.notices.models import Report

    def state() -> Any:
        r = Report.objects.get(pk=report.pk)
        figures = list(r.figures.values_list("code", "computed", "corrected", "reason"))
        return (r.status, r.narrative, r.history.count(), figures)

    return state
