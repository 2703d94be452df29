import datetime

import pytest
from auditlog.models import LogEntry

from fulian.core.testing import check_matrix
from fulian.orgs import services
from fulian.orgs.models import Org, OrgKind, OrgStatus

pytestmark = pytest.mark.django_db

READ_ALL = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}


def _unit(cast, parent=None, name="皂郊镇中心小学妇委会"):
    return services.create_org(
        actor=cast.district_admin, parent=parent or cast.town_a, name=name, kind=OrgKind.INSTITUTION
    )


def _orgs_state():
    return list(Org.objects.order_by("pk").values_list("pk", "path", "name", "kind", "status"))


def test_tree_matrix_and_content(client, cast):
    check_matrix(client, cast, "GET", "/orgs/", READ_ALL)
    client.force_login(cast.town_a_admin)
    html = client.get("/orgs/").content.decode()
    assert "皂郊镇" in html and "下寨子居民委员会" in html and "杨家沟村民委员会" in html
    assert "天水镇" not in html and "秦州区" not in html


def test_children_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        lambda: f"/orgs/{cast.town_a.pk}/children/",
        {**READ_ALL, "town_b_admin": 404, "village_editor": 404},
    )


def test_detail_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        lambda: f"/orgs/{cast.village_a.pk}/",
        {**READ_ALL, "town_b_admin": 404},
    )


def test_detail_shows_only_ancestors_in_scope(client, cast):
    client.force_login(cast.village_editor)
    html = client.get(f"/orgs/{cast.village_a.pk}/").content.decode()
    assert "皂郊镇" not in html
    client.force_login(cast.town_a_admin)
    html = client.get(f"/orgs/{cast.village_a.pk}/").content.decode()
    assert f'href="/orgs/{cast.town_a.pk}/">皂郊镇' in html
    assert "秦州区" not in html


def test_search_fragment_is_scoped(client, cast):
    client.force_login(cast.town_a_admin)
    response = client.get("/orgs/?q=tsz", HTTP_HX_REQUEST="true")
    assert "没有找到组织" in response.content.decode()
    client.force_login(cast.district_admin)
    response = client.get("/orgs/?q=天水鎮", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "620502108" in html


def test_create_matrix(client, cast):
    data = {"name": "皂郊镇卫生院妇委会", "kind": OrgKind.INSTITUTION, "established": "2023-05-04"}
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/orgs/{cast.town_a.pk}/new/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data=data,
        state=_orgs_state,
    )
    created = Org.objects.filter(name="皂郊镇卫生院妇委会")
    assert created.count() == 2
    assert {Org.objects.get_parent(o) for o in created} == {cast.town_a}
    assert created.first().established == datetime.date(2023, 5, 4)


def test_create_refuses_division_kinds(client, cast):
    client.force_login(cast.district_admin)
    response = client.post(f"/orgs/{cast.town_a.pk}/new/", {"name": "假村", "kind": "village"})
    assert response.status_code == 200
    assert not Org.objects.filter(name="假村").exists()


def test_edit_matrix(client, cast):
    unit = _unit(cast)
    check_matrix(
        client,
        cast,
        "POST",
        f"/orgs/{unit.pk}/edit/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"name": "皂郊镇中心学校妇委会", "kind": OrgKind.INSTITUTION},
        state=_orgs_state,
    )
    unit.refresh_from_db()
    assert unit.name == "皂郊镇中心学校妇委会"
    assert "zjzzxxxfwh" in unit.search_text


def test_division_cannot_be_edited(client, cast):
    client.force_login(cast.district_admin)
    response = client.post(f"/orgs/{cast.town_a.pk}/edit/", {"name": "改名", "kind": "institution"})
    assert response.status_code == 200
    assert "行政区划组织由统计用区划代码维护" in response.content.decode()
    cast.town_a.refresh_from_db()
    assert (cast.town_a.name, cast.town_a.kind) == ("皂郊镇", OrgKind.TOWN)


def test_move_matrix_and_audit(client, cast):
    unit = _unit(cast)
    check_matrix(
        client,
        cast,
        "GET",
        f"/orgs/{unit.pk}/move/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
    )
    # town A's admin may not move a unit out of town A: town B is not an offered choice.
    client.force_login(cast.town_a_admin)
    response = client.post(f"/orgs/{unit.pk}/move/", {"new_parent": cast.town_b.pk})
    assert response.status_code == 200
    assert Org.objects.get_parent(Org.objects.get(pk=unit.pk)) == cast.town_a
    client.force_login(cast.town_b_admin)
    assert client.post(f"/orgs/{unit.pk}/move/", {"new_parent": cast.town_b.pk}).status_code == 404
    client.force_login(cast.viewer)
    assert (
        client.post(f"/orgs/{unit.pk}/move/", {"new_parent": cast.village_a.pk}).status_code == 403
    )
    client.logout()
    assert (
        client.post(f"/orgs/{unit.pk}/move/", {"new_parent": cast.village_a.pk}).status_code == 302
    )
    assert Org.objects.get_parent(Org.objects.get(pk=unit.pk)) == cast.town_a
    client.force_login(cast.town_a_admin)
    response = client.post(f"/orgs/{unit.pk}/move/", {"new_parent": cast.village_a.pk})
    assert response.status_code == 302
    assert Org.objects.get_parent(Org.objects.get(pk=unit.pk)) == cast.village_a
    entry = LogEntry.objects.get_for_object(unit).filter(changes__has_key="parent").get()
    assert entry.actor == cast.town_a_admin
    assert entry.changes_dict["parent"] == ["皂郊镇", "下寨子居民委员会"]


def test_dissolve_matrix(client, cast):
    unit = _unit(cast)
    check_matrix(
        client,
        cast,
        "POST",
        f"/orgs/{unit.pk}/dissolve/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"on": "2023-12-31"},
        state=_orgs_state,
    )
    unit.refresh_from_db()
    assert (unit.status, unit.dissolved_on) == (OrgStatus.DISSOLVED, datetime.date(2023, 12, 31))


def test_dissolve_needs_children_dissolved_first(cast):
    unit = _unit(cast)
    _unit(cast, parent=unit, name="分会")
    with pytest.raises(Exception, match="请先撤销其下级组织"):
        services.dissolve_org(actor=cast.district_admin, org=unit, on=datetime.date(2023, 12, 31))


def test_tree_and_children_keep_a_constant_number_of_queries(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    client.get("/orgs/")
    # session, user, user's org, children; session renewal (savepoint, update, release)
    with django_assert_num_queries(7):
        client.get("/orgs/")
    # children: the node itself in scope is one more query
    with django_assert_num_queries(8):
        client.get(f"/orgs/{cast.town_a.pk}/children/")
    for i in range(30):
        _unit(cast, name=f"企业{i}妇委会")
    with django_assert_num_queries(7):
        assert client.get("/orgs/").status_code == 200
    with django_assert_num_queries(8):
        html = client.get(f"/orgs/{cast.town_a.pk}/children/").content.decode()
    assert html.count("<li ") == 32


def test_dissolve_says_what_will_be_lost(client, cast):
    from fulian.orgs import services as org_services
    from fulian.orgs.models import OrgKind

    unit = org_services.create_org(
        actor=cast.district_admin, parent=cast.town_a, name="甲单位", kind=OrgKind.ENTERPRISE
    )
    client.force_login(cast.town_a_admin)
    page = client.get(f"/orgs/{unit.pk}/dissolve/").content.decode()
    assert "其 0 个用户账号将不能再为它工作" in page
    unit.refresh_from_db()
    assert unit.status == "active"
