"""The unit register in Excel: template, import (page and command), export."""

import io
import re
from urllib.parse import unquote

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from stdnum.cn import uscc

from fulian.building import services
from fulian.building.models import Unit, UnitKind, UnitStatus
from fulian.building.spreadsheets import COLUMNS, EXPORT_COLUMNS, parse_units
from fulian.core import periods
from fulian.core.testing import check_matrix

pytestmark = pytest.mark.django_db

EVERYONE = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
EDITORS = EVERYONE | {"viewer": 403}


def code(n: int) -> str:
    """A valid unified social credit code, distinct for each n."""
    base = f"91620502MA{n:07d}"
    return base + uscc.calc_check_digit(base)


def bad_check_digit(n: int) -> str:
    good = code(n)
    return good[:-1] + ("1" if good[-1] != "1" else "2")


def xlsx(rows, header=COLUMNS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def as_text(ws, cell: str) -> None:
    """Mark a cell as text the way Excel does for a number typed into a text column."""
    ws[cell].data_type = "s"
    ws[cell].value = str(ws[cell].value)


def messy_file() -> bytes:
    """How real registers look: a blank row in the middle, a count and a code stored as
    text, trailing and inner spaces, a lower-case code, a Traditional label, an area code
    typed as a number, an area given by id."""
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    ws.append(["天水物流有限公司  ", code(1).lower() + " ", "企业", "620502108", 12])
    ws.append([None, None, None, None, None])
    ws.append(["  ", "", "", "", ""])
    ws.append(["皂郊镇  快递服务站", "", "新就業群體", 620502103, "8"])
    ws.append(["下寨子社区志愿者协会", code(2), "新社会组织", "620502103005", None])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(*args):
    """Run the command as the shell does (``manage.py import_units …``): the exit code,
    stdout and stderr. The command closes the database connections when it ends, which
    would close the test's own; that one step is skipped."""
    import contextlib
    from unittest import mock

    out, err = io.StringIO(), io.StringIO()
    status = 0
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        try:
            ManagementUtility(["manage.py", "import_units", *args]).execute()
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def units_table():
    return sorted(
        Unit.objects.values_list("name", "credit_code", "kind", "org__code", "women_count")
    )


# --- the command -----------------------------------------------------------------------------


def test_messy_file_imports_every_row_once_and_again_nothing(cast, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(messy_file())
    status, out, err = run(str(path))
    assert (status, err) == (0, "")
    assert out.strip() == "导入完成：3行，新增单位3个，更新0个，未变0个。"
    assert units_table() == [
        ("下寨子社区志愿者协会", code(2), "new_social", "620502103005", 0),
        ("天水物流有限公司", code(1), "enterprise", "620502108", 12),
        ("皂郊镇 快递服务站", None, "new_employment", "620502103", 8),
    ]
    assert set(Unit.objects.values_list("status", flat=True)) == {UnitStatus.NONE}
    status, out, err = run(str(path))
    assert (status, err) == (0, "")
    assert out.strip() == "导入完成：3行，新增单位0个，更新0个，未变3个。"
    assert Unit.objects.count() == 3


def test_every_kind_of_bad_row_is_named_and_nothing_is_imported(cast, tmp_path):
    rows = [
        ["好单位", code(10), "企业", "620502103", 3],
        ["校验位错", bad_check_digit(11), "企业", "620502103", 3],
        ["位数错", "91620502MA000", "企业", "620502103", 3],
        ["类型错", "", "个体户", "620502103", 3],
        [None, None, None, None, None],
        ["区域外", "", "企业", "620502108", 3],
        ["没有的区域", "", "企业", "620502999", 3],
        ["人数错", "", "企业", "620502103", "十二"],
        ["人数小数", "", "企业", "620502103", 2.5],
        ["人数负数", "", "企业", "620502103", "-3"],
        ["代码重复", code(10), "机关", "620502103005", 1],
        ["好单位 ", "", "事业单位", "620502103", 1],
        ["", code(12), "企业", "620502103", 1],
        ["不是区划", "", "企业", "", 1],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    status, out, err = run(str(path), "--user", cast.town_a_admin.username)
    assert (status, out) == (1, "")
    assert err.splitlines() == [
        "第3行「统一社会信用代码」：校验位不正确，请核对。",
        "第4行「统一社会信用代码」：应为18位，现为13位。",
        "第5行「单位类型」：“个体户”不是可选的单位类型"
        "（机关、事业单位、企业、新经济组织、新社会组织、新就业群体）。",
        "第7行「所属区域代码」：未找到该区域，或不在您的管辖范围内。",
        "第8行「所属区域代码」：未找到该区域，或不在您的管辖范围内。",
        "第9行「女职工（成员）人数」：应为0到1000000之间的整数。",
        "第10行「女职工（成员）人数」：应为0到1000000之间的整数。",
        "第11行「女职工（成员）人数」：应为0到1000000之间的整数。",
        "第12行「统一社会信用代码」：与第2行的统一社会信用代码重复。",
        "第13行「单位名称」：与第2行的单位名称和区域重复。",
        "第14行「单位名称」：不能为空。",
        "第15行「所属区域代码」：不能为空。",
        "CommandError: 共12处错误，未导入任何数据。",
    ]
    assert Unit.objects.count() == 0


def test_the_area_out_of_scope_is_fine_for_the_system_and_dry_run_writes_nothing(cast, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx([["天水镇农家乐协会", "", "新社会组织", "620502108", 4]]))
    status, out, _err = run(str(path), "--dry-run", "--user", cast.town_b_admin.username)
    assert (status, out.strip()) == (0, "检查通过：1行，其中新增单位1个，更新0个。")
    assert Unit.objects.count() == 0
    status, _out, err = run(str(path), "--user", cast.town_a_admin.username)
    assert status == 1 and "第2行「所属区域代码」" in err
    status, _out, err = run(str(path), "--user", cast.viewer.username)
    assert (status, err.strip()) == (1, "CommandError: 该账号没有导入权限。")
    assert run(str(path), "--user", "nobody")[0] == 1
    assert run(str(tmp_path / "missing.xlsx"))[0] == 1
    assert Unit.objects.count() == 0
    assert run(str(path))[0] == 0
    assert units_table() == [("天水镇农家乐协会", None, "new_social", "620502108", 4)]


def test_command_with_a_user_names_the_actor_in_the_audit_log(cast, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(xlsx([["皂郊镇电商协会", code(30), "新经济组织", "620502103", 6]]))
    call_command(
        "import_units", str(path), "--user", cast.town_a_admin.username, stdout=io.StringIO()
    )
    unit = Unit.objects.get()
    entry = LogEntry.objects.get_for_object(unit).get()
    assert (entry.action, entry.actor, entry.additional_data["org_path"]) == (
        LogEntry.Action.CREATE,
        cast.town_a_admin,
        cast.town_a.path,
    )
    path.write_bytes(xlsx([["皂郊镇电商协会", code(30), "新经济组织", "620502103", 9]]))
    call_command("import_units", str(path), stdout=io.StringIO())
    update = LogEntry.objects.get_for_object(unit).latest("pk")
    assert (update.action, update.actor, update.changes_dict["women_count"]) == (
        LogEntry.Action.UPDATE,
        None,
        ["6", "9"],
    )


def test_bad_header_and_broken_file_and_empty_sheet(cast, tmp_path):
    path = tmp_path / "u.xlsx"
    path.write_bytes(xlsx([["a", "", "企业", "620502103", 1]], header=["名称", "代码"]))
    status, _out, err = run(str(path))
    assert status == 1
    assert err.splitlines()[0] == (
        "第1行「表头」：表头应依次为：单位名称、统一社会信用代码、单位类型、所属区域代码、"
        "女职工（成员）人数。"
    )
    path.write_bytes(xlsx([]))
    assert run(str(path))[2].splitlines()[0] == "第2行「数据」：表头之下没有可导入的行。"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    status, _out, err = run(str(path))
    assert (status, err.strip()) == (1, "CommandError: 无法读取文件，请上传 .xlsx 格式的表格。")


# --- matching registered units ---------------------------------------------------------------


def test_matching_by_code_in_scope_else_by_name_and_area(cast):
    by_code = services.register_unit(
        actor=cast.district_admin,
        org=cast.town_a,
        name="旧名称",
        kind=UnitKind.ENTERPRISE,
        credit_code=code(40),
        women_count=5,
    )
    by_name = services.register_unit(
        actor=cast.district_admin, org=cast.village_a, name="社区超市", kind=UnitKind.ENTERPRISE
    )
    elsewhere = services.register_unit(
        actor=cast.district_admin,
        org=cast.town_b,
        name="天水镇酒厂",
        kind=UnitKind.ENTERPRISE,
        credit_code=code(41),
    )
    same_name_other_code = services.register_unit(
        actor=cast.district_admin,
        org=cast.town_a,
        name="同名公司",
        kind=UnitKind.ENTERPRISE,
        credit_code=code(42),
    )
    data = xlsx(
        [
            ["新名称", code(40), "企业", "620502103", 7],
            ["社区超市", code(43), "企业", "620502103005", 2],
            ["天水镇酒厂", code(41), "企业", "620502103", 1],
            ["同名公司", code(44), "企业", "620502103", 1],
            ["旧名称", "", "企业", "620502103", 1],
        ]
    )
    plan = parse_units(data, actor=cast.town_a_admin)
    assert [str(e) for e in plan.errors] == [
        "第4行「统一社会信用代码」：该统一社会信用代码已由管辖范围以外的区域登记。",
        "第5行「统一社会信用代码」：该区域已登记同名单位，统一社会信用代码为"
        f"{code(42)}，与本行不同。",
        "第6行「单位名称」：与第2行是同一个已登记单位。",  # 旧名称 is the unit row 2 renames
    ]
    plan = parse_units(data, actor=cast.district_admin)
    assert [str(e) for e in plan.errors] == [
        "第5行「统一社会信用代码」：该区域已登记同名单位，统一社会信用代码为"
        f"{code(42)}，与本行不同。",
        "第6行「单位名称」：与第2行是同一个已登记单位。",  # 旧名称 is the unit row 2 renames
    ]
    good = xlsx(
        [
            ["新名称", code(40), "企业", "620502103", 7],
            ["社区超市", code(43), "企业", "620502103005", 2],
            ["同名公司", "", "企业", "620502103", 1],
        ]
    )
    plan, result = services.import_units(actor=cast.town_a_admin, data=good)
    assert (result.created, result.updated, result.unchanged) == (0, 3, 0)
    assert [(r.row, r.existing.pk) for r in plan.rows] == [
        (2, by_code.pk),
        (3, by_name.pk),
        (4, same_name_other_code.pk),
    ]
    by_code.refresh_from_db()
    by_name.refresh_from_db()
    same_name_other_code.refresh_from_db()
    assert (by_code.name, by_code.women_count) == ("新名称", 7)
    assert (by_name.credit_code, by_name.women_count) == (code(43), 2)
    assert same_name_other_code.credit_code == code(42)  # a blank code keeps the registered one
    assert Unit.objects.count() == 4 and elsewhere.name == "天水镇酒厂"


def test_two_rows_for_one_registered_unit_and_a_founded_units_kind(cast):
    unit = services.register_unit(
        actor=cast.district_admin,
        org=cast.town_a,
        name="快递站",
        kind=UnitKind.NEW_EMPLOYMENT,
        credit_code=code(50),
    )
    data = xlsx(
        [
            ["快递站", code(50), "新就业群体", "620502103", 1],
            ["快递站", "", "新就业群体", "620502103", 1],
        ]
    )
    # The second row is the same name and area as the first: caught as a duplicate in the file.
    assert [str(e) for e in parse_units(data, actor=cast.town_a_admin).errors] == [
        "第3行「单位名称」：与第2行的单位名称和区域重复。"
    ]
    data = xlsx(
        [
            ["快递服务站", code(50), "新就业群体", "620502103", 1],
            ["快递站", "", "新就业群体", "620502103", 1],
        ]
    )
    assert [str(e) for e in parse_units(data, actor=cast.town_a_admin).errors] == [
        "第3行「单位名称」：与第2行是同一个已登记单位。"
    ]
    import datetime

    services.found_unit(actor=cast.town_a_admin, unit=unit, on=datetime.date(2023, 5, 1))
    data = xlsx([["快递站", code(50), "企业", "620502103", 1]])
    assert [str(e) for e in parse_units(data, actor=cast.town_a_admin).errors] == [
        "第2行「单位类型」：该单位已建立妇女组织，不能再改类型。"
    ]


def test_service_checks_role_and_writes_nothing_on_errors(cast):
    data = xlsx([["皂郊镇幼儿园", "", "事业单位", "620502103", 20]])
    with pytest.raises(PermissionDenied):
        services.import_units(actor=cast.viewer, data=data)
    plan, result = services.import_units(actor=cast.town_b_admin, data=data)
    assert result is None and [e.column for e in plan.errors] == ["所属区域代码"]
    assert Unit.objects.count() == 0
    _plan, result = services.import_units(actor=cast.village_editor, data=data)
    assert result is None  # 皂郊镇 is above the village editor
    plan, result = services.import_units(actor=cast.town_a_admin, data=data)
    assert (result.rows, result.created) == (1, 1)


# --- template and export ---------------------------------------------------------------------


def test_template_has_the_columns_lists_and_text_cells(client, cast):
    check_matrix(client, cast, "get", "/building/units/import/template.xlsx", EVERYONE)
    client.force_login(cast.viewer)
    response = client.get("/building/units/import/template.xlsx")
    assert unquote(response["Content-Disposition"]) == (
        "attachment; filename*=utf-8''应建单位登记表模板.xlsx"
    )
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["应建单位", "说明"]
    ws = wb["应建单位"]
    assert [c.value for c in ws[1]] == COLUMNS
    assert (ws["B2"].number_format, ws["D2"].number_format) == ("@", "@")
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists == ['"机关,事业单位,企业,新经济组织,新社会组织,新就业群体"']
    # An untouched template is a file with no rows, not a broken one.
    assert [str(e) for e in parse_units(response.content).errors] == [
        "第2行「数据」：表头之下没有可导入的行。"
    ]


@pytest.fixture
def register(cast):
    def unit(org, name, kind, n=None, count=0):
        return services.register_unit(
            actor=cast.district_admin,
            org=org,
            name=name,
            kind=kind,
            credit_code=code(n) if n else "",
            women_count=count,
        )

    a = unit(cast.town_a, "皂郊镇卫生院", UnitKind.PUBLIC_UNIT, 60, 31)
    b = unit(cast.village_a, "下寨子物业公司", UnitKind.ENTERPRISE, None, 4)
    c = unit(cast.town_b, "天水镇司法所", UnitKind.INSTITUTION, 61, 2)
    services.exempt_unit(actor=cast.district_admin, unit=b, reason="女职工不足")
    return a, b, c


def test_export_is_the_filtered_list_in_scope_cell_by_cell(client, cast, register):
    check_matrix(client, cast, "get", "/building/units/export.xlsx", EVERYONE)
    client.force_login(cast.district_admin)
    response = client.get("/building/units/export.xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    day = periods.today()
    assert unquote(response["Content-Disposition"]) == (
        f"attachment; filename*=utf-8''秦州区妇联_应建未建单位名单_{day:%Y%m%d}.xlsx"
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "应建单位"
    blank = [None] * 6
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["秦州区妇联应建未建单位名单", *blank],
        [f"导出日期：{day:%Y-%m-%d}　共 3 条", *blank],
        EXPORT_COLUMNS,
        ["下寨子物业公司", None, "企业", "620502103005", 4, "下寨子居民委员会", "免建"],
        ["天水镇司法所", code(61), "机关", "620502108", 2, "天水镇", "未建立"],
        ["皂郊镇卫生院", code(60), "事业单位", "620502103", 31, "皂郊镇", "未建立"],
        ["合计", None, None, None, 37, None, None],
    ]
    # Codes are text cells (the equality above tells '620502108' from 620502108).
    client.force_login(cast.town_a_admin)
    ws = load_workbook(io.BytesIO(client.get("/building/units/export.xlsx").content)).active
    assert ws["A1"].value == "皂郊镇妇联应建未建单位名单"
    assert [r[0] for r in ws.iter_rows(min_row=4, values_only=True)] == [
        "下寨子物业公司",
        "皂郊镇卫生院",
        "合计",
    ]
    response = client.get("/building/units/export.xlsx?status=pending&kind=public_unit&page=2")
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in ws.iter_rows(min_row=4, values_only=True)] == ["皂郊镇卫生院", "合计"]
    # The page links to the export with its filters (not its page number).
    page = client.get("/building/units/?status=pending&kind=public_unit&page=1").content.decode()
    assert 'href="/building/units/export.xlsx?status=pending&amp;kind=public_unit"' in page
    assert 'href="/building/units/import/"' in page
    client.force_login(cast.viewer)
    assert 'id="import-link"' not in client.get("/building/units/").content.decode()


def test_export_query_count_does_not_grow_with_rows(
    client, cast, register, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    # session, user, the user's org, the units with their areas (one query whatever the
    # number of areas), and the session's refresh (savepoint, update, release)
    with django_assert_num_queries(7):
        client.get("/building/units/export.xlsx")


def test_exported_file_imports_back_unchanged(client, cast, register):
    client.force_login(cast.district_admin)
    data = client.get("/building/units/export.xlsx").content
    before = units_table()
    plan, result = services.import_units(actor=cast.district_admin, data=data)
    assert plan.ok and (result.rows, result.created, result.updated) == (3, 0, 0)
    assert units_table() == before


# --- the import pages ------------------------------------------------------------------------


class Upload(io.BytesIO):
    """A file for the test client that can be posted again and again (by check_matrix)."""

    def __init__(self, data: bytes, name: str = "units.xlsx") -> None:
        super().__init__(data)
        self.name = name

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def upload(client, data: bytes, name: str = "units.xlsx"):
    return client.post("/building/units/import/", {"file": Upload(data, name)})


def test_import_pages_matrix(client, cast):
    count = Unit.objects.count
    check_matrix(client, cast, "get", "/building/units/import/", EDITORS)
    # Uploading only previews: every editor gets the preview, nobody writes.
    data = xlsx([["天水镇养殖合作社", "", "新经济组织", "620502108", 3]])
    check_matrix(
        client, cast, "post", "/building/units/import/", EDITORS, data={"file": Upload(data)}
    )
    assert count() == 0
    # Confirming with nothing pending goes back to the upload page; denied ones write nothing.
    editors_back = dict.fromkeys(("district_admin", "town_a_admin", "town_b_admin"), 302)
    check_matrix(
        client,
        cast,
        "post",
        "/building/units/import/confirm/",
        EDITORS | editors_back | {"village_editor": 302},
        state=count,
    )
    assert count() == 0


def test_upload_preview_then_confirm_writes_with_the_user_as_actor(client, cast, settings):
    client.force_login(cast.town_a_admin)
    services.register_unit(
        actor=cast.town_a_admin, org=cast.town_a, name="皂郊镇中学", kind=UnitKind.PUBLIC_UNIT
    )
    response = upload(client, messy_file_for_town_a())
    page = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-import"' in page
    preview = re.search(r'id="import-preview">(.*?)</div>', page).group(1)
    assert preview == "共 3 行：新增单位 2 个，更新 1 个，其余不变。"
    assert Unit.objects.count() == 1
    pending = list((settings.MEDIA_ROOT / "building_imports").iterdir())
    assert len(pending) == 1
    response = client.post("/building/units/import/confirm/")
    assert response.status_code == 302 and response["Location"] == "/building/units/"
    assert units_table() == [
        ("下寨子社区妇女互助会", None, "new_social", "620502103005", 15),
        ("皂郊镇中学", None, "public_unit", "620502103", 40),
        ("皂郊镇快递驿站", code(70), "new_employment", "620502103", 6),
    ]
    assert list((settings.MEDIA_ROOT / "building_imports").iterdir()) == []
    actors = set(
        LogEntry.objects.filter(content_type__model="unit", action=LogEntry.Action.CREATE)
        .exclude(object_repr="皂郊镇中学")
        .values_list("actor__username", flat=True)
    )
    assert actors == {cast.town_a_admin.username}
    messages = client.get("/building/units/").content.decode()
    assert "导入完成：新增单位2个，更新1个，未变0个。" in messages
    # The confirmation is spent: posting it again imports nothing.
    response = client.post("/building/units/import/confirm/")
    assert response["Location"] == "/building/units/import/"
    assert Unit.objects.count() == 3


def messy_file_for_town_a() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    ws.append(["皂郊镇快递驿站 ", code(70), "新就业群体", 620502103, 6])
    ws.append([])
    ws.append(["皂郊镇中学", "", "事业单位", "620502103", 40])
    ws.append(["下寨子社区妇女互助会", None, "新社会组织", "620502103005", 15])
    as_text(ws, "E5")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_upload_with_errors_shows_them_and_offers_no_confirmation(client, cast):
    client.force_login(cast.town_a_admin)
    data = xlsx(
        [
            ["好单位", code(80), "企业", "620502103", 1],
            ["坏代码", bad_check_digit(81), "企业", "620502103", 1],
            ["区域外", "", "企业", "620502108", 1],
        ]
    )
    page = upload(client, data).content.decode()
    assert 'id="confirm-import"' not in page
    errors = re.findall(r"<li>(.*?)</li>", page.split('id="import-errors"')[1].split("</div>")[0])
    assert errors == [
        "第3行「统一社会信用代码」：校验位不正确，请核对。",
        "第4行「所属区域代码」：未找到该区域，或不在您的管辖范围内。",
    ]
    assert client.post("/building/units/import/confirm/").status_code == 302
    assert Unit.objects.count() == 0
    page = upload(client, b"not a spreadsheet", "units.xlsx").content.decode()
    assert "请上传 .xlsx 格式的文件。" in page


def test_confirm_checks_again_what_changed_since_the_preview(client, cast):
    client.force_login(cast.town_a_admin)
    upload(client, xlsx([["皂郊镇书院", code(90), "企业", "620502103", 1]]))
    services.register_unit(
        actor=cast.district_admin,
        org=cast.town_b,
        name="天水镇书院",
        kind=UnitKind.ENTERPRISE,
        credit_code=code(90),
    )
    page = client.post("/building/units/import/confirm/").content.decode()
    assert "第2行「统一社会信用代码」：该统一社会信用代码已由管辖范围以外的区域登记。" in page
    assert Unit.objects.count() == 1
    with pytest.raises(CommandError):
        call_command("import_units", "/nonexistent.xlsx")


def test_an_edited_export_reports_the_sheet_row_of_an_error(client, cast, register):
    client.force_login(cast.district_admin)
    book = load_workbook(io.BytesIO(client.get("/building/units/export.xlsx").content))
    ws = book.active
    assert ws["A5"].value == "天水镇司法所"
    ws["D5"] = "999999999"
    out = io.BytesIO()
    book.save(out)
    plan = parse_units(out.getvalue(), actor=cast.district_admin)
    assert [str(e) for e in plan.errors] == [
        "第5行「所属区域代码」：未找到该区域，或不在您的管辖范围内。"
    ]
