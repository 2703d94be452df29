"""The statistics workbook (.xlsx): for an org and a period, one sheet per pillar with the
child orgs as rows, the org's own records (本级) and a total row equal to the org's own
figure, the indicators as columns with their units; the definitions on a last sheet.

Printing: A4 landscape, fitted to one page wide, the header rows and the first column
repeated on every page and frozen on screen."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from fulian.core.periods import Period, today
from fulian.core.registry import PILLARS
from fulian.core.templatetags.fulian import script as script_name
from fulian.orgs.models import Org
from fulian.reports.figures import by_children

HEADER_ROW = 4  # title, subtitle, blank, header
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
TOTAL_FILL = PatternFill("solid", fgColor="F3F3F3")


def filename(org: Org, period: Period) -> str:
    """``秦州区_2023年_统计报表_2026-12-02.xlsx`` (a date range: ``2023-08-01至2023-10-31``)."""
    if period.kind == "range":
        label = _("%(start)s至%(end)s") % {"start": period.start, "end": period.end}
    else:
        label = str(period.label)
    return f"{script_name(org.name)}_{label}_{_('统计报表')}_{today():%Y-%m-%d}.xlsx"


def _width(text: str) -> float:
    """Column width for a text: CJK characters count twice."""
    return sum(2.1 if ord(c) > 0x2E80 else 1.1 for c in text)


def build(org: Org, period: Period) -> bytes:
    table = by_children(org, period)
    book = Workbook()
    first = True
    for key, label in PILLARS.items():
        indicators = [i for i in table.indicators if i.pillar == key]
        if not indicators:
            continue
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = str(label)[:31]
        _pillar_sheet(sheet, org, period, str(label), indicators, table)
    _definitions(book.create_sheet(_("指标说明")), table.indicators)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pillar_sheet(
    sheet: Any, org: Org, period: Period, label: str, indicators: list[Any], table: Any
) -> None:
    columns = len(indicators) + 1
    sheet["A1"] = _("%(org)s %(period)s 统计报表 · %(pillar)s") % {
        "org": script_name(org.name),
        "period": period.label,
        "pillar": label,
    }
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = _("统计期间 %(start)s 至 %(end)s；制表日期 %(made)s；合计行为本组织的指标值") % {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "made": today().isoformat(),
    }
    sheet["A2"].font = Font(size=9, color="555555")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=columns)
    header = [_("组织")] + [
        f"{i.name}（{i.unit}）" if str(i.unit) else str(i.name) for i in indicators
    ]
    for col, text in enumerate(header, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=str(text))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    rows: list[tuple[str, dict[str, Any], bool]] = [
        (script_name(r.org.name), r.figures, False) for r in table.rows if r.org is not None
    ]
    rows.append((_("本级"), table.own.figures, False))
    rows.append((_("合计"), table.total, True))
    for offset, (name, values, is_total) in enumerate(rows, start=1):
        row = HEADER_ROW + offset
        cell = sheet.cell(row=row, column=1, value=name)
        cell.border = BORDER
        for col, indicator in enumerate(indicators, start=2):
            value = values.get(indicator.code)
            c = sheet.cell(row=row, column=col, value=value if value is not None else "—")
            c.border = BORDER
            c.alignment = Alignment(horizontal="right")
        if is_total:
            for col in range(1, columns + 1):
                sheet.cell(row=row, column=col).font = Font(bold=True)
                sheet.cell(row=row, column=col).fill = TOTAL_FILL
    sheet.column_dimensions["A"].width = max(12, *(_width(n) for n, _v, _t in rows)) + 1
    for col, text in enumerate(header[1:], start=2):
        sheet.column_dimensions[get_column_letter(col)].width = min(
            max(9, _width(str(text)) / 2 + 3), 18
        )
    sheet.row_dimensions[HEADER_ROW].height = 48
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=2)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "&P / &N"


def _definitions(sheet: Any, indicators: list[Any]) -> None:
    header = [
        _("代码"),
        _("指标"),
        pgettext("measure", "单位"),
        _("板块"),
        _("定义"),
        _("可按下级相加"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for i in indicators:
        sheet.append(
            [
                i.code,
                str(i.name),
                str(i.unit),
                str(PILLARS.get(i.pillar, i.pillar)),
                str(i.definition),
                _("是") if i.additive else _("否"),
            ]
        )
    for col, width in zip("ABCDEF", (36, 28, 6, 10, 70, 12), strict=True):
        sheet.column_dimensions[col].width = width
    for row in sheet.iter_rows(min_row=2):
        row[4].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
