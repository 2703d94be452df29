"""The notices' own indicators, read rate and on-time rate, exact, for a year, a quarter
and each child at once (the period mechanism itself: ``fulian/reports/tests``)."""

from __future__ import annotations

import datetime

from fulian.core.indicators import REGISTRY, Groups
from fulian.core.periods import Period
from fulian.notices import services
from fulian.notices.tests.conftest import at

YEAR = Period.year(2023)


def test_read_rate_counts_receipts_of_the_period(cast, time_machine):
    time_machine.move_to(at("2023-03-01"), tick=False)
    first = services.send_notice(
        actor=cast.district_admin, title="一", body="正文", targets=[cast.town_a, cast.town_b]
    )
    services.open_notice(actor=cast.town_a_admin, notice=first)
    services.open_notice(actor=cast.town_b_admin, notice=first)
    time_machine.move_to(at("2023-05-01"), tick=False)
    second = services.send_notice(
        actor=cast.district_admin,
        title="二",
        body="正文",
        targets=[cast.town_a, cast.town_b, cast.village_a],
    )
    services.open_notice(actor=cast.town_a_admin, notice=second)

    def rate(org, period=None):
        return REGISTRY["notices.read_rate"].values(Groups(org), period or YEAR)[org.path]

    assert rate(cast.district) == 60.0  # 3 of 5 receipts
    assert rate(cast.town_a) == 66.7  # 皂郊镇 read both, 下寨子 not its one: 2 of 3
    assert rate(cast.town_b) == 50.0
    assert rate(cast.district, Period.parse("2023Q1")) == 100.0
    assert rate(cast.district, Period.parse("2023Q2")) == 33.3
    assert rate(cast.district, Period.parse("2023Q3")) == 0.0
    by_town = REGISTRY["notices.read_rate"].values(
        Groups(cast.district, [cast.town_a, cast.town_b]), YEAR
    )
    assert by_town == {cast.district.path: 0, cast.town_a.path: 66.7, cast.town_b.path: 50.0}


def test_on_time_rate_counts_missing_reports_as_due(cast, time_machine):
    time_machine.move_to(at("2023-04-02"), tick=False)
    q1 = services.create_round(
        actor=cast.district_admin,
        title="第一季度",
        period_code="2023Q1",
        indicators=["events.activities"],
        due=datetime.date(2023, 4, 10),
        depth=2,
    )
    for actor in (cast.town_a_admin, cast.village_editor):
        services.submit_report(actor=actor, report=services.start_report(actor=actor, round=q1))
    time_machine.move_to(at("2023-04-12"), tick=False)
    late = services.start_report(actor=cast.town_b_admin, round=q1)
    services.submit_report(actor=cast.town_b_admin, report=late)
    q2 = services.create_round(
        actor=cast.district_admin,
        title="第二季度",
        period_code="2023Q2",
        indicators=["events.activities"],
        due=datetime.date(2023, 7, 10),
    )
    services.start_report(actor=cast.town_a_admin, round=q2)  # not due yet: not counted

    def rate(org, period=None):
        indicator = REGISTRY["notices.reports_on_time_rate"]
        return indicator.values(Groups(org), period or YEAR)[org.path]

    # Q1 expects 2 towns and 3 villages: 皂郊镇 and 下寨子 on time, 天水镇 late, two
    # villages missing.
    assert rate(cast.district) == 40.0
    assert rate(cast.town_a) == 66.7  # 皂郊镇, 下寨子 on time; 杨家沟 missing
    assert rate(cast.town_b) == 0.0
    indicator = REGISTRY["notices.reports_on_time_rate"]
    by_town = indicator.values(Groups(cast.district, [cast.town_a, cast.town_b]), YEAR)
    assert by_town == {cast.district.path: 0, cast.town_a.path: 66.7, cast.town_b.path: 0.0}
    assert rate(cast.district, Period.parse("2023Q2")) == 0.0
    time_machine.move_to(at("2023-07-11"), tick=False)
    assert rate(cast.district, Period.parse("2023Q2")) == 0.0  # due, 2 expected, none sent
    assert rate(cast.district) == round(100 * 2 / 7, 1)
