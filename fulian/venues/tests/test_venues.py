import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fulian.core.testing import PERSONAS, check_matrix
from fulian.venues import public, services
from fulian.venues.models import Standard
from fulian.venues.services import ItemResult, ItemSpec

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def make(cast, org=None, **kw):
    values = {
        "name": "下寨子妇女之家",
        "type": "womens_home",
        "host": "party_service_centre",
        "shared": True,
        "address": "皂郊镇下寨子社区",
        "latitude": Decimal("34.500000"),
        "longitude": Decimal("105.600000"),
        "opening_hours": "周二、周四 9:00-17:00",
        "contact_phone": "0938-2345678",
        "established": datetime.date(2023, 5, 1),
    } | kw
    return services.create_venue(actor=cast.district_admin, org=org or cast.village_a, **values)


@pytest.fixture
def venue(cast):
    return make(cast)


@pytest.fixture
def standard(cast):
    return services.save_standard(
        actor=cast.district_admin,
        venue_type="womens_home",
        name="妇女之家创建标准",
        threshold=50,
        items=[ItemSpec(x) for x in ["有场所", "有标识", "有制度", "有队伍", "有活动", "有台账"]],
    )


def png(name="p.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_location_is_checked(cast):
    with pytest.raises(ValidationError) as error:
        make(cast, latitude=Decimal("34.5"), longitude=None)
    assert error.value.message_dict == {"latitude": ["经纬度须同时填写。"]}
    with pytest.raises(ValidationError):
        make(cast, latitude=Decimal("95"), longitude=Decimal("105"))
    with pytest.raises(PermissionDenied):
        services.create_venue(
            actor=cast.town_a_admin,
            org=cast.town_a,
            name="x",
            type="micro_home",
            host="other",
            is_model_site=True,
        )


def test_standard_versions_and_the_nearest_applies(cast, venue, standard):
    assert services.standard_for(venue) == standard
    town_version = Standard.objects.create(
        org=cast.town_a, venue_type="womens_home", name="镇标准", threshold=1
    )
    assert services.standard_for(venue) == town_version
    town_version.delete()
    second = services.save_standard(
        actor=cast.district_admin,
        venue_type="womens_home",
        name="第二版",
        threshold=10,
        items=[ItemSpec("有场所")],
    )
    assert services.standard_for(venue) == second
    assert not Standard.objects.get(pk=standard.pk).active
    with pytest.raises(ValidationError):
        services.save_standard(
            actor=cast.district_admin,
            venue_type="womens_home",
            name="x",
            threshold=99,
            items=[ItemSpec("有场所")],
        )
    with pytest.raises(PermissionDenied):
        services.save_standard(
            actor=cast.town_a_admin,
            venue_type="womens_home",
            name="x",
            threshold=1,
            items=[ItemSpec("有场所")],
        )


def test_assessment_certifies_at_the_threshold(cast, venue, standard):
    items = list(standard.items.all())
    results = {i.pk: ItemResult(passed=n < 4) for n, i in enumerate(items)}
    failed = services.assess(
        actor=cast.town_a_admin, venue=venue, date=datetime.date(2023, 6, 1), results=results
    )
    venue.refresh_from_db()
    assert (failed.total, failed.passed, venue.certified) == (40, False, False)
    results = {i.pk: ItemResult(passed=n < 5) for n, i in enumerate(items)}
    passed = services.assess(
        actor=cast.town_a_admin, venue=venue, date=datetime.date(2023, 9, 1), results=results
    )
    venue.refresh_from_db()
    assert (passed.total, passed.passed, venue.certified, venue.certified_on) == (
        50,
        True,
        True,
        datetime.date(2023, 9, 1),
    )
    # An older assessment entered later does not override the latest one.
    services.assess(
        actor=cast.town_a_admin,
        venue=venue,
        date=datetime.date(2023, 1, 1),
        results={i.pk: ItemResult(passed=False) for i in items},
    )
    venue.refresh_from_db()
    assert venue.certified
    with pytest.raises(ValidationError):
        services.assess(
            actor=cast.town_a_admin,
            venue=venue,
            date=datetime.date(2023, 9, 2),
            results={items[0].pk: ItemResult(passed=True)},
        )


def test_photos_are_checked_and_served_in_scope(client, cast, venue):
    with pytest.raises(ValidationError):
        services.add_photo(
            actor=cast.town_a_admin,
            venue=venue,
            upload=SimpleUploadedFile("a.png", b"%PDF-1.4", content_type="image/png"),
        )
    photo = services.add_photo(actor=cast.town_a_admin, venue=venue, upload=png())
    assert photo.file.name.startswith("venues/photos/")
    assert (photo.file.name.endswith(".jpg"), photo.content_type) == (True, "image/jpeg")
    check_matrix(
        client,
        cast,
        "GET",
        f"/venues/photos/{photo.pk}/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 200,
            "viewer": 200,
        },
    )


