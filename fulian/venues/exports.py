"""The venue register as .xlsx: the list as filtered on the page, every page of it."""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.utils import translation

from fulian.venues.models import Venue, VenueHost, VenueStatus, VenueType

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = [
    "名称",
    "类型",
    "依托场所",
    "依托场所名称",
    "共建共享共用",
    "所属组织",
    "所属组织代码",
    "地址",
    "纬度",
    "经度",
    "开放时间",
    "场所联系电话",
    "建成日期",
    "状态",
    "达标",
    "示范点",
]
WIDTHS = (30, 14, 20, 24, 8, 24, 16, 36, 12, 12, 20, 16, 12, 10, 8, 8)


def venue_workbook(venues: Iterable[Venue]) -> bytes:
    """One row per venue; labels in Simplified Chinese, coordinates as numbers, the
    established date as a date cell, yes/no as 是/否. The org code is the NBS code of a
    division, or the org's id."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    with translation.override("zh-hans"):
        types = {k: str(v) for k, v in VenueType.choices}
        hosts = {k: str(v) for k, v in VenueHost.choices}
        statuses = {k: str(v) for k, v in VenueStatus.choices}
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("阵地")
        for i, width in enumerate(WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        bold = Font(bold=True)
        header = []
        for title in COLUMNS:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        for v in venues:
            established = None
            if v.established is not None:
                established = WriteOnlyCell(ws, value=v.established)
                established.number_format = "yyyy-mm-dd"
            ws.append(
                [
                    v.name,
                    types.get(v.type, v.type),
                    hosts.get(v.host, v.host),
                    v.host_name,
                    "是" if v.shared else "否",
                    v.org.name,
                    v.org.code or str(v.org.pk),
                    v.address,
                    float(v.latitude) if v.latitude is not None else None,
                    float(v.longitude) if v.longitude is not None else None,
                    v.opening_hours,
                    v.contact_phone,
                    established,
                    statuses.get(v.status, v.status),
                    "是" if v.certified else "否",
                    "是" if v.is_model_site else "否",
                ]
            )
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
