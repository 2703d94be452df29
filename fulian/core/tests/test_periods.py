import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from fulian.core.periods import Period, today

D = datetime.date


@pytest.mark.parametrize(
    ("text", "start", "end", "code"),
    [
        ("2023", D(2023, 1, 1), D(2023, 12, 31), "2023"),
        ("2023Q3", D(2023, 7, 1), D(2023, 9, 30), "2023Q3"),
        ("2023q1", D(2023, 1, 1), D(2023, 3, 31), "2023Q1"),
        ("2023H2", D(2023, 7, 1), D(2023, 12, 31), "2023H2"),
        ("2024-02", D(2024, 2, 1), D(2024, 2, 29), "2024-02"),
    ],
)
def test_parse(text, start, end, code):
    period = Period.parse(text)
    assert (period.start, period.end, period.code) == (start, end, code)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "期间格式无效"),
        ("23", "期间格式无效"),
        ("2023Q5", "期间格式无效"),
        ("2023H3", "期间格式无效"),
        ("20231", "期间格式无效"),
        ("2023-13", "月份须在 1 到 12 之间"),
        ("0001", "年份须在 1949 到 2100 之间"),
    ],
)
def test_parse_refuses(text, message):
    with pytest.raises(ValidationError, match=message):
        Period.parse(text)


def test_range_end_before_start():
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        Period.between(D(2023, 5, 2), D(2023, 5, 1))


def test_previous_and_last_year():
    assert Period.parse("2023Q1").previous() == Period.parse("2022Q4")
    assert Period.parse("2023-01").previous() == Period.parse("2022-12")
    assert Period.parse("2023H1").previous() == Period.parse("2022H2")
    assert Period.parse("2023").previous() == Period.parse("2022")
    leap = Period.parse("2024-02").shifted_years(-1)
    assert leap == Period(D(2023, 2, 1), D(2023, 2, 28), "month")
    span = Period.between(D(2023, 3, 10), D(2023, 3, 19))
    assert span.previous() == Period.between(D(2023, 2, 28), D(2023, 3, 9))


def test_datetime_bounds_are_beijing_midnight():
    period = Period.parse("2023Q3")
    assert period.starts_at.isoformat() == "2023-07-01T00:00:00+08:00"
    assert period.ends_at.isoformat() == "2023-10-01T00:00:00+08:00"


@time_machine.travel(datetime.datetime(2023, 12, 31, 17, 30, tzinfo=datetime.UTC))
def test_today_is_the_federations_date():
    # 17:30 UTC on 31 December is 01:30 on 1 January in Beijing.
    assert today() == D(2024, 1, 1)
