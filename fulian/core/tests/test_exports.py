"""One printable shape for every .xlsx export (core.exports), read back by every import
(core.spreadsheets), and each export of the demo printed by LibreOffice as a user would."""

import datetime
import io
import re
import subprocess
from urllib.parse import unquote

import pytest
import time_machine
from django.core.management import call_command
from openpyxl import load_workbook

from fulian.accounts.models import User
from fulian.core import exports
from fulian.core.exports import DATE, DATETIME, INT, Column
from fulian.core.spreadsheets import body_rows, find_header
from fulian.events.models import TrainingClass
from fulian.orgs.models import Org
from fulian.people.models import Election

pytestmark = pytest.mark.django_db

BEIJING_MORNING = datetime.datetime(2023, 12, 31, 1, 30, tzinfo=datetime.UTC)  # 09:30 in Beijing


def test_issuer_title_and_file_name(cast):
    assert exports.federation(cast.district) == "秦州区妇联"
    assert exports.federation(cast.village_a) == "下寨子居民委员会妇联"
    unit = Org(name="秦州区电子商务协会妇联", kind="new_social")
    assert exports.federation(unit) == "秦州区电子商务协会妇联"
    assert exports.title(cast.town_a, "花名册") == "皂郊镇妇联花名册"
    day = datetime.date(2023, 12, 31)
    assert exports.filename(cast.district, "花名册", day) == "秦州区妇联_花名册_20231231.xlsx"
    assert exports.filename(None, 'a/b:"c"', day, ext="pdf") == "a-b--c-_20231231.pdf"
    response = exports.xlsx_response(b"PK", "秦州区妇联_花名册_20231231.xlsx")
    assert unquote(response["Content-Disposition"]) == (
        "attachment; filename*=utf-8''秦州区妇联_花名册_20231231.xlsx"
    )


def test_a_table_is_titled_fitted_frozen_and_set_up_for_a4_landscape():
    book = exports.new_book()
    count = exports.add_table(
        book,
        sheet="签到表",
        title="皂郊镇妇联签到表",
        facts=[("举办单位", "皂郊镇妇联"), ("举办日期", datetime.date(2023, 8, 29))],
        columns=[
            Column("姓名"),
            Column("单位"),
            Column("签到时间", DATETIME),
            Column("任职开始", DATE),
            Column("人数", INT, total=True),
        ],
        rows=[
            ["李秀英", "皂郊镇下寨子居民委员会", BEIJING_MORNING, datetime.date(2021, 5, 1), 3],
            ["赵敏", "x" * 60, None, None, 4],
        ],
        day=datetime.date(2023, 12, 31),
    )
    assert count == 2
    ws = load_workbook(io.BytesIO(exports.to_bytes(book)))["签到表"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["皂郊镇妇联签到表", None, None, None, None],
        ["导出日期：2023-12-31　共 2 条", None, None, None, None],
        ["举办单位：皂郊镇妇联", None, None, None, None],
        ["举办日期：2023-08-29", None, None, None, None],
        ["姓名", "单位", "签到时间", "任职开始", "人数"],
        # Real date and time cells, the time in Beijing time to the minute.
        [
            "李秀英",
            "皂郊镇下寨子居民委员会",
            datetime.datetime(2023, 12, 31, 9, 30),  # noqa: DTZ001 - a spreadsheet cell
            datetime.datetime(2021, 5, 1),  # noqa: DTZ001 - a spreadsheet cell
            3,
        ],
        ["赵敏", "x" * 60, None, None, 4],
        ["合计", None, None, None, 7],
    ]
    assert (ws["C6"].number_format, ws["D6"].number_format) == ("yyyy-mm-dd hh:mm", "yyyy-mm-dd")
    assert {str(r) for r in ws.merged_cells.ranges} == {"A1:E1", "A2:E2", "A3:E3", "A4:E4"}
    # CJK characters count double; a long text stops at 40 and wraps (its row grows).
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    assert widths == [8, 40, 18, 13, 6]
    assert (ws.row_dimensions[6].height, ws.row_dimensions[7].height) == (None, 30)
    assert (ws.freeze_panes, ws.print_title_rows) == ("A6", "$5:$5")
    setup = ws.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (
        "landscape",
        9,
        1,
        0,
    )
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_imports_find_the_header_under_a_title_and_stop_at_the_totals():
    rows = [
        ["秦州区妇联花名册", None],
        ["导出日期：2023-12-31　共 2 条", None],
        ["姓名", "人数"],
        ["李秀英", 3],
        [None, None],
        ["赵敏", 4],
        ["合計", 7],  # Traditional, as a zh-Hant user's export writes it
        [None, None],
    ]
    assert find_header(rows, lambda r: r[0] == "姓名") == 2
    assert body_rows(rows, 2) == [(4, ["李秀英", 3]), (5, [None, None]), (6, ["赵敏", 4])]
    assert find_header([["x"]] * 5 + [["姓名"]], lambda r: r[0] == "姓名") is None
    # A plain file (header in row 1) reads as before.
    assert body_rows([["姓名"], ["李秀英"]], 0) == [(2, ["李秀英"])]


