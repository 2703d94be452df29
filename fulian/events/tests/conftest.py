import datetime
from typing import Any

import pytest
from django.utils import timezone

from fulian.events import services
from fulian.people.models import Person

TZ = timezone.get_fixed_timezone(8 * 60)


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


def make_person(org: Any, name: str, phone: str = "") -> Person:
    person = Person(org=org, name=name)
    if phone:
        person.phone = phone
    person.refresh_search_text()
    person.save()
    return person


@pytest.fixture(autouse=True)
def _event_defaults(request: pytest.FixtureRequest) -> None:
    """Transactional tests (browser journeys, races) flush the database afterwards, and
    with it the kinds and campaigns the data migration installed: put them back."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", False)
        request.getfixturevalue("transactional_db" if transactional else "db")
        services.ensure_defaults()


@pytest.fixture
def training(cast: Any) -> Any:
    """A two-session class of 皂郊镇 on 2023-08-29."""
    t = services.create_training(
        actor=None,
        org=cast.town_a,
        title="皂郊镇执委培训班",
        start=datetime.date(2023, 8, 29),
        end=datetime.date(2023, 8, 29),
        series="lingtouyan",
        number=1,
        audiences=["executives"],
        methods=["lecture"],
        topics="履职能力\n家庭教育",
    )
    services.add_session(
        actor=None,
        activity=t.activity,
        title="上午：履职能力",
        start=at(2023, 8, 29, 9),
        end=at(2023, 8, 29, 12),
        method="lecture",
        instructor_name="王老师",
        instructor_unit="区委党校",
    )
    services.add_session(
        actor=None,
        activity=t.activity,
        title="下午：家庭教育",
        start=at(2023, 8, 29, 14),
        end=at(2023, 8, 29, 17),
        method="discussion",
    )
    return t


@pytest.fixture
def trainee(cast: Any) -> Person:
    return make_person(cast.village_a, "李秀英", "13800001111")


def jpeg_bytes(*, with_gps: bool = False, size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A camera-like JPEG; with EXIF GPS tags when asked."""
    import io

    from PIL import Image

    image = Image.new("RGB", size, (200, 40, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if with_gps:
        exif[0x8825] = {1: "N", 2: (34.0, 34.0, 50.0), 3: "E", 4: (105.0, 43.0, 30.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
