import datetime
from typing import Any

import pytest
from django.utils import timezone

from fulian.duty import services
from fulian.duty.models import AccountLink
from fulian.events import services as event_services
from fulian.people.models import Person, Position

TZ = timezone.get_fixed_timezone(8 * 60)


def make_person(org: Any, name: str, *, executive_of: Any = None, phone: str = "") -> Person:
    person = Person(org=org, name=name)
    if phone:
        person.phone = phone
    person.refresh_search_text()
    person.save()
    if executive_of is not None:
        Position.objects.create(
            person=person, org=executive_of, kind="executive", start=datetime.date(2021, 9, 27)
        )
    return person


@pytest.fixture(autouse=True)
def _duty_defaults(request: pytest.FixtureRequest) -> None:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transactional = marker.kwargs.get("transaction", False)
        request.getfixturevalue("transactional_db" if transactional else "db")
        event_services.ensure_defaults()
        services.ensure_defaults()


@pytest.fixture
def meeting(cast: Any) -> Any:
    """A 皂郊镇 duty-review meeting on 2023-02-20."""
    return event_services.create_activity(
        actor=None,
        org=cast.town_a,
        kind="meeting",
        title="皂郊镇妇联执委述职评议会",
        start=datetime.datetime(2023, 2, 20, 9, tzinfo=TZ),
        place="皂郊镇会议室",
        meeting_type="plenary",
    )


@pytest.fixture
def executives(cast: Any) -> list[Person]:
    """Three executives of 皂郊镇 (living in its villages) and one of 天水镇."""
    return [
        make_person(cast.village_a, "王秀英", executive_of=cast.town_a),
        make_person(cast.village_a, "李春梅", executive_of=cast.town_a),
        make_person(cast.village_a2, "张丽娟", executive_of=cast.town_a),
        make_person(cast.village_b, "赵红霞", executive_of=cast.town_b),
    ]


@pytest.fixture
def linked(cast: Any, executives: list[Person]) -> Person:
    """The village editor's account is 王秀英."""
    AccountLink.objects.create(user=cast.village_editor, person=executives[0])
    return executives[0]
