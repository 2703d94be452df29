import pytest
from django.db.models import Count

from fulian.orgs.models import Org, OrgKind
from fulian.orgs.services import division_kind, load_divisions, read_division_rows

pytestmark = pytest.mark.django_db


def test_qinzhou_tree_has_491_nodes_and_a_second_run_changes_nothing():
    first = load_divisions(read_division_rows("qinzhou"))
    assert (first.created, first.updated, first.moved) == (491, 0, 0)
    counts = dict(Org.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    assert counts == {"district": 1, "street": 7, "town": 16, "community": 205, "village": 262}
    snapshot = list(Org.objects.values_list("pk", "path", "name", "kind", "code", "numchild"))
    second = load_divisions(read_division_rows("qinzhou"))
    assert (second.created, second.updated, second.moved, second.unchanged) == (0, 0, 0, 491)
    assert (
        list(Org.objects.values_list("pk", "path", "name", "kind", "code", "numchild")) == snapshot
    )


def test_seed_places_are_where_the_report_puts_them():
    load_divisions(read_division_rows("qinzhou"))
    zaojiao = Org.objects.get(code="620502103")
    assert (zaojiao.name, zaojiao.kind) == ("皂郊镇", OrgKind.TOWN)
    assert Org.objects.get_children(zaojiao).count() == 36
    xiazhaizi = Org.objects.get(code="620502103005")
    assert (xiazhaizi.name, xiazhaizi.kind) == ("下寨子居民委员会", OrgKind.COMMUNITY)
    assert Org.objects.get_parent(xiazhaizi) == zaojiao
    assert Org.objects.get(code="620502108").name == "天水镇"
    assert Org.objects.get(code="620502112").name == "齐寿镇"
    assert Org.objects.get(code="620502001").kind == OrgKind.STREET


def test_tianshui_moves_an_existing_qinzhou_root_under_the_city():
    load_divisions(read_division_rows("qinzhou"))
    zaojiao_pk = Org.objects.get(code="620502103").pk
    result = load_divisions(read_division_rows("tianshui"))
    assert result.moved == 1
    assert Org.objects.count() == 1 + 7 + 130 + 2624
    city = Org.objects.get(code="6205")
    qinzhou = Org.objects.get(code="620502")
    assert Org.objects.get_parent(qinzhou) == city
    assert Org.objects.get(code="620502103").pk == zaojiao_pk
    assert Org.objects.in_subtree(qinzhou).count() == 491
    assert Org.objects.in_subtree(city).count() == 2762
    again = load_divisions(read_division_rows("tianshui"))
    assert (again.created, again.moved, again.updated) == (0, 0, 0)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("6205", OrgKind.CITY),
        ("620502", OrgKind.DISTRICT),
        ("620502001", OrgKind.STREET),
        ("620502099", OrgKind.STREET),
        ("620502100", OrgKind.TOWN),
        ("620502201", OrgKind.TOWN),
        ("620503400", OrgKind.TOWN),
        ("620502103001", OrgKind.COMMUNITY),
        ("620502103199", OrgKind.COMMUNITY),
        ("620502103200", OrgKind.VILLAGE),
        ("620502103399", OrgKind.VILLAGE),
        ("620503100498", OrgKind.COMMUNITY),
    ],
)
def test_division_kind_by_code(code, kind):
    assert division_kind(code) == kind


def test_search_in_simplified_traditional_and_initials():
    load_divisions(read_division_rows("qinzhou"))
    for query in ("天水鎮", "天水镇", "tsz", "TSZ", "tianshuizhen"):
        assert list(Org.objects.search(query).values_list("code", flat=True)) == ["620502108"], (
            query
        )


def test_bulk_load_builds_a_valid_tree():
    load_divisions(read_division_rows("qinzhou"))
    assert [list(p) for p in Org.objects.find_problems()] == [[], [], [], [], []]
    district = Org.objects.get(code="620502")
    town = Org.objects.get(code="620502103")
    assert (district.depth, district.numchild) == (1, 23)
    assert (town.depth, town.numchild) == (2, 36)
    assert Org.objects.get_children(town).first().code == "620502103001"


def test_new_villages_go_after_existing_children():
    from fulian.orgs.services import DivisionRow

    rows = read_division_rows("qinzhou")
    town = next(r for r in rows if r.code == "620502103")
    load_divisions([r for r in rows if len(r.code) <= 9])
    parent = Org.objects.get(code=town.code)
    school = Org(name="皂郊镇中心小学妇委会", kind="institution")
    unit = Org.objects.add_child(parent, instance=school)
    result = load_divisions([*rows, DivisionRow("620502103999", "新村", town.code, "village")])
    assert result.created == 468
    assert [list(p) for p in Org.objects.find_problems()] == [[], [], [], [], []]
    parent.refresh_from_db()
    assert parent.numchild == 38
    assert Org.objects.get(code="620502103999").path > unit.path
