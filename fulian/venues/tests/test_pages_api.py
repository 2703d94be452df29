"""Permission matrices of every venue page and endpoint, filters, the map, indicators."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from fulian.core.testing import check_matrix
from fulian.venues import services
from fulian.venues.models import Assessment, Standard, Venue, VenuePhoto
from fulian.venues.services import ItemResult, ItemSpec
from fulian.venues.tests.test_venues import make, png

pytestmark = pytest.mark.django_db

LIST = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
IN_A = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 200,
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def venue(cast):
    return make(cast)


@pytest.fixture
def standard(cast):
    return services.save_standard(
        actor=cast.district_admin,
        venue_type="womens_home",
        name="标准",
        threshold=20,
        items=[ItemSpec("有场所"), ItemSpec("有活动", "scored", 20)],
    )


def test_read_pages(client, cast, venue, standard):
    for url in (
        "/venues/",
        "/venues/map/",
        "/venues/standards/",
        "/venues/below-standard/",
        "/venues/not-assessed/?year=2023",
        "/venues/?type=womens_home&year=2023&certified=false",
    ):
        check_matrix(client, cast, "GET", url, LIST)
    check_matrix(client, cast, "GET", f"/venues/{venue.pk}/", IN_A)


def test_write_pages(client, cast, venue, standard):
    data = {
        "name": "新微家",
        "type": "micro_home",
        "org": cast.village_a.pk,
        "host": "interest_group",
        "status": "open",
        "latitude": "34.5",
        "longitude": "105.6",
        "listed_publicly": "on",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/venues/new/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 200,
            "village_editor": 302,
            "viewer": 403,
        },
        state=lambda: Venue.objects.count(),
    )
    assert Venue.objects.filter(name="新微家").count() == 3
    check_matrix(
        client,
        cast,
        "POST",
        f"/venues/{venue.pk}/edit/",
        data=data | {"name": "改名", "type": "womens_home"},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 302,
            "viewer": 403,
        },
        state=lambda: list(Venue.objects.values_list("name", flat=True)),
    )
    check_matrix(
        client,
        cast,
        "POST",
        f"/venues/{venue.pk}/model-site/",
        data={"on": "1"},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        state=lambda: Venue.objects.filter(is_model_site=True).count(),
    )
    check_matrix(
        client,
        cast,
        "POST",
        f"/venues/{venue.pk}/photos/",
        data={"file": png()},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 302,
            "viewer": 403,
        },
        state=lambda: VenuePhoto.objects.count(),
    )
    item_fields = {
        f"item_{i.pk}": "1" if i.kind == "pass_fail" else "15" for i in standard.items.all()
    }
    check_matrix(
        client,
        cast,
        "POST",
        f"/venues/{venue.pk}/assess/",
        data={"date": "2023-06-01"} | item_fields,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 302,
            "viewer": 403,
        },
        state=lambda: Assessment.objects.count(),
    )
    assert Venue.objects.get(pk=venue.pk).certified
    check_matrix(
        client,
        cast,
        "POST",
        "/venues/standards/new/",
        data={
            "venue_type": "micro_home",
            "name": "微家标准",
            "threshold": 10,
            "items": "有场所|pass_fail|10",
        },
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        state=lambda: Standard.objects.count(),
    )


def test_below_standard_and_not_assessed(client, cast, venue, standard):
    other = make(cast, name="天水村妇女之家", org=cast.village_b)
    items = list(standard.items.all())
    services.assess(
        actor=cast.district_admin,
        venue=venue,
        date=datetime.date(2023, 5, 1),
        results={items[0].pk: ItemResult(passed=False), items[1].pk: ItemResult(score=5)},
    )
    client.force_login(cast.district_admin)
    below = client.get("/venues/below-standard/").content.decode()
    assert "下寨子妇女之家" in below and "天水村妇女之家" not in below
    missing = client.get("/venues/not-assessed/?year=2023").content.decode()
    assert "天水村妇女之家" in missing and "下寨子妇女之家" not in missing
    assert other.pk


def test_map_shows_markers_without_tiles_and_no_external_url(client, cast, venue, settings):
    make(cast, name="无坐标", latitude=None, longitude=None)
    client.force_login(cast.town_a_admin)
    page = client.get("/venues/map/").content.decode()
    assert 'data-tiles=""' in page and "dist/leaflet.js" in page
    markers = json.loads(re.search(r'id="venue-markers"[^>]*>(.*?)</script>', page).group(1))
    assert [(m["name"], m["lat"], m["lng"]) for m in markers] == [("下寨子妇女之家", 34.5, 105.6)]
    assert "http://" not in page and "https://" not in page
    settings.FULIAN_MAP_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    assert 'data-tiles="/tiles/{z}/{x}/{y}.png"' in client.get("/venues/map/").content.decode()


def test_venue_page_lists_its_activities_when_events_link_them(client, cast, venue):
    from fulian.events import services as events

    events.create_activity(
        actor=cast.district_admin,
        org=cast.district,
        kind="study_tour",
        title="观摩学习",
        start=datetime.datetime(2023, 9, 14, 9, tzinfo=timezone.get_current_timezone()),
        destinations=[venue],
    )
    client.force_login(cast.district_admin)
    page = client.get(f"/venues/{venue.pk}/").content.decode()
    assert 'id="study-tours"' in page and "观摩学习" in page


# --- API -------------------------------------------------------------------------------------

API_LIST = {p: (401 if p == "anonymous" else 200) for p in LIST}


def test_api_read_matrices(client, cast, venue, standard):
    services.assess(
        actor=cast.district_admin,
        venue=venue,
        date=datetime.date(2023, 5, 1),
        results={i.pk: ItemResult(passed=True, score=20) for i in standard.items.all()},
    )
    for url in ("/api/v1/venues/", "/api/v1/standards/", "/api/v1/assessments/"):
        check_matrix(client, cast, "GET", url, API_LIST)
    one = {p: (401 if p == "anonymous" else 404 if p == "town_b_admin" else 200) for p in LIST}
    check_matrix(client, cast, "GET", f"/api/v1/venues/{venue.pk}/", one)
    check_matrix(client, cast, "GET", f"/api/v1/assessments/{Assessment.objects.get().pk}/", one)
    check_matrix(client, cast, "GET", f"/api/v1/standards/{standard.pk}/", API_LIST)


def test_api_writes(client, cast, venue, standard):
    data = {
        "org": cast.village_a.pk,
        "name": "接口微家",
        "type": "micro_home",
        "host": "enterprise",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/venues/",
        data=data,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,
            "village_editor": 201,
            "viewer": 403,
        },
        state=lambda: Venue.objects.count(),
    )
    check_matrix(
        client,
        cast,
        "PATCH",
        f"/api/v1/venues/{venue.pk}/",
        data={"opening_hours": "全天"},
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 200,
            "viewer": 403,
        },
        state=lambda: Venue.objects.get(pk=venue.pk).opening_hours,
    )
    std = {
        "venue_type": "micro_home",
        "name": "微家",
        "threshold": 5,
        "items": [{"order": 1, "label": "有场所", "kind": "pass_fail", "max_score": 10}],
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/standards/",
        data=std,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
        state=lambda: Standard.objects.count(),
    )
    items = list(standard.items.all())
    body = {
        "venue": venue.pk,
        "date": "2023-07-01",
        "results": [{"item": items[0].pk, "passed": True}, {"item": items[1].pk, "score": 5}],
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/assessments/",
        data=body,
        content_type="application/json",
        expected={
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,
            "village_editor": 201,
            "viewer": 403,
        },
        state=lambda: Assessment.objects.count(),
    )
    assert set(Assessment.objects.values_list("total", "passed")) == {(15, False)}


def test_api_filters(client, cast, venue):
    make(
        cast,
        name="天水镇婚调工作室",
        org=cast.town_b,
        type="mediation_workroom",
        host="other",
        established=datetime.date(2022, 3, 1),
    )
    Venue.objects.filter(pk=venue.pk).update(certified=True)
    client.force_login(cast.district_admin)

    def names(query):
        return [v["name"] for v in client.get(f"/api/v1/venues/?{query}").json()["results"]]

    assert names("type=mediation_workroom") == ["天水镇婚调工作室"]
    assert names("host=party_service_centre") == ["下寨子妇女之家"]
    assert names(f"org={cast.town_b.pk}") == ["天水镇婚调工作室"]
    assert names("established_year=2023") == ["下寨子妇女之家"]
    assert names("certified=true") == ["下寨子妇女之家"]
    assert names("certified=false") == ["天水镇婚调工作室"]


def test_indicators(client, cast, venue):
    make(cast, name="婚调1", org=cast.town_a, type="mediation_workroom", host="other")
    make(cast, name="微家1", org=cast.town_b, type="micro_home", host="enterprise")
    make(
        cast,
        name="微家旧",
        org=cast.town_b,
        type="micro_home",
        host="enterprise",
        established=datetime.date(2021, 1, 1),
    )
    client.force_login(cast.district_admin)
    values = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/indicators/?org=620502&year=2023").json()["indicators"]
    }
    assert values["venues.mediation_workrooms_established"] == 1
    assert values["venues.micro_homes_established"] == 1
    assert values["venues.micro_homes"] == 2
    assert values["venues.womens_homes"] == 1


def test_list_query_count(client, cast, django_assert_num_queries):
    for n in range(3):
        make(cast, name=f"之家{n}")
    client.force_login(cast.district_admin)
    client.get("/venues/")
    # session, user, org, count, page, session renewal (3)
    with django_assert_num_queries(8):
        client.get("/venues/")
    for n in range(10):
        make(
            cast,
            name=f"天水{n}",
            org=cast.village_b,
            latitude=Decimal("34.1"),
            longitude=Decimal("105.1"),
        )
    with django_assert_num_queries(8):
        assert client.get("/venues/").status_code == 200
