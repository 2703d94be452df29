import pytest

from fulian.core.indicators import REGISTRY
from fulian.core.testing import check_matrix

pytestmark = pytest.mark.django_db

# The dashboard of a town, whatever its number of villages (pinned; see the test below).
QUERIES = 103
WORKBOOK_QUERIES = 84


def test_home_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        "/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 200,
        },
    )


def test_home_shows_the_subtree_and_every_indicator(client, cast):
    client.force_login(cast.town_a_admin)
    response = client.get("/?year=2023")
    html = response.content.decode()
    board = response.context["board"]
    assert {f.code for f in board.figures.figures} == set(REGISTRY)
    assert all(f'data-indicator="{code}"' in html for code in REGISTRY)
    assert response.context["year"] == 2023
    assert board.children is not None  # the town's villages, a row each
    assert [t.key for t in board.todos][:4] == [
        "building.overdue",
        "people.terms_due",
        "events.checkins",
        "venues.not_assessed",
    ]


def test_home_for_a_user_without_an_org(client, cast):
    from fulian.accounts.models import User

    user = User.objects.create_user("orphan", "Orphan-2023")
    client.force_login(user)
    assert "您的账号尚未分配组织" in client.get("/").content.decode()


def _more_villages(cast, n):
    """``n`` more villages under town A, each with an activity and a venue in 2023."""
    import datetime

    from django.utils import timezone

    from fulian.events.models import Activity, ActivityKind
    from fulian.events.services import ensure_defaults
    from fulian.orgs.models import Org, OrgKind
    from fulian.venues.models import Venue, VenueType

    ensure_defaults()  # a transactional test before may have flushed the seeded kinds
    kind = ActivityKind.objects.get(code="training")
    for i in range(n):
        village = Org.objects.add_child(
            cast.town_a, instance=Org(name=f"新村{i}", kind=OrgKind.VILLAGE, code=f"62050210399{i}")
        )
        Activity.objects.create(
            org=village,
            kind=kind,
            title=f"培训{i}",
            start=datetime.datetime(2023, 5, 1 + i, 9, tzinfo=timezone.get_current_timezone()),
            head_count=10 + i,
        )
        Venue.objects.create(
            org=village,
            name=f"新村{i}妇女之家",
            type=VenueType.WOMENS_HOME,
            established=datetime.date(2023, 3, 1),
        )


def test_the_dashboard_queries_do_not_grow_with_the_children(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    url = f"/?org={cast.town_a.pk}&period=2023"
    client.get(url)  # warm the per-process caches (content types, campaigns)
    with django_assert_num_queries(QUERIES) as before:
        first = client.get(url)
    assert len(first.context["board"].children.rows) == 2
    _more_villages(cast, 6)
    with django_assert_num_queries(QUERIES):
        second = client.get(url)
    rows = second.context["board"].children.rows
    assert len(rows) == 8
    assert sum(r.figures["events.trainings"] for r in rows) == 6
    assert sum(r.figures["events.training_attendances"] for r in rows) == sum(range(10, 16))
    assert sum(r.figures["venues.womens_homes"] for r in rows) == 6
    assert before is not None


def test_the_workbook_queries_do_not_grow_with_the_children(
    client, cast, django_assert_num_queries
):
    client.force_login(cast.district_admin)
    url = f"/reports/workbook/?org={cast.town_a.pk}&period=2023&download=1"
    client.get(url)
    with django_assert_num_queries(WORKBOOK_QUERIES):
        assert client.get(url).status_code == 200
    _more_villages(cast, 6)
    with django_assert_num_queries(WORKBOOK_QUERIES):
        assert client.get(url).status_code == 200


def test_grassroots_users_do_not_see_the_supervision_menus(client, cast):
    supervision = [
        'href="/building/units/"',
        'href="/venues/standards/"',
        'href="/people/congresses/"',
    ]
    client.force_login(cast.village_editor)
    page = client.get("/").content.decode()
    assert [s for s in supervision if s in page] == []
    assert 'data-action="events:record"' in page  # one tap to record an activity
    client.force_login(cast.town_a_admin)
    page = client.get("/").content.decode()
    assert [s for s in supervision if s in page] == supervision
    client.force_login(cast.viewer)
    page = client.get("/").content.decode()
    assert 'data-action="events:record"' not in page and 'data-action="events:list"' in page


def test_every_save_says_it_saved(client, cast):
    client.force_login(cast.town_a_admin)
    response = client.post(
        f"/orgs/{cast.town_a.pk}/new/",
        {"name": "皂郊镇卫生院妇委会", "kind": "institution"},
        follow=True,
    )
    assert response.redirect_chain and "已保存。" in response.content.decode()
    # A view's own message is not doubled, and a switch of period is not a save.
    page = client.post("/period/", {"period": "2022", "next": "/"}, follow=True)
    assert "已保存。" not in page.content.decode()
