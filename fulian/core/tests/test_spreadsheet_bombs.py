# ruff: noqa: E501  (the XML parts of a workbook, verbatim)
"""Spreadsheet bombs are refused with a message before any reader allocates for them."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from fulian.core.spreadsheets import MAX_UNCOMPRESSED_BYTES, check_workbook, read_rows

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _xlsx(sheet: str | None = None, *, big_sheet_bytes: int = 0) -> bytes:
    """A minimal workbook written by hand, as an attacker would."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if big_sheet_bytes:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
                out.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                block = b" " * (1024 * 1024)
                for _ in range(big_sheet_bytes // len(block)):
                    out.write(block)
                out.write(b"</sheetData></worksheet>")
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet or "")
    return buffer.getvalue()


def _sheet(body: str, dimension: str = "A1") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    )


def test_a_5_kb_file_with_one_cell_at_xfd1048576_is_refused_before_parsing():
    data = _xlsx(
        _sheet('<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')
    )
    assert len(data) < 5 * 1024
    with pytest.raises(ValidationError, match="表格列数过多（最多200列）"):
        read_rows(data)


def test_a_declared_dimension_beyond_the_limits_is_refused():
    data = _xlsx(
        _sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>', "A1:C1048576")
    )
    with pytest.raises(ValidationError, match="表格行数过多（一次最多导入20000行）"):
        read_rows(data)


def test_a_far_row_without_a_dimension_is_refused():
    data = _xlsx(_sheet('<row r="900000"><c r="B900000" t="inlineStr"><is><t>x</t></is></c></row>'))
    with pytest.raises(ValidationError, match="表格行数过多"):
        read_rows(data)


def test_the_row_limit_of_an_import_is_its_own():
    workbook = openpyxl.Workbook()
    for n in range(30):
        workbook.active.append([f"r{n}", n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(read_rows(buffer.getvalue(), max_rows=30)) == 30
    with pytest.raises(ValidationError, match="一次最多导入5行"):
        check_workbook(buffer.getvalue(), max_rows=5)  # 30 rows: past 5 and 10 header rows


def test_a_zip_bomb_is_refused_by_its_uncompressed_size():
    data = _xlsx(big_sheet_bytes=MAX_UNCOMPRESSED_BYTES + 1024 * 1024)
    assert len(data) < 1024 * 1024  # a few hundred KB that inflate past 100 MB
    with pytest.raises(ValidationError, match="表格过大或已损坏"):
        read_rows(data)


def test_a_zip_whose_header_understates_the_size_is_refused():
    data = bytearray(
        _xlsx(_sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'))
    )
    # Lower the declared uncompressed size of the sheet in the central directory: a reader
    # that trusts the header would be lied to; inflating with the CRC check catches it.
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size_at = central + 24
    data[size_at : size_at + 4] = (10).to_bytes(4, "little")
    with pytest.raises(ValidationError, match="表格过大或已损坏"):
        read_rows(bytes(data))


def test_an_ordinary_workbook_still_reads():
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名", "身份证号"])
    workbook.active.append(["张三", "620502199001011234"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert read_rows(buffer.getvalue()) == [["姓名", "身份证号"], ["张三", "620502199001011234"]]


def test_not_a_zip_is_refused_with_the_format_message():
    with pytest.raises(ValidationError, match=r"请上传 \.xlsx 格式的表格"):
        read_rows(b"not a spreadsheet at all")