def test_venue_photos_lose_their_exif_and_gps(cast, venue):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (34.0, 35.0, 0.0), 3: "E", 4: (105.0, 43.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), "red").save(buffer, "JPEG", exif=exif)
    assert Image.open(io.BytesIO(buffer.getvalue())).getexif()[0x010F] == "PhoneMaker"
    upload = SimpleUploadedFile("gps.jpg", buffer.getvalue(), content_type="image/jpeg")
    photo = services.add_photo(actor=cast.town_a_admin, venue=venue, upload=upload)
    with photo.file.open("rb") as stored, Image.open(stored) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (1600, 1067)


# --- the public directory --------------------------------------------------------------------


def test_public_directory_has_no_personal_data(client, cast, venue):
    make(
        cast,
        org=cast.village_b,
        name="天水村妇女之家",
        latitude=Decimal("34.400000"),
        longitude=Decimal("105.500000"),
        contact_phone="0938-8765432",
    )
    make(cast, name="内部微家", type="micro_home", listed_publicly=False)
    check_matrix(
        client,
        cast,
        "GET",
        "/venues/find/",
        dict.fromkeys(PERSONAS, 200),
    )
    check_matrix(
        client,
        cast,
        "GET",
        "/api/v1/public/venues/",
        dict.fromkeys(PERSONAS, 200),
    )
    page = client.get(f"/venues/find/?town={cast.town_a.pk}").content.decode()
    assert "下寨子妇女之家" in page and "天水村妇女之家" not in page and "内部微家" not in page
    body = client.get("/api/v1/public/venues/").json()
    assert body["count"] == 2
    assert set(body["results"][0]) == {
        "id",
        "name",
        "type",
        "type_label",
        "host",
        "host_label",
        "shared",
        "address",
        "latitude",
        "longitude",
        "opening_hours",
        "contact_phone",
        "town",
        "village",
        "distance_km",
    }
    everything = (
        page
        + json.dumps(body, ensure_ascii=False)
        + client.get("/venues/find/?lat=34.5&lng=105.6").content.decode()
    )
    for user in (cast.district_admin, cast.town_a_admin, cast.village_editor, cast.viewer):
        assert user.full_name not in everything and user.username not in everything
    # The only phone numbers are the venues' own office numbers; no mobile or ID number.
    assert set(re.findall(r"0938-\d{7}", everything)) == {"0938-2345678", "0938-8765432"}
    assert not re.search(r"1[3-9]\d{9}", everything)
    assert not re.search(r"\d{17}[\dXx]", everything)


def test_public_search_by_area_and_location(client, cast, venue):
    make(
        cast,
        org=cast.village_b,
        name="天水村妇女之家",
        latitude=Decimal("34.400000"),
        longitude=Decimal("105.500000"),
    )
    make(
        cast,
        org=cast.town_a,
        name="皂郊镇婚调工作室",
        type="mediation_workroom",
        latitude=None,
        longitude=None,
    )
    rows = public.find(lat=34.41, lng=105.51)
    assert [r.name for r in rows] == ["天水村妇女之家", "下寨子妇女之家"]
    assert (
        rows[0].distance_km == 1.44
        and rows[0].town == "天水镇"
        and rows[0].village == "李尧村民委员会"
    )
    body = client.get("/api/v1/public/venues/?lat=34.41&lng=105.51").json()
    assert [r["name"] for r in body["results"]] == ["天水村妇女之家", "下寨子妇女之家"]
    body = client.get("/api/v1/public/venues/?town=620502103&type=mediation_workroom").json()
    assert [r["name"] for r in body["results"]] == ["皂郊镇婚调工作室"]
    assert client.get("/api/v1/public/venues/?village=620502103005").json()["count"] == 1
    assert client.get("/api/v1/public/venues/?town=999").json()["count"] == 0
    page = client.get(f"/venues/find/?village={cast.village_b.pk}").content.decode()
    assert "天水村妇女之家" in page and "下寨子妇女之家" not in page


def test_public_directory_query_count(client, cast, django_assert_num_queries):
    for n in range(3):
        make(cast, name=f"妇女之家{n}")
    client.get("/venues/find/?type=womens_home")
    # venues, the names of their towns and villages: no session, no user
    with django_assert_num_queries(2):
        client.get("/api/v1/public/venues/?type=womens_home")
    for n in range(10):
        make(cast, org=cast.village_b, name=f"天水{n}")
    with django_assert_num_queries(2):
        assert client.get("/api/v1/public/venues/?type=womens_home").json()["count"] == 13
