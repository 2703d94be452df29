import datetime

import pytest

from fulian.core.models import AccessLog
from fulian.core.testing import check_matrix
from fulian.people.services import reveal
from fulian.people.tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_access_log_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        "/audit/access/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
    )


def test_reveals_are_listed_with_who_what_and_why(client, cast):
    person_a = make_person(cast.village_a, 1)
    person_b = make_person(cast.village_b, 2)
    reveal(actor=cast.town_a_admin, person=person_a, field="id_number", reason="核对代表资格")
    reveal(actor=cast.town_b_admin, person=person_b, field="phone", reason="通知培训")
    AccessLog.objects.filter(username=cast.town_b_admin.username).update(
        at=datetime.datetime(2023, 3, 8, 9, 0, tzinfo=datetime.UTC)
    )
    client.force_login(cast.district_admin)
    html = client.get("/audit/access/").content.decode()
    assert f"people.person#{person_a.pk}" in html and "核对代表资格" in html
    assert f"people.person#{person_b.pk}" in html and "通知培训" in html
    html = client.get(f"/audit/access/?actor={cast.town_a_admin.pk}").content.decode()
    assert "核对代表资格" in html and "通知培训" not in html
    html = client.get("/audit/access/?since=2023-03-08&until=2023-03-08").content.decode()
    assert "通知培训" in html and "核对代表资格" not in html
    # No ID number or phone is ever shown here: only which field was read.
    assert person_a.id_number not in html


def test_access_log_is_read_only(client, cast):
    client.force_login(cast.district_admin)
    assert client.post("/audit/access/").status_code == 405
