import datetime
import sqlite3
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fulian.core import periods
from fulian.people.models import Person, Position, RosterImport
from fulian.people.roster import (
    COLUMNS,
    export_workbook,
    parse_roster,
    read_rows,
    template_workbook,
)

from .conftest import id_for, roster_bytes, roster_row

pytestmark = pytest.mark.django_db


def _file(tmp_path: Path, rows, header=COLUMNS) -> str:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_bytes(rows, header))
    return str(path)


def _run(path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_people", path, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_clean_file_imports_every_row_once_and_again_nothing(cast, tmp_path):
    rows = [roster_row(n, "620502103005") for n in range(5)]
    rows.append(roster_row(5, "620502108", 职务="兼职副主席", 手机号=13900000005))
    rows.append(
        roster_row(
            6, str(cast.village_b.pk), 职务="", 任职开始="", 学历="", 政治面貌="", 职业类别=""
        )
    )
    path = _file(tmp_path, rows)
    ok, out, err = _run(path)
    assert ok, err
    assert out.strip() == "导入完成：7行，新增人员7人，更新0人，新增职务6项。"
    assert Person.objects.count() == 7 and Position.objects.count() == 6
    vice = Position.objects.get(person__name="花名5")
    assert (vice.kind, vice.part_time, vice.org, vice.start) == (
        "vice_chair",
        True,
        cast.town_b,
        datetime.date(2021, 6, 1),
    )
    person = Person.objects.get(name="花名6")
    assert (person.org, person.phone, person.education) == (cast.village_b, "13900000006", "")
    ok, out, _err = _run(path)
    assert ok and out.strip() == "导入完成：7行，新增人员0人，更新0人，新增职务0项。"
    assert Person.objects.count() == 7 and Position.objects.count() == 6
    assert RosterImport.objects.count() == 2


def test_one_bad_row_imports_nothing_and_names_row_and_column(cast, tmp_path):
    rows = [roster_row(n, "620502103005") for n in range(4)]
    rows[2] = roster_row(
        2, "620502103005", 身份证号=id_for(1002)[:-1] + ("0" if id_for(1002)[-1] != "0" else "1")
    )
    path = _file(tmp_path, rows)
    ok, _out, err = _run(path)
    assert not ok
    assert err.splitlines() == [
        "第4行「身份证号」：身份证号校验位不正确。",
        "共1处错误，未导入任何数据。",
    ]
    assert Person.objects.count() == 0 and Position.objects.count() == 0


def test_errors_of_real_spreadsheets(cast, tmp_path):
    good = id_for(1001)
    rows = [
        roster_row(1, "620502103005"),
        roster_row(
            2,
            "620502103005",
            身份证号=float(id_for(1002)[:17] + "0")
            if id_for(1002)[-1] == "X"
            else float(id_for(1002)),
        ),
        roster_row(3, "999999999999", 民族="火星族", 手机号="1381234"),
        roster_row(
            4,
            "620502103005",
            性别="男",
            学历="博士后",
            政治面貌="未知",
            职务="队长",
            任职开始="2021-13-01",
        ),
        roster_row(5, "620502103005", 身份证号=good),
        roster_row(6, "620502103005", 姓名="", 职业类别="学生"),
        [None] * len(COLUMNS),  # an empty row is skipped
    ]
    plan = parse_roster(roster_bytes(rows))
    assert [str(e) for e in plan.errors] == [
        "第3行「身份证号」：身份证号被存成了数字，请将该列设为文本格式后重新录入。",
        "第4行「民族」：“火星族”不是国家标准中的民族名称。",
        "第4行「手机号」：手机号格式不正确，应为11位手机号码。",
        "第4行「所属组织代码」：未找到该组织，或不在您的管辖范围内。",
        "第5行「性别」：与身份证号不一致。",
        "第5行「学历」：“博士后”不是可选值。",
        "第5行「政治面貌」：“未知”不是可选值。",
        "第5行「职务」：“队长”不是可选的职务。",
        "第5行「任职开始」：日期格式不正确，应如 2023-01-05。",
        "第6行「身份证号」：与第2行的身份证号重复。",
        "第7行「姓名」：不能为空。",
        "第7行「职业类别」：“学生”不是可选值。",
    ]


def test_wrong_header(cast, tmp_path):
    ok, _out, err = _run(
        _file(tmp_path, [roster_row(1, "620502103005")], header=["姓名", "身份证号"])
    )
    assert not ok and err.startswith("第1行「表头」：表头应依次为：姓名、性别、民族、身份证号")


def test_not_an_xlsx(tmp_path, cast):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    ok, _out, err = _run(str(path))
    assert not ok and "无法读取文件" in err


def test_traditional_headers_and_values_and_dates_are_accepted(cast, tmp_path):
    header = [
        "姓名",
        "性別",
        "民族",
        "身份證號",
        "手機號",
        "學歷",
        "政治面貌",
        "職業類別",
        "所屬組織代碼",
        "職務",
        "任職開始",
    ]
    row = roster_row(
        1,
        620502103005,
        民族="回",
        学历="本科",
        政治面貌="黨員",
        任职开始=datetime.datetime(2021, 6, 1),  # noqa: DTZ001 - a spreadsheet cell
    )
    ok, _out, err = _run(_file(tmp_path, [row], header=header))
    assert ok, err
    person = Person.objects.get()
    assert (person.ethnicity, person.education, person.political_status) == (
        "03",
        "bachelor",
        "cpc",
    )


def test_page_import_refuses_people_registered_elsewhere(cast, people):
    rows = [roster_row(1, "620502103005"), roster_row(2, "620502103005", 身份证号=id_for(3))]
    plan = parse_roster(roster_bytes(rows), actor=cast.town_a_admin)
    assert [str(e) for e in plan.errors] == [
        "第3行「身份证号」：该人员已在其他组织登记。如需调入，请联系区妇联办理调转。"
    ]
    plan = parse_roster(roster_bytes([roster_row(1, "620502108202")]), actor=cast.town_a_admin)
    assert [str(e) for e in plan.errors] == [
        "第2行「所属组织代码」：未找到该组织，或不在您的管辖范围内。"
    ]


def test_existing_person_in_scope_is_updated_not_duplicated(cast, people):
    from fulian.people.roster import import_roster

    row = roster_row(
        1, "620502103005", 身份证号=id_for(1), 姓名="王秀英", 学历="研究生", 职务="执委"
    )
    plan, result = import_roster(roster_bytes([row]), actor=cast.town_a_admin)
    assert plan.ok and (result.created, result.updated, result.positions) == (0, 1, 0)
    assert Person.objects.get(pk=people["a"].pk).education == "postgraduate"


def test_no_plaintext_in_database_file_or_audit(cast, tmp_path, settings):
    rows = [roster_row(n, "620502103005") for n in range(20)]
    ok, _out, err = _run(_file(tmp_path, rows))
    assert ok, err
    numbers = [id_for(1000 + n) for n in range(20)]
    assert not any(
        n in str(list(LogEntry.objects.values_list("changes", flat=True))) for n in numbers
    )
    if connection.vendor == "sqlite":
        dump = "\n".join(connection.connection.iterdump())
        assert not any(n in dump for n in numbers)
        assert not any(f"139{n:08d}" in dump for n in range(20))


def test_template_and_export_round_trip_masked(cast, people):
    header = read_rows(template_workbook())[0]
    assert header[: len(COLUMNS)] == COLUMNS
    data = export_workbook(
        Person.objects.filter(pk=people["a"].pk).prefetch_related("positions"), org=cast.town_a
    )
    rows = read_rows(data)
    day = periods.today()
    assert [r[0] for r in rows[:2]] == ["皂郊镇妇联花名册", f"导出日期：{day:%Y-%m-%d}　共 1 条"]
    assert rows[2] == [*COLUMNS, "所属组织"]
    assert rows[3][:5] == [
        "王秀英",
        "女",
        "汉族",
        id_for(1)[:4] + "*" * 10 + id_for(1)[-4:],
        "138****0001",
    ]
    # The start is a date cell, and the org is named beside its code.
    assert rows[3][8:] == ["620502103005", "执委", datetime.date(2021, 5, 1), "下寨子居民委员会"]
    assert len(rows) == 4  # no totals row: nothing in a roster sums


def test_command_with_missing_file(db):
    with pytest.raises(CommandError, match="无法读取文件"):
        call_command("import_people", "/nonexistent/roster.xlsx")


__all__ = ["sqlite3"]


def test_grid_workers_and_traditional_headers_import_once(cast, tmp_path):
    traditional = ["姓名", "性別", "民族", "身份證號", "手機號", "學歷", "政治面貌", "職業類別",
                   "所屬組織代碼", "職務", "任職開始"]  # fmt: skip
    rows = [
        roster_row(1, "620502103005", **{"职务": "网格员"}),
        roster_row(2, "620502103005", **{"职务": "網格員", "民族": "漢族"}),
        roster_row(3, "620502103203", **{"职务": "执委"}),
    ]
    path = _file(tmp_path, rows, header=traditional)
    assert _run(path)[0]
    workers = Position.objects.filter(kind="grid_worker").order_by("person__pk")
    assert [(p.org.code, p.grid_id) for p in workers] == [
        ("620502103005", None),
        ("620502103005", None),
    ]
    assert Position.objects.count() == 3 and Person.objects.count() == 3
    assert _run(path)[0]
    assert Position.objects.count() == 3 and Person.objects.count() == 3
