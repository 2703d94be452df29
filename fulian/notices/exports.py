"""A round's figures as .xlsx (one row per org, ready to print on A4) and a report as PDF
(WeasyPrint with the CJK font the certificates use, as ``duty/documents.py``)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core.templatetags.fulian import script as to_script
from fulian.events.documents import MissingCJKFont, cjk_font_family
from fulian.notices.figures import indicator_name, indicator_unit
from fulian.notices.models import Report, ReportStatus, Round, Timeliness

__all__ = ["XLSX", "MissingCJKFont", "report_pdf", "round_workbook"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPORT_CSS = Path(__file__).parent / "static" / "notices" / "report.css"
FIXED = 6  # 序号, 组织, 统计代码, 状态, 报送时间, 及时性


def round_filename(round: Round) -> str:
    return _("%(title)s_报送汇总.xlsx") % {"title": round.title}


def report_filename(report: Report) -> str:
    return f"{report.round.title}_{report.org.name}.pdf"


def _number(value: Decimal | None) -> Any:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _width(text: str) -> float:
    """Column width for a text: CJK characters count twice."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in text)


def round_workbook(
    round: Round,
    rows: list[dict[str, Any]],
    totals: list[tuple[Decimal, Decimal | None]] | None,
    base_name: str = "",
) -> bytes:
    """One row per org: status, timeliness and each figure, corrections in a last column;
    the accepted totals and the live figures below. Printing care as the statistics
    workbook: title row, header repeated on every page, frozen panes, widths, A4
    landscape fitted to one page wide, centred, page numbers in the footer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    statuses = {"not_started": _("未开始"), **{k: str(v) for k, v in ReportStatus.choices}}
    times = {k: str(v) for k, v in Timeliness.choices}
    book = Workbook()
    sheet = book.active
    sheet.title = _("报送汇总")
    names = [
        f"{indicator_name(c)}（{indicator_unit(c)}）" if indicator_unit(c) else indicator_name(c)
        for c in round.indicators
    ]
    headers = [_("序号"), _("组织"), _("统计代码"), _("状态"), _("报送时间"), _("及时性")]
    headers += [*names, _("更正说明")]
    width = len(headers)
    title = _("%(title)s（%(period)s，截止 %(due)s）") % {
        "title": to_script(round.title),
        "period": round.period.label,
        "due": f"{round.due:%Y-%m-%d}",
    }
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 28
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet.row_dimensions[2].height = 36
    for number, row in enumerate(rows, 1):
        report = row["report"]
        first = report.first_submitted_at if report is not None else None
        submitted = timezone.localtime(first).strftime("%Y-%m-%d %H:%M") if first else ""
        figures = row["figures"]
        notes = [
            _("%(name)s：%(old)s→%(new)s（%(reason)s）")
            % {
                "name": indicator_name(f.code),
                "old": _number(f.computed),
                "new": _number(f.corrected),
                "reason": f.reason,
            }
            for f in figures
            if f is not None and f.is_correction
        ]
        indent = "  " * (row["org"].depth - round.org.depth - 1)
        sheet.append(
            [
                number,
                indent + to_script(row["org"].name),
                row["org"].code or "",
                statuses.get(row["status"], row["status"]),
                submitted,
                times.get(row["timeliness"], row["timeliness"]),
                *[_number(f.value) if f is not None else None for f in figures],
                "；".join(notes),
            ]
        )
    org_width = max([_width(str(c.value or "")) for c in sheet["B"][2:]] + [12]) + 2
    if totals is not None:
        blank = [""] * (FIXED - 2)
        label = _("已采纳报表合计（%(org)s直属下级）") % {"org": base_name}
        sheet.append(["", label, *blank, *[_number(t) for t, _l in totals], ""])
        live = _("系统实时数据（%(org)s全辖区）") % {"org": base_name}
        sheet.append(["", live, *blank, *[_number(v) for _t, v in totals], ""])
        for line in sheet.iter_rows(min_row=sheet.max_row - 1, max_row=sheet.max_row):
            for cell in line:
                cell.font = Font(bold=True)
        for r in (sheet.max_row - 1, sheet.max_row):
            sheet.merge_cells(start_row=r, start_column=2, end_row=r, end_column=FIXED)
    thin = Side(style="thin")
    for line in sheet.iter_rows(min_row=2, max_row=sheet.max_row, max_col=width):
        for cell in line:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if cell.row > 2 and cell.column > FIXED and cell.column < width:
                cell.number_format = "0.##"
            if cell.row > 2 and cell.column == width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths = [6, min(org_width, 40), 15, 11, 17, 10] + [14] * len(round.indicators) + [50]
    for i, w in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(i)].width = w
    sheet.freeze_panes = "C3"
    sheet.print_title_rows = "1:2"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = _("第 &P 页，共 &N 页")
    sheet.oddHeader.right.text = to_script(round.org.name)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_html(report: Report) -> str:
    figures = [
        {"figure": f, "name": indicator_name(f.code), "unit": indicator_unit(f.code)}
        for f in report.ordered_figures()
    ]
    return render_to_string(
        "notices/report_pdf.html",
        {
            "report": report,
            "figures": figures,
            "history": list(report.history.select_related("actor")),
            "printed_at": timezone.localtime(),
        },
    )


def report_document(report: Report) -> Any:
    from weasyprint import CSS, HTML

    family = cjk_font_family()
    return HTML(string=report_html(report)).render(
        stylesheets=[
            CSS(filename=str(REPORT_CSS)),
            CSS(string=f'body {{ font-family: "{family}", serif; }}'),
        ]
    )


def report_pdf(report: Report) -> bytes:
    return bytes(report_document(report).write_pdf())
