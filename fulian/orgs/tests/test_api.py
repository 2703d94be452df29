import pytest
from django.urls import reverse

from fulian.core.testing import check_matrix
from fulian.orgs.models import Org

pytestmark = pytest.mark.django_db


def _codes(response):
    return sorted(o["code"] or o["name"] for o in response.json()["results"])


def test_list_is_scoped_to_the_subtree(client, cast):
    client.force_login(cast.town_a_admin)
    response = client.get("/api/v1/orgs/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3
    assert _codes(response) == ["620502103", "620502103005", "620502103203"]


def test_detail_out_of_scope_is_404_like_missing(client, cast):
    client.force_login(cast.town_a_admin)
    assert client.get(f"/api/v1/orgs/{cast.town_b.pk}/").status_code == 404
    assert client.get("/api/v1/orgs/999999/").status_code == 404
    assert client.get(f"/api/v1/orgs/{cast.village_a.pk}/").json()["parent"] == cast.town_a.pk


def test_filters(client, cast):
    client.force_login(cast.district_admin)
    assert _codes(client.get("/api/v1/orgs/?kind=town")) == ["620502103", "620502108"]
    assert _codes(client.get(f"/api/v1/orgs/?parent={cast.town_a.pk}")) == [
        "620502103005",
        "620502103203",
    ]
    assert _codes(client.get("/api/v1/orgs/?code=620502108")) == ["620502108"]
    assert _codes(client.get("/api/v1/orgs/?q=天水鎮")) == ["620502108"]
    assert _codes(client.get("/api/v1/orgs/?q=tsz")) == ["620502108"]
    page = client.get("/api/v1/orgs/?page_size=2").json()
    assert page["count"] == 6 and len(page["results"]) == 2 and page["next"]


def test_list_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        "/api/v1/orgs/",
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 200,
        },
    )


def test_detail_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        lambda: f"/api/v1/orgs/{cast.village_a.pk}/",
        {
            "anonymous": 401,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 200,
            "viewer": 200,
        },
    )


def _unit_names():
    return sorted(Org.objects.values_list("name", flat=True))


def test_create_matrix_and_denied_writes_change_nothing(client, cast):
    payload = {"name": "皂郊镇卫生院妇委会", "kind": "institution", "parent_id": cast.town_a.pk}
    check_matrix(
        client,
        cast,
        "POST",
        "/api/v1/orgs/",
        {
            "anonymous": 401,
            "district_admin": 201,
            "town_a_admin": 201,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data=payload,
        content_type="application/json",
        state=_unit_names,
    )
    assert Org.objects.filter(name="皂郊镇卫生院妇委会").count() == 2
    created = Org.objects.filter(name="皂郊镇卫生院妇委会").first()
    assert Org.objects.get_parent(created) == cast.town_a


def test_divisions_cannot_be_written(client, cast):
    client.force_login(cast.district_admin)
    response = client.patch(
        f"/api/v1/orgs/{cast.town_a.pk}/", {"name": "改名镇"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert Org.objects.get(pk=cast.town_a.pk).name == "皂郊镇"
    response = client.post(
        "/api/v1/orgs/",
        {"name": "新镇", "kind": "town", "parent_id": cast.district.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert not Org.objects.filter(name="新镇").exists()


def test_update_and_move_a_unit(client, cast):
    client.force_login(cast.district_admin)
    created = client.post(
        "/api/v1/orgs/",
        {"name": "快递小哥妇联", "kind": "new_employment", "parent_id": cast.town_a.pk},
        content_type="application/json",
    ).json()
    response = client.patch(
        f"/api/v1/orgs/{created['id']}/",
        {"name": "快递员妇联", "parent_id": cast.town_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    org = Org.objects.get(pk=created["id"])
    assert (org.name, Org.objects.get_parent(org)) == ("快递员妇联", cast.town_b)
    assert response.json()["parent"] == cast.town_b.pk


def test_list_query_count_is_constant(client, cast, django_assert_num_queries):
    client.force_login(cast.district_admin)
    client.get("/api/v1/orgs/")
    # session, user, user's org, count, page, and the session's renewal (savepoint, update, release)
    with django_assert_num_queries(8):
        client.get("/api/v1/orgs/")
    for i in range(10):
        Org.objects.add_child(
            Org.objects.get(pk=cast.village_a.pk), {"name": f"单位{i}", "kind": "enterprise"}
        )
    with django_assert_num_queries(8):
        assert client.get(reverse("org-list")).json()["count"] == 16
