import datetime
import io

import pytest
from openpyxl import Workbook

from fulian.people.models import Grid, Person, Position
from fulian.people.roster import COLUMNS
from fulian.people.validators import make_id_number


def birth_for(n: int) -> datetime.date:
    return datetime.date(1960 + (n // 500) % 40, 1 + n % 12, 1 + n % 28)


def id_for(n: int, *, female: bool = True, region: str = "620502") -> str:
    """A distinct, well-formed ID number for every n below 20,000."""
    return make_id_number(region, birth_for(n), 2 * (n % 500) + (0 if female else 1))


def make_person(org, n: int, **extra) -> Person:
    person = Person(
        org=org,
        name=extra.pop("name", f"测试{n}"),
        gender="F",
        ethnicity="01",
        birth_date=birth_for(n),
        **extra,
    )
    person.id_number = id_for(n)
    person.phone = f"138{n:08d}"
    person.refresh_search_text()
    person.save()
    return person


@pytest.fixture
def people(cast):
    """One person in each village of the cast, one in town A, and a grid with a worker."""
    a = make_person(cast.village_a, 1, name="王秀英")
    a2 = make_person(cast.village_a2, 2, name="李桂兰")
    b = make_person(cast.village_b, 3, name="张红霞")
    town = make_person(cast.town_a, 4, name="赵丽")
    grid = Grid.objects.create(org=cast.village_a, name="第一网格", households=120)
    Position.objects.create(
        person=a, org=cast.village_a, kind="executive", start=datetime.date(2021, 5, 1)
    )
    Position.objects.create(
        person=a, org=cast.village_a, kind="grid_worker", grid=grid, start=datetime.date(2021, 5, 1)
    )
    Position.objects.create(
        person=town, org=cast.town_a, kind="chair", start=datetime.date(2021, 5, 1)
    )
    return {"a": a, "a2": a2, "b": b, "town": town, "grid": grid}


def roster_bytes(rows, header=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def roster_row(n: int, org_code: str, **over):
    row = {
        "姓名": f"花名{n}",
        "性别": "女",
        "民族": "汉族",
        "身份证号": id_for(1000 + n),
        "手机号": f"139{n:08d}",
        "学历": "大学本科",
        "政治面貌": "中共党员",
        "职业类别": "农民",
        "所属组织代码": org_code,
        "职务": "执委",
        "任职开始": "2021-06-01",
    }
    row.update(over)
    return [row[c] for c in COLUMNS]
