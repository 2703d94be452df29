"""ID numbers (GB 11643) and mobile phones.

Mainland resident ID numbers and the residence permits of Hong Kong, Macao and Taiwan
residents (regions 810000, 820000, 830000; GB 11643 format) are checked by their check
digit (ISO 7064 MOD 11-2, python-stdnum ``cn.ric``) and their birth date. python-stdnum's
own ``validate`` also looks the region up in its county table *by birth year*, which
rejects the permits and many real numbers whose county was renamed; the issue asks for
check digit and date, so the region is checked only down to a valid province code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric

from fulian.core import periods
from fulian.core.personal_data import normalise_id_number, normalise_phone

# GB/T 2260 province-level codes (first two digits of a mainland number).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46}
    | {50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71}
)
PERMIT_REGIONS = {"810000": "hk", "820000": "mo", "830000": "tw"}
EARLIEST_BIRTH = datetime.date(1900, 1, 1)


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: datetime.date
    gender: str  # "M" or "F", as people.models.Gender
    kind: str  # "mainland", "hk", "mo" or "tw"


def parse_id_number(value: Any, *, today: datetime.date | None = None) -> IdNumber:
    """The normalised number with its birth date and gender, or a ValidationError."""
    if isinstance(value, float):
        # A spreadsheet cell formatted as a number has lost the last digits already.
        raise ValidationError(_("身份证号被存成了数字，请将该列设为文本格式后重新录入。"))
    number = normalise_id_number(value)
    if not number:
        raise ValidationError(_("身份证号不能为空。"))
    if len(number) != 18:
        raise ValidationError(_("身份证号应为18位（现为%(n)d位）。") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(_("身份证号只能由数字和末位的X组成。"))
    if number[17] != ric.calc_check_digit(number):
        raise ValidationError(_("身份证号校验位不正确。"))
    region = number[:6]
    kind = PERMIT_REGIONS.get(region, "mainland")
    if kind == "mainland" and (int(region[:2]) not in PROVINCES or region.endswith("0000")):
        raise ValidationError(_("身份证号的地区码无效。"))
    try:
        birth = ric.get_birth_date(number)
    except Exception as exc:  # stdnum's InvalidComponent
        raise ValidationError(_("身份证号中的出生日期无效。")) from exc
    if not EARLIEST_BIRTH <= birth <= (today or periods.today()):
        raise ValidationError(_("身份证号中的出生日期无效。"))
    gender = "M" if int(number[16]) % 2 else "F"
    return IdNumber(number, birth, gender, kind)


def check_id_number(
    value: Any, *, birth_date: datetime.date | None = None, gender: str | None = None
) -> IdNumber:
    """Parse and cross-check against a birth date and gender given separately."""
    info = parse_id_number(value)
    errors = []
    if birth_date is not None and birth_date != info.birth_date:
        errors.append(
            _("出生日期与身份证号不一致（身份证号为%(date)s）。")
            % {"date": info.birth_date.isoformat()}
        )
    if gender and gender != info.gender:
        errors.append(_("性别与身份证号不一致。"))
    if errors:
        raise ValidationError(errors)
    return info


def parse_phone(value: Any) -> str:
    """A mainland mobile number, normalised to its 11 digits, or a ValidationError."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalise_phone(value)
    if not text:
        raise ValidationError(_("手机号不能为空。"))
    try:
        parsed = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("手机号格式不正确。")) from exc
    mobile = {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
    if (
        parsed.country_code != 86
        or not phonenumbers.is_valid_number(parsed)
        or phonenumbers.number_type(parsed) not in mobile
    ):
        raise ValidationError(_("手机号格式不正确，应为11位手机号码。"))
    return str(parsed.national_number)


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """A well-formed number (for demo data and tests): region, birth date, sequence and
    the check digit. ``sequence`` odd for men, even for women."""
    body = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")
