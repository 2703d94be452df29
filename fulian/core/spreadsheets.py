"""Reading uploaded spreadsheets (.xlsx): one reader and one error shape for every import.

Every import is all-or-nothing and each error names its row and column in Chinese:
``第4行「身份证号」：身份证号校验位不正确。``
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fulian.core.text import to_simplified

TOTAL_LABEL = "合计"  # the last row of an export (core.exports)


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("第%(row)d行「%(column)s」：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


# What a workbook may declare before anything parses it. A reader allocates the whole
# rectangle up to the last cell, so one cell at XFD1048576 in a 5 KB file would ask for
# 512 GiB; a zip bomb inflates 1.5 MB into gigabytes. Both are refused before calamine runs.
MAX_ROWS = 20_000
MAX_COLUMNS = 200
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 1000
HEADER_ROWS = 10  # title and header rows above the data
_CHUNK = 1024 * 1024
_CELL_REF = re.compile(
    rb'<(?:\w+:)?(?:c|dimension)\b[^>]*?\br(?:ef)?="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"'
)
_ROW_REF = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d{1,7})"')
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_big() -> ValidationError:
    return ValidationError(_("表格过大或已损坏（解压后超过限制），请删除多余内容后重新上传。"))


def check_workbook(
    data: bytes, *, max_rows: int = MAX_ROWS, max_columns: int = MAX_COLUMNS
) -> None:
    """Refuse a workbook whose declared or actual extent is beyond the limits, before any
    reader allocates for it: the zip's uncompressed sizes (declared, then verified by
    inflating each member with its CRC, so a header that lies fails too), each sheet's
    ``<dimension>``, the position of every cell and row, and the number of rows."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValidationError(_("无法读取文件，请上传 .xlsx 格式的表格。")) from exc
    if len(members) > MAX_MEMBERS:
        raise _too_big()
    if sum(m.file_size for m in members) > MAX_UNCOMPRESSED_BYTES:
        raise _too_big()
    last_row = last_column = 0
    for member in members:
        is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
        rows_seen = 0
        tail = b""
        try:
            with archive.open(member) as stream:
                read = 0
                while chunk := stream.read(_CHUNK):
                    read += len(chunk)
                    if read > member.file_size or read > MAX_UNCOMPRESSED_BYTES:
                        raise _too_big()
                    if not is_sheet:
                        continue
                    # Keep a short tail so a reference split across chunks is still seen.
                    text = tail + chunk
                    for match in _CELL_REF.finditer(text):
                        col_a, row_a, col_b, row_b = match.groups()
                        last_column = max(last_column, _column_number(col_b or col_a))
                        last_row = max(last_row, int(row_b or row_a))
                    for match in _ROW_REF.finditer(text):
                        last_row = max(last_row, int(match.group(1)))
                    rows_seen += len(_ROW_TAG.findall(chunk))
                    tail = text[-200:]
                    if last_row > max_rows + HEADER_ROWS or last_column > max_columns:
                        break
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
            raise _too_big() from exc
        last_row = max(last_row, rows_seen)
        if last_column > max_columns:
            raise ValidationError(
                _("表格列数过多（最多%(n)d列），请删除多余的列后重新上传。") % {"n": max_columns}
            )
        if last_row > max_rows + HEADER_ROWS:
            raise ValidationError(
                _("表格行数过多（一次最多导入%(n)d行），请删除多余的行后重新上传。")
                % {"n": max_rows}
            )


def read_rows(data: bytes, *, max_rows: int = MAX_ROWS) -> list[list[Any]]:
    """The first sheet's rows as Python values (python-calamine: fast, read-only), after
    :func:`check_workbook` has refused anything too large to parse safely."""
    from python_calamine import CalamineWorkbook

    check_workbook(data, max_rows=max_rows)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return [list(r) for r in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ValidationError(_("无法读取文件，请上传 .xlsx 格式的表格。")) from exc


HEADER_SEARCH_ROWS = 5


def find_header(rows: list[list[Any]], is_header: Callable[[list[Any]], bool]) -> int | None:
    """The index of the header row: the first row, or one below a title (an export made by
    ``core.exports`` has its title and a date line above the header)."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if is_header(row):
            return index
    return None


def body_rows(rows: list[list[Any]], header: int) -> list[tuple[int, list[Any]]]:
    """The rows under the header with their sheet row numbers (1-based), without the
    export's closing 合计 row."""
    body = [(number, row) for number, row in enumerate(rows[header + 1 :], start=header + 2)]
    while body and all(number_text(c).strip() == "" for c in body[-1][1]):
        body.pop()
    if body and compact_text(body[-1][1][0] if body[-1][1] else "") == TOTAL_LABEL:
        body.pop()
    return body


def number_text(value: Any) -> str:
    """A cell as text; a whole number Excel stored as a float loses its ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compact_text(value: Any) -> str:
    """A cell compared as a key: normalised width, Traditional to Simplified, no whitespace."""
    text = unicodedata.normalize("NFKC", number_text(value))
    return to_simplified(re.sub(r"\s+", "", text))