# --- printed, as a user prints them ---------------------------------------------------------

A4_LANDSCAPE = "841.89 x 595.304 pts (A4)"


def _pdf_pages(pdf):
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "9999", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", info, re.MULTILINE)
    texts = []
    for number in range(1, len(sizes) + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        texts.append("".join(text.split()))
    return sizes, texts


def _headers(data):
    """(first, last) header of each sheet: the row repeated on every printed page."""
    book = load_workbook(io.BytesIO(data))
    out = []
    for ws in book.worksheets:
        row = int(ws.print_title_rows.split(":")[0].strip("$"))
        values = ["".join(str(c.value).split()) for c in ws[row] if c.value is not None]
        out.append((values[0], values[-1]))
    return out


@time_machine.travel(BEIJING_MORNING)
def test_every_export_of_the_demo_prints_one_page_wide_on_a4_landscape(
    client, libreoffice, tmp_path, settings
):
    """Converted with LibreOffice: every page is A4 landscape, and every page carries the
    first and the last column's header (a column cut off would print on a page of its own,
    without the first); the page counts are those of the demo's data."""
    settings.FULIAN_DEFAULT_YEAR = 2023
    call_command("load_demo", stdout=io.StringIO())
    client.force_login(User.objects.get(username="qinzhou-admin"))
    training = TrainingClass.objects.order_by("pk").first()
    election = Election.objects.order_by("pk").first()
    urls = {
        "roster": "/people/export.xlsx",
        "units": "/building/units/export.xlsx",
        "venues": "/venues/export.xlsx",
        "attendance": f"/events/trainings/{training.pk}/attendance.xlsx",
        "election": f"/people/elections/{election.pk}/result.xlsx",
    }
    files = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        files[name] = response.content
        (tmp_path / f"{name}.xlsx").write_bytes(response.content)
    subprocess.run(
        [
            libreoffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            *[str(tmp_path / f"{name}.xlsx") for name in urls],
        ],
        capture_output=True,
        check=True,
        timeout=600,
    )
    pages = {}
    for name, data in files.items():
        sizes, texts = _pdf_pages(tmp_path / f"{name}.pdf")
        assert set(sizes) == {A4_LANDSCAPE}, name
        headers = _headers(data)
        for number, text in enumerate(texts, start=1):
            assert any(first in text and last in text for first, last in headers), (name, number)
            assert f"第{number}页，共{len(texts)}页" in text, (name, number)
        pages[name] = len(texts)
    # 2,150 people (was 138 portrait pages with columns cut off); 140 trainees on 6
    # sessions and the summary; 44 candidates under the ballot facts.
    assert pages == {"roster": 65, "units": 1, "venues": 2, "attendance": 5, "election": 2}
