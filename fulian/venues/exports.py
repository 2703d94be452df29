"""The venue register as .xlsx: the list as filtered on the page, every page of it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation

from fulian.core import exports
from fulian.core.exports import DATE, NUMBER, Column
from fulian.venues.models import Venue, VenueHost, VenueStatus, VenueType

COLUMNS = [
    Column("名称"),
    Column("类型"),
    Column("依托场所"),
    Column("依托场所名称"),
    Column("共建共享共用"),
    Column("所属组织"),
    Column("所属组织代码"),
    Column("地址", width=30),
    Column("纬度", NUMBER),
    Column("经度", NUMBER),
    Column("开放时间", width=16),
    Column("场所联系电话"),
    Column("建成日期", DATE),
    Column("状态"),
    Column("达标"),
    Column("示范点"),
]


def venue_workbook(venues: Iterable[Venue], *, org: Any = None) -> bytes:
    """One row per venue; labels in Simplified Chinese, coordinates as numbers, the
    established date as a date cell, yes/no as 是/否. The org code is the NBS code of a
    division, or the org's id; its name stands beside it."""
    with translation.override("zh-hans"):
        types = {k: str(v) for k, v in VenueType.choices}
        hosts = {k: str(v) for k, v in VenueHost.choices}
        statuses = {k: str(v) for k, v in VenueStatus.choices}
        book = exports.new_book()
        exports.add_table(
            book,
            sheet="阵地",
            title=exports.title(org, "阵地名录"),
            columns=COLUMNS,
            rows=(
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
                    v.established,
                    statuses.get(v.status, v.status),
                    "是" if v.certified else "否",
                    "是" if v.is_model_site else "否",
                ]
                for v in venues
            ),
            totals=False,
        )
        return exports.to_bytes(book)
