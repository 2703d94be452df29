"""A round's figures as .xlsx (one row per org, printable on A4) and a report as PDF."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fulian.notices import exports, services
from fulian.notices.tests.conftest import at


@pytest.fixture
def reported(cast, activity, time_machine):
    """The 2023Q2 round: 皂郊镇 accepted with one figure corrected, 天水镇 submitted."""
    time_machine.move_to(at("2023-07-05"), tick=False)
    activity(cast.village_a, when=at("2023-04-20"))
    activity(cast.town_b, when=at("2023-05-20"))
    rnd = services.create_round(
        actor=cast.district_admin,
        title="第二季度工作报表",
        period_code="2023Q2",
        indicators=["events.activities", "building.units_without_org"],
        due=datetime.date(2023, 7, 10),
        narrative_prompt="请简述本季度工作。",
    )
    report = services.start_report(actor=cast.town_a_admin, round=rnd)
    services.save_report(
        actor=cast.town_a_admin,
        report=report,
        narrative="本季度开展普法宣传活动。",
        corrections={
            "events.activities": ("4", "两次活动为纸质登记"),
            "building.units_without_org": ("1", "新登记一家非公企业"),
        },
    )
    services.submit_report(actor=cast.town_a_admin, report=report)
    services.review_report(actor=cast.district_admin, report=report, accept=True)
    other = services.start_report(actor=cast.town_b_admin, round=rnd)
    services.save_report(
        actor=cast.town_b_admin,
        report=other,
        narrative="",
        corrections={},
    )
    services.submit_report(actor=cast.town_b_admin, report=other)
    report.refresh_from_db()
    return rnd, report


def _workbook(client, cast, rnd):
    client.force_login(cast.district_admin)
    response = client.get(reverse("notices:round_export", args=[rnd.pk]))
    assert response["Content-Type"] == exports.XLSX
    disposition = response["Content-Disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "第二季度工作报表_报送汇总.xlsx"
    return response.content


def test_the_round_workbook_has_one_row_per_org_and_the_totals(client, cast, reported):
    rnd, _report = reported
    sheet = load_workbook(io.BytesIO(_workbook(client, cast, rnd))).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "第二季度工作报表（2023年第2季度，截止 2023-07-10）"
    assert rows[1] == [
        "序号",
        "组织",
        "统计代码",
        "状态",
        "报送时间",
        "及时性",
        "活动次数（次）",
        "尚未建立妇女组织的单位数（个）",
        "更正说明",
    ]
    assert rows[2] == [
        1,
        "皂郊镇",
        "620502103",
        "已采纳",
        "2023-07-05 10:00",
        "按时",
        4,
        1,
        "活动次数：1→4（两次活动为纸质登记）；尚未建立妇女组织的单位数：0→1（新登记一家非公企业）",
    ]
    assert rows[3] == [2, "天水镇", "620502108", "已报送", "2023-07-05 10:00", "按时", 1, 0, None]
    assert rows[4][1:2] + rows[4][6:8] == ["已采纳报表合计（秦州区直属下级）", 4, 1]
    assert rows[5][1:2] + rows[5][6:8] == ["系统实时数据（秦州区全辖区）", 2, 0]
    assert len(rows) == 6


def test_the_round_workbook_is_set_up_for_printing(client, cast, reported):
    rnd, _report = reported
    sheet = load_workbook(io.BytesIO(_workbook(client, cast, rnd))).active
    assert sheet.freeze_panes == "C3"
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_options.horizontalCentered is True
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert sorted(r.coord for r in sheet.merged_cells.ranges) == ["A1:I1", "B5:F5", "B6:F6"]
    assert sheet.column_dimensions["B"].width == 12 + 2


def test_the_round_workbook_prints_on_one_landscape_a4_page(client, cast, reported, tmp_path):
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if soffice is None:
        pytest.skip("needs LibreOffice (apt-get install libreoffice-calc)")
    rnd, _report = reported
    source = tmp_path / "round.xlsx"
    source.write_bytes(_workbook(client, cast, rnd))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "round.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 1  # fitted to the width
    boxes = set(re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf))
    width, height = (float(v) for v in boxes.pop())
    assert (int(width + 0.5), int(height + 0.5), boxes) == (842, 595, set())  # A4 landscape


def test_the_report_pdf(client, cast, reported, cjk_pdf):
    _rnd, report = reported
    document = exports.report_document(report)
    assert len(document.pages) == 1
    text = _text_of(document)
    for expected in (
        "第二季度工作报表",
        "皂郊镇（620502103）",
        "2023年第2季度",
        "已采纳（已锁定）",
        "两次活动为纸质登记",
        "新登记一家非公企业",
        "本季度开展普法宣传活动。",
        "已报送 → 已采纳",
    ):
        assert expected in text, expected
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("notices:report_pdf", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1]) == (
        "第二季度工作报表_皂郊镇.pdf"
    )


def _text_of(document):
    parts = []

    def walk(box):
        if hasattr(box, "text"):
            parts.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return "".join(parts)
