"""Every .xlsx export, made to be printed: one helper for all of them.

A sheet made by :func:`add_table` has a title row (the issuing org and the subject), a line
with the export date and the row count, the header, the rows and, where a column sums, a
totals row (``合计``). Columns are as wide as their content (CJK characters count double),
the header is frozen and repeated on every printed page, and the page is A4 landscape fitted
to one page wide, with "第 N 页，共 M 页" in the footer. Dates and times are real cell
values, never text.

Imports read such a file back: ``core.spreadsheets.table_rows`` finds the header below the
title and stops at the totals row.

    book = exports.new_book()
    exports.add_table(book, sheet="花名册", title=exports.title(org, "花名册"),
                      columns=[Column("姓名"), Column("任职开始", DATE)], rows=rows)
    return exports.xlsx_response(book, exports.filename(org, "花名册"))
"""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from fulian.core import periods

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The totals row's label is _("合计"); imports recognise it (core.spreadsheets.TOTAL_LABEL,
# compared after Traditional-to-Simplified) and stop there.

TEXT, INT, NUMBER, DATE, DATETIME = "text", "int", "number", "date", "datetime"
FORMATS = {INT: "0", NUMBER: "0.######", DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm"}
MIN_WIDTH, MAX_WIDTH = 4, 40  # in characters of the default font
FIXED_WIDTHS = {DATE: 11, DATETIME: 16}
SHORT_HEADER = 8  # four CJK characters
LINE_HEIGHT = 15  # points, for the default 11 pt font


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = TEXT
    total: bool = False  # sum the column in the totals row
    width: float | None = None  # fitted to the content when None


def new_book() -> Workbook:
    """A streaming workbook (rows are written as they come; nothing is held per cell)."""
    return Workbook(write_only=True)


def federation(org: Any) -> str:
    """The issuing body: ``秦州区妇联`` for the division 秦州区; other orgs are named as
    federations already (``某某协会妇联``, ``某某妇委会``)."""
    name = str(org.name)
    if getattr(org, "is_division", False) and not name.endswith(("妇联", "妇委会")):
        return f"{name}妇联"
    return name


def title(org: Any, subject: str) -> str:
    return f"{federation(org)}{subject}" if org is not None else subject


def filename(org: Any, subject: str, day: datetime.date | None = None, ext: str = "xlsx") -> str:
    """``秦州区妇联_花名册_20231231.xlsx``: who, what, when."""
    day = day or periods.today()
    parts = [federation(org)] if org is not None else []
    parts += [subject, f"{day:%Y%m%d}"]
    return "_".join(_safe(p) for p in parts) + f".{ext}"


def xlsx_response(book: Workbook | bytes, name: str) -> HttpResponse:
    data = book if isinstance(book, bytes) else to_bytes(book)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    return response


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def add_table(
    book: Workbook,
    *,
    sheet: str,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    facts: Sequence[tuple[str, Any]] = (),
    totals: bool | None = None,
    total_row: Sequence[Any] | None = None,
    day: datetime.date | None = None,
) -> int:
    """Write one printable table as a new sheet of ``book``; returns the number of rows.

    ``facts`` are label/value lines between the title and the header (an election's date
    and ballots); ``totals`` (default: when any column sums) adds the 合计 row, summing the
    columns marked ``total``; ``total_row`` gives its values instead (a distinct count
    does not sum)."""
    data = [list(r) for r in rows]
    ws = book.create_sheet(sheet[:31])
    ncols = len(columns)
    last = get_column_letter(ncols)
    widths = [_width(column, data, i) for i, column in enumerate(columns)]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    header_row = 3 + len(facts)
    # A streaming sheet writes its views and page properties before the first row.
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as it takes
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")

    title_cell = WriteOnlyCell(ws, value=title)
    title_cell.font = Font(bold=True, size=14)
    title_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    # 14 pt against the 11 pt the widths are counted in; a long title wraps in a narrow table.
    title_lines = -(-display_width(title) * 14 // (11 * max(int(sum(widths)) - 2, 1)))
    ws.row_dimensions[1].height = 22 * max(title_lines, 1)
    ws.append([title_cell])
    ws.merged_cells.add(f"A1:{last}1")
    day = day or periods.today()
    line = _("导出日期：%(day)s　共 %(n)d 条") % {"day": f"{day:%Y-%m-%d}", "n": len(data)}
    info_cell = WriteOnlyCell(ws, value=line)
    info_cell.font = Font(size=9, color="555555")
    ws.append([info_cell])
    ws.merged_cells.add(f"A2:{last}2")
    for offset, (label, fact_value) in enumerate(facts, start=3):
        # One line each, across the table (a label column would widen the table's first).
        shown = f"{fact_value:%Y-%m-%d}" if isinstance(fact_value, datetime.date) else fact_value
        fact = WriteOnlyCell(ws, value=f"{label}：{'' if shown is None else shown}")
        ws.append([fact])
        ws.merged_cells.add(f"A{offset}:{last}{offset}")

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header = []
    for column in columns:
        cell = WriteOnlyCell(ws, value=column.title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEEEEE")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        header.append(cell)
    # Rows high enough for their wrapped text: a printer does not grow a row by itself.
    ws.row_dimensions[header_row].height = LINE_HEIGHT * _lines([c.title for c in columns], widths)
    ws.append(header)

    wrap = Alignment(vertical="top", wrap_text=True)
    for number, values in enumerate(data, start=header_row + 1):
        lines = _lines(values, widths)
        if lines > 1:
            ws.row_dimensions[number].height = LINE_HEIGHT * lines
        cells = []
        for column, value in zip(columns, values, strict=False):
            cell = WriteOnlyCell(ws, value=_cell_value(column, value))
            if column.kind in FORMATS:
                cell.number_format = FORMATS[column.kind]
            cell.alignment = wrap
            cell.border = border
            cells.append(cell)
        ws.append(cells)
    if totals is None:
        totals = total_row is not None or any(c.total for c in columns)
    if totals:
        cells = []
        for i, column in enumerate(columns):
            total: Any = None
            if i == 0:
                total = _("合计")
            elif total_row is not None:
                total = total_row[i] if i < len(total_row) else None
            elif column.total:
                total = sum(_number(r[i]) for r in data if i < len(r))
            cell = WriteOnlyCell(ws, value=total)
            cell.font = Font(bold=True)
            cell.border = border
            if column.total or (total_row is not None and isinstance(total, int) and i):
                cell.number_format = FORMATS.get(column.kind, "General")
            cells.append(cell)
        ws.append(cells)

    return len(data)


def _cell_value(column: Column, value: Any) -> Any:
    if value is None or value == "":
        return None
    if column.kind == DATETIME and isinstance(value, datetime.datetime):
        # Excel has no time zones: the federation's local time, to the minute.
        local = timezone.localtime(value) if timezone.is_aware(value) else value
        return local.replace(tzinfo=None, second=0, microsecond=0)
    if column.kind == DATE and isinstance(value, datetime.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, Decimal):
        return float(value)
    if hasattr(value, "label") and not isinstance(value, (str, int, float)):
        return str(value.label)
    if not isinstance(value, (str, int, float, datetime.date, datetime.datetime, bool)):
        return str(value)  # lazy translations, enum members
    return value


def _number(value: Any) -> float | int:
    if isinstance(value, bool) or value is None or value == "":
        return 0
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return 0


def _lines(values: Sequence[Any], widths: Sequence[float]) -> int:
    """How many lines the tallest cell of a row wraps onto."""
    most = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            room = max(int(width) - 1, 1)
            most = max(
                most, sum(-(-display_width(part) // room) or 1 for part in value.split("\n"))
            )
    return most


def display_width(text: str) -> int:
    """Columns of the default font: wide (CJK) characters count double."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _width(column: Column, data: list[list[Any]], index: int) -> float:
    if column.width is not None:
        return column.width
    if column.kind in FIXED_WIDTHS:
        widest = FIXED_WIDTHS[column.kind]
    else:
        widest = 0
        for row in data:
            if index < len(row) and row[index] is not None:
                value = row[index]
                if isinstance(value, float):
                    text = f"{value:.6f}".rstrip("0").rstrip(".")  # as FORMATS[NUMBER] shows it
                else:
                    text = str(value)
                widest = max(widest, display_width(text))
    # A short header stays on one line; a long one may wrap onto two, so it needs only
    # about half its width.
    title = display_width(column.title)
    widest = max(widest, title if title <= SHORT_HEADER else (title + 1) // 2, MIN_WIDTH)
    return min(widest + 2, MAX_WIDTH)


def _safe(part: str) -> str:
    """No path separators or characters Windows refuses in a file name."""
    return "".join("-" if ch in '\\/:*?"<>|' else ch for ch in str(part)).strip() or "-"
