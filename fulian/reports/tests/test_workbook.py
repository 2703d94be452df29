"""The statistics workbook on the 2023 demo: one sheet per pillar with every child org, the
本级 row and a total equal to the district's figure; printable on A4 (title, frozen header,
print titles, fit to width), opened by openpyxl and printed by LibreOffice."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from fulian.accounts.models import User
from fulian.core.indicators import REGISTRY, Groups, evaluate_groups
from fulian.core.periods import Period, today
from fulian.core.registry import PILLARS
from fulian.orgs.models import Org
from fulian.reports import workbook
from fulian.reports.tests.conftest import libreoffice_to_pdf, pdf_pages, pdf_text

pytestmark = pytest.mark.usefixtures("demo")

SHEETS = ["强·组织", "全·队伍", "能·培训", "干·履职", "报告", "指标说明"]


def _book(code: str = "620502", period: Period | None = None):
    org = Org.objects.get(code=code)
    return org, load_workbook(io.BytesIO(workbook.build(org, period or Period.year(2023))))


def test_every_pillar_has_a_sheet_of_children_with_a_total_equal_to_the_district(db):
    district, book = _book()
    assert book.sheetnames == SHEETS
    children = list(Org.objects.get_children(district).order_by("path"))
    expected = evaluate_groups(Groups(district), Period.year(2023))
    by_children = evaluate_groups(Groups(district, children), Period.year(2023))
    for name in SHEETS[:-1]:
        sheet = book[name]
        header = [c.value for c in sheet[workbook.HEADER_ROW]]
        names = [sheet.cell(row=r, column=1).value for r in range(5, sheet.max_row + 1)]
        assert header[0] == "组织"
        assert names == [c.name for c in children] + ["本级", "合计"]
        pillar = next(key for key, label in PILLARS.items() if str(label) == name)
        codes = sorted(i.code for i in REGISTRY.values() if i.pillar == pillar)
        assert len(header) == len(codes) + 1
        for col, code in enumerate(codes, start=2):
            indicator = REGISTRY[code]
            assert header[col - 1] == f"{indicator.name}（{indicator.unit}）"
            column = [sheet.cell(row=r, column=col).value for r in range(5, sheet.max_row + 1)]
            assert column[-1] == expected[code][district.path], code
            assert column[:-2] == [by_children[code][c.path] for c in children], code
            if indicator.additive:
                assert sum(column[:-1]) == column[-1], code


def test_the_seed_figures_are_in_the_total_row(db):
    _district, book = _book()

    def total(sheet: str, header: str) -> object:
        rows = list(book[sheet].iter_rows(min_row=workbook.HEADER_ROW, values_only=True))
        return rows[-1][rows[0].index(header)]

    assert total("强·组织", "指导督察次数（次）") == 16
    assert total("强·组织", "新建“三新”组织妇联数（个）") == 5
    assert total("全·队伍", "妇女代表大会代表人数（人）") == 167
    assert total("能·培训", "妇联系统培训次数（次）") == 39
    assert total("能·培训", "妇联系统培训人次（人次）") == 987
    assert total("干·履职", "听取执委述职（名）") == 8
    assert total("干·履职", "执委领办实事项目（个）") == 68


def test_the_sheets_print_on_a4_fitted_to_the_width(db):
    _district, book = _book()
    for name in SHEETS[:-1]:
        sheet = book[name]
        assert sheet["A1"].value == f"秦州区 2023年 统计报表 · {name}"
        made = f"{today():%Y-%m-%d}"
        assert sheet["A2"].value == (
            f"统计期间 2023-01-01 至 2023-12-31；制表日期 {made}；合计行为本组织的指标值"
        )
        assert sheet.freeze_panes == "B5"
        assert (sheet.print_title_rows, sheet.print_title_cols) == ("$4:$4", "$A:$A")
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9)  # A4
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    definitions = book["指标说明"]
    assert [c.value for c in definitions[1]] == [
        "代码",
        "指标",
        "单位",
        "板块",
        "定义",
        "可按下级相加",
    ]
    assert definitions.max_row == len(REGISTRY) + 1
    assert definitions["A2"].value == "building.guidance_visits"


def _page(pdf, n: int) -> str:
    out = subprocess.run(
        ["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True, check=True
    )
    return "".join(out.stdout.decode().split())


def test_libreoffice_prints_every_child_on_the_page_width(db, tmp_path):
    district = Org.objects.get(code="620502")
    path = tmp_path / "workbook.xlsx"
    path.write_bytes(workbook.build(district, Period.year(2023)))
    pdf = libreoffice_to_pdf(path)
    assert pdf_pages(pdf) >= 5
    # The first page holds the whole 强 sheet: every child, 本级, the total and the last
    # column (fitted to the width); the next page starts the next sheet.
    first = _page(pdf, 1)
    assert first.startswith("秦州区2023年统计报表·强·组织")
    assert all(c.name in first for c in Org.objects.get_children(district))
    assert "本级合计" in first and "妇女之家数" in first
    assert _page(pdf, 2).startswith("秦州区2023年统计报表·全·队伍")
    assert "building.guidance_visits" in pdf_text(pdf)


def test_the_page_and_its_download(db, client):
    client.force_login(User.objects.get(username="zaojiao-town"))
    town = Org.objects.get(code="620502103")
    page = client.get("/reports/workbook/?period=2023Q3")
    assert page.status_code == 200
    name = f"皂郊镇_2023年第3季度_统计报表_{today():%Y-%m-%d}.xlsx"
    assert name in page.content.decode()
    download = client.get(f"/reports/workbook/?org={town.pk}&period=2023Q3&download=1")
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(download.content))
    rows = list(book["干·履职"].iter_rows(min_row=5, values_only=True))
    assert len(rows) == 36 + 2
    # Out of scope: 404, and a bad period: 400 with the reason.
    district = Org.objects.get(code="620502")
    assert client.get(f"/reports/workbook/?org={district.pk}&download=1").status_code == 404
    bad = client.get(f"/reports/workbook/?org={town.pk}&period=2023Q9&download=1")
    assert bad.status_code == 400 and "期间格式无效" in bad.content.decode()


def test_a_date_range(db):
    start = timezone.now().date().replace(year=2023, month=8, day=1)
    period = Period.between(start, start.replace(month=10, day=31))
    _district, book = _book(period=period)
    assert book["能·培训"]["A1"].value == "秦州区 2023-08-01 – 2023-10-31 统计报表 · 能·培训"
    assert workbook.filename(Org.objects.get(code="620502"), period).startswith(
        "秦州区_2023-08-01至2023-10-31_统计报表_"
    )
