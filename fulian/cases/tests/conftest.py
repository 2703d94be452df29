import datetime
from typing import Any

import pytest

from fulian.cases import services
from fulian.cases.models import Source


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def make_request(cast: Any) -> Any:
    """A factory of requests from 下寨子 (village A), taken in by the district's hotline."""

    def make(**fields: Any) -> Any:
        values: dict[str, Any] = {
            "actor": cast.district_admin,
            "source": Source.HOTLINE,
            "category": "marriage",
            "place": cast.village_a,
            "description": "丈夫长期酗酒，家里经常争吵，想咨询怎么办。",
            "phone": "13800001111",
        }
        values.update(fields)
        return services.take_request(**values)

    return make


@pytest.fixture
def workroom(cast: Any) -> Any:
    from fulian.venues.models import Venue, VenueHost, VenueType

    return Venue.objects.create(
        org=cast.town_a,
        name="皂郊镇执委婚调工作室",
        type=VenueType.MEDIATION_WORKROOM,
        host=VenueHost.PARTY_SERVICE_CENTRE,
        established=datetime.date(2023, 3, 28),
    )


@pytest.fixture
def make_case(cast: Any, workroom: Any) -> Any:
    """A factory of cases in 皂郊镇's workroom, opened by its org admin with the village
    editor as mediator."""

    def make(**fields: Any) -> Any:
        values: dict[str, Any] = {
            "actor": cast.town_a_admin,
            "venue": workroom,
            "dispute_type": "marriage",
            "risk": "normal",
            "summary": "夫妻因家务分工和老人赡养多次争吵。",
            "opened_on": datetime.date(2023, 5, 4),
            "mediators": [cast.village_editor],
        }
        values.update(fields)
        case = services.open_case(**values)
        services.add_party(
            actor=cast.town_a_admin, case=case, role="applicant", name="甲某某", phone="13900002222"
        )
        services.add_party(actor=cast.town_a_admin, case=case, role="respondent", name="乙某某")
        services.add_party(actor=cast.town_a_admin, case=case, role="child", name="丙小某")
        return case

    return make
