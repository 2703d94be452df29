import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from fulian.people.validators import (
    check_id_number,
    make_id_number,
    parse_id_number,
    parse_phone,
)

REGIONS = st.sampled_from(["620502", "110105", "440305", "650102", "810000", "820000", "830000"])
BIRTHS = st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2024, 12, 31))
SEQUENCES = st.integers(min_value=0, max_value=999)


@given(REGIONS, BIRTHS, SEQUENCES)
def test_every_well_formed_number_is_accepted_with_its_birth_date_and_gender(region, birth, seq):
    number = make_id_number(region, birth, seq)
    info = parse_id_number(number, today=datetime.date(2025, 1, 1))
    assert info.number == number
    assert info.birth_date == birth
    assert info.gender == ("M" if seq % 2 else "F")
    assert info.kind == {"810000": "hk", "820000": "mo", "830000": "tw"}.get(region, "mainland")


@given(REGIONS, BIRTHS, SEQUENCES, st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_any_single_digit_change_is_rejected(region, birth, seq, position, delta):
    number = make_id_number(region, birth, seq)
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(changed, today=datetime.date(2025, 1, 1))


@given(REGIONS, BIRTHS, SEQUENCES)
def test_wrong_check_digit_is_rejected(region, birth, seq):
    number = make_id_number(region, birth, seq)
    for other in "0123456789X":
        if other != number[-1]:
            with pytest.raises(ValidationError, match="校验位"):
                parse_id_number(number[:-1] + other, today=datetime.date(2025, 1, 1))


@settings(max_examples=50)
@given(st.text(max_size=25))
def test_arbitrary_text_never_crashes(text):
    try:
        info = parse_id_number(text)
    except ValidationError:
        return
    assert len(info.number) == 18 and ric.calc_check_digit(info.number) == info.number[-1]


def test_agrees_with_python_stdnum_on_mainland_numbers():
    number = make_id_number("110105", datetime.date(1949, 12, 31), 2)
    assert ric.is_valid(number)
    assert parse_id_number(number).birth_date == datetime.date(1949, 12, 31)


def test_residence_permits_accepted_though_stdnum_rejects_them():
    number = make_id_number("810000", datetime.date(1990, 5, 4), 42)
    assert not ric.is_valid(number)
    assert parse_id_number(number).kind == "hk"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "不能为空"),
        ("62050219900101123", "18位"),
        ("6205021990010112AX", "数字"),
        ("620502199001010022", "校验位"),
        (620502199001011234.0, "文本格式"),
    ],
)
def test_messages(value, message):
    with pytest.raises(ValidationError, match=message):
        parse_id_number(value)


def test_invalid_date_with_a_right_check_digit():
    body = "62050219900230002"
    with pytest.raises(ValidationError, match="出生日期"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


def test_future_birth_date_rejected():
    number = make_id_number("620502", datetime.date(2030, 1, 1), 2)
    with pytest.raises(ValidationError, match="出生日期"):
        parse_id_number(number, today=datetime.date(2025, 1, 1))


def test_unknown_province_rejected():
    number = make_id_number("990101", datetime.date(1990, 1, 1), 2)
    with pytest.raises(ValidationError, match="地区码"):
        parse_id_number(number)


def test_cross_checks_birth_date_and_gender():
    number = make_id_number("620502", datetime.date(1990, 1, 1), 2)
    assert check_id_number(number, birth_date=datetime.date(1990, 1, 1), gender="F").gender == "F"
    with pytest.raises(ValidationError) as error:
        check_id_number(number, birth_date=datetime.date(1991, 1, 1), gender="M")
    assert error.value.messages == [
        "出生日期与身份证号不一致（身份证号为1990-01-01）。",
        "性别与身份证号不一致。",
    ]


def test_lowercase_x_and_spaces_and_full_width_are_normalised():
    number = make_id_number("620502", datetime.date(1985, 3, 4), 12)
    if number[-1] != "X":
        number = make_id_number("620502", datetime.date(1985, 3, 4), 14)
    messy = " " + number[:6] + " " + number[6:-1] + number[-1].lower()
    assert parse_id_number(messy).number == number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        (13912345678, "13912345678"),
        (13912345678.0, "13912345678"),
        ("１３８１２３４５６７８", "13812345678"),
    ],
)
def test_phones(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize(
    "value", ["12345678901", "1381234567", "0938-8212345", "abc", "+1 202 555 0100"]
)
def test_bad_phones(value):
    with pytest.raises(ValidationError):
        parse_phone(value)
