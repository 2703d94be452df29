"""Reading uploaded spreadsheets (.xlsx): one reader and one error shape for every import.

Every import is all-or-nothing and each error names its row and column in Chinese:
``第4行「身份证号」：身份证号校验位不正确。``
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fulian.core.text import to_simplified


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


def read_rows(data: bytes) -> list[list[Any]]:
    """The first sheet's rows as Python values (python-calamine: fast, read-only)."""
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        return [list(r) for r in sheet.to_python(skip_empty_area=False)]
    except Exception as exc:  # calamine raises its own error types for broken files
        raise ValidationError(_("无法读取文件，请上传 .xlsx 格式的表格。")) from exc


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
