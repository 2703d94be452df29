import datetime
import io
from typing import Any

import pytest
from PIL import Image

from fulian.building import services
from fulian.building.models import UnitKind


def png_bytes(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def visit(cast: Any) -> Any:
    """A district visit to 皂郊镇 and 天水镇 with two findings."""
    return services.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a, cast.town_b],
        date=datetime.date(2023, 5, 10),
        subject="妇女组织建设督导",
        visitors=[cast.district_admin],
        findings=["妇女之家台账不全", "执委分工不明"],
    )


@pytest.fixture
def item(cast: Any, visit: Any) -> Any:
    """An open item owned by 皂郊镇, deadline in the past (overdue)."""
    return services.raise_item(
        actor=cast.district_admin,
        finding=visit.findings.first(),
        org=cast.town_a,
        what="补齐妇女之家活动台账",
        deadline=datetime.date(2023, 6, 30),
    )


@pytest.fixture
def unit(cast: Any) -> Any:
    return services.register_unit(
        actor=cast.town_a_admin,
        org=cast.town_a,
        name="皂郊镇快递服务站",
        kind=UnitKind.NEW_EMPLOYMENT,
        credit_code="91110000600037341L",
        women_count=12,
    )
