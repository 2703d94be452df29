"""Units that should have a women's organisation: register, urge, found, exempt."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.building import services
from fulian.building.models import Unit, UnitHistory, UnitKind, UnitStatus, Urging
from fulian.building.views import pending_counts
from fulian.core.testing import check_matrix
from fulian.orgs.models import Org, OrgKind

pytestmark = pytest.mark.django_db
_serial = itertools.count(1)


def make_unit(cast, org=None, kind=UnitKind.NEW_ECONOMIC, **kw):
    return services.register_unit(
        actor=cast.district_admin,
        org=org or cast.town_a,
        name=f"单位{next(_serial)}",
        kind=kind,
        **kw,
    )


def test_credit_code_is_validated_and_unique(cast):
    with pytest.raises(ValidationError) as error:
        make_unit(cast, credit_code="91110000600037341X")
    assert error.value.message_dict == {"credit_code": ["统一社会信用代码无效。"]}
    unit = make_unit(cast, credit_code="91110000600037341l")
    assert unit.credit_code == "91110000600037341L"
    with pytest.raises(ValidationError) as error:
        make_unit(cast, credit_code="91110000600037341L")
    assert error.value.message_dict == {"credit_code": ["该统一社会信用代码已登记。"]}
    assert make_unit(cast, credit_code="").credit_code is None


def test_urging_records_who_how_and_the_promise(cast, unit):
    urging = services.urge_unit(
        actor=cast.town_a_admin,
        unit=unit,
        date=datetime.date(2023, 3, 1),
        method="visit",
        promise="六月前成立",
        promised_by=datetime.date(2023, 6, 30),
    )
    unit.refresh_from_db()
    assert unit.status == UnitStatus.URGED
    assert (urging.by_org, urging.by_user, urging.method, urging.promise) == (
        cast.town_a,
        cast.town_a_admin,
        "visit",
        "六月前成立",
    )
    services.urge_unit(
        actor=cast.town_a_admin, unit=unit, date=datetime.date(2023, 4, 1), method="phone"
    )
    assert Urging.objects.filter(unit=unit).count() == 2
    assert list(UnitHistory.objects.filter(unit=unit).values_list("from_status", "to_status")) == [
        ("none", "urged"),
        ("urged", "urged"),
    ]


def test_founding_puts_the_org_in_the_tree_under_the_right_parent(client, cast, unit):
    org = services.found_unit(actor=cast.town_a_admin, unit=unit, on=datetime.date(2023, 5, 22))
    unit.refresh_from_db()
    assert unit.status == UnitStatus.FOUNDED and unit.founded_org == org
    assert unit.founded_on == datetime.date(2023, 5, 22)
    assert (org.name, org.kind, org.established) == (
        "皂郊镇快递服务站妇联",
        OrgKind.NEW_EMPLOYMENT,
        datetime.date(2023, 5, 22),
    )
    assert Org.objects.get_parent(org) == cast.town_a
    client.force_login(cast.town_a_admin)
    children = client.get(f"/api/v1/orgs/?parent={cast.town_a.pk}").json()["results"]
    assert [c["name"] for c in children if c["kind"] == "new_employment"] == [
        "皂郊镇快递服务站妇联"
    ]
    assert (
        "皂郊镇快递服务站妇联" in client.get(f"/orgs/{cast.town_a.pk}/children/").content.decode()
    )
    with pytest.raises(ValidationError):
        services.found_unit(actor=cast.town_a_admin, unit=unit, on=datetime.date(2023, 6, 1))


def test_founding_under_a_chosen_parent_in_the_area(cast):
    unit = make_unit(cast, org=cast.town_a, kind=UnitKind.INSTITUTION)
    org = services.found_unit(
        actor=cast.district_admin,
        unit=unit,
        on=datetime.date(2023, 1, 5),
        name="店镇卫生室妇委会",
        parent=cast.village_a2,
    )
    assert Org.objects.get_parent(org) == cast.village_a2 and org.kind == OrgKind.INSTITUTION
    other = make_unit(cast, org=cast.town_a)
    with pytest.raises(ValidationError):
        services.found_unit(
            actor=cast.district_admin, unit=other, on=datetime.date(2023, 1, 5), parent=cast.town_b
        )


def test_founding_needs_an_org_admin_in_scope(cast, unit):
    with pytest.raises(PermissionDenied):
        services.found_unit(actor=cast.town_b_admin, unit=unit, on=datetime.date(2023, 1, 1))
    with pytest.raises(PermissionDenied):
        services.found_unit(actor=cast.viewer, unit=unit, on=datetime.date(2023, 1, 1))
    assert Unit.objects.get(pk=unit.pk).status == UnitStatus.NONE
    assert Org.objects.count() == 6


def test_exemption_needs_a_reason_and_can_be_lifted(cast, unit):
    with pytest.raises(ValidationError):
        services.exempt_unit(actor=cast.town_a_admin, unit=unit, reason=" ")
    services.exempt_unit(actor=cast.town_a_admin, unit=unit, reason="女职工不足3人")
    unit.refresh_from_db()
    assert (unit.status, unit.exempt_reason) == (UnitStatus.EXEMPT, "女职工不足3人")
    with pytest.raises(ValidationError):
        services.urge_unit(
            actor=cast.town_a_admin, unit=unit, date=datetime.date(2023, 1, 1), method="phone"
        )
    services.lift_exemption(actor=cast.town_a_admin, unit=unit)
    unit.refresh_from_db()
    assert (unit.status, unit.exempt_reason) == (UnitStatus.NONE, "")


def test_pending_counts_by_area_and_kind(cast):
    make_unit(cast, org=cast.town_a, kind=UnitKind.NEW_ECONOMIC)
    make_unit(cast, org=cast.village_a, kind=UnitKind.NEW_ECONOMIC)
    make_unit(cast, org=cast.town_b, kind=UnitKind.INSTITUTION)
    founded = make_unit(cast, org=cast.town_b, kind=UnitKind.INSTITUTION)
    services.found_unit(actor=cast.district_admin, unit=founded, on=datetime.date(2023, 1, 1))
    table, kinds = pending_counts(cast.district_admin)
    index = {k: i for i, (k, _label) in enumerate(kinds)}
    rows = {row["org"].name: (row["total"], row["counts"]) for row in table}
    assert set(rows) == {"皂郊镇", "天水镇"}
    assert rows["皂郊镇"][0] == 2 and rows["皂郊镇"][1][index["new_economic"]] == 2
    assert rows["天水镇"][0] == 1 and rows["天水镇"][1][index["institution"]] == 1


# --- pages -----------------------------------------------------------------------------------

READ = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 200,
}


def test_list_matrix_and_scope(client, cast, unit):
    make_unit(cast, org=cast.town_b)
    check_matrix(
        client,
        cast,
        "GET",
        "/building/units/",
        {p: (302 if p == "anonymous" else 200) for p in READ},
    )
    client.force_login(cast.town_b_admin)
    page = client.get("/building/units/").content.decode()
    assert "皂郊镇快递服务站" not in page
    client.force_login(cast.district_admin)
    page = client.get("/building/units/?status=pending&kind=new_employment").content.decode()
    assert "皂郊镇快递服务站" in page and 'id="pending-counts"' in page


def test_list_query_count_is_constant(client, cast, django_assert_num_queries):
    for _ in range(3):
        make_unit(cast)
    client.force_login(cast.district_admin)
    client.get("/building/units/")
    # session, user, org, count, page, children (areas), pending rows, session renewal (3)
    with django_assert_num_queries(10):
        client.get("/building/units/")
    for _ in range(10):
        make_unit(cast, org=cast.village_a)
    with django_assert_num_queries(10):
        assert client.get("/building/units/").status_code == 200


def test_detail_matrix(client, cast, unit):
    check_matrix(client, cast, "GET", f"/building/units/{unit.pk}/", READ)


def test_create_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        "/building/units/new/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 403,
        },
    )
    data = {
        "name": "新单位",
        "kind": "enterprise",
        "org": cast.town_a.pk,
        "women_count": 3,
        "credit_code": "",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/building/units/new/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 403,
        },
        state=lambda: Unit.objects.count(),
    )
    # town B and the village editor see the form again: 皂郊镇 is not a choice for them.
    assert Unit.objects.filter(name="新单位").count() == 2


def _status_and_orgs():
    return (
        sorted(Unit.objects.values_list("pk", "status")),
        Org.objects.count(),
        Urging.objects.count(),
    )


def test_edit_matrix(client, cast, unit):
    data = {"name": "改名单位", "kind": "new_employment", "org": cast.town_a.pk, "women_count": 5}
    check_matrix(
        client,
        cast,
        "POST",
        f"/building/units/{unit.pk}/edit/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: list(Unit.objects.values_list("name", "women_count")),
    )
    assert Unit.objects.get(pk=unit.pk).name == "改名单位"


def test_urge_matrix(client, cast):
    data = {"date": "2023-03-01", "method": "visit", "promise": "尽快成立"}
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/building/units/{make_unit(cast).pk}/urge/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Urging.objects.count(),
    )
    assert Urging.objects.count() == 2


def test_found_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/building/units/{make_unit(cast).pk}/found/",
        data={},
        expected={
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        state=lambda: Org.objects.count(),
    )
    before = Org.objects.count()
    unit = make_unit(cast)
    client.force_login(cast.town_a_admin)
    response = client.post(
        f"/building/units/{unit.pk}/found/",
        {"on": "2023-05-01", "name": "新妇联", "parent": cast.town_a.pk},
    )
    assert response.status_code == 302
    assert Org.objects.count() == before + 1
    assert Org.objects.get_parent(Org.objects.get(name="新妇联")) == cast.town_a


def test_exempt_and_lift_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/building/units/{make_unit(cast).pk}/exempt/",
        data={"reason": "不具备条件"},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.filter(status="exempt").count(),
    )

    def exempted():
        unit = make_unit(cast)
        services.exempt_unit(actor=cast.district_admin, unit=unit, reason="不具备条件")
        return f"/building/units/{unit.pk}/lift/"

    check_matrix(
        client,
        cast,
        "POST",
        exempted,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.filter(status="none").count(),
    )
    assert client.get("/building/units/").status_code == 302


def test_lifting_an_exemption_asks_first(client, cast):
    unit = make_unit(cast)
    services.exempt_unit(actor=cast.district_admin, unit=unit, reason="不具备条件")
    check_matrix(
        client,
        cast,
        "GET",
        f"/building/units/{unit.pk}/lift/",
        expected={
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Unit.objects.get(pk=unit.pk).status,
    )
    client.force_login(cast.town_a_admin)
    page = client.get(f"/building/units/{unit.pk}/lift/").content.decode()
    assert "免建理由“不具备条件”将被清除" in page
    assert f'href="/building/units/{unit.pk}/lift/" id="unit-lift"' in (
        client.get(f"/building/units/{unit.pk}/").content.decode()
    )
