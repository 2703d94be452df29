import pytest

from fulian.core.indicators import REGISTRY
from fulian.core.testing import check_matrix

pytestmark = pytest.mark.django_db


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
    assert response.context["by_kind"] == [("乡镇妇联", 1), ("社区妇联", 1), ("村妇联", 1)]
    shown = {i.code for _label, rows in response.context["pillars"] for i, _v in rows}
    assert shown == set(REGISTRY)
    assert all(f'data-indicator="{code}"' in html for code in REGISTRY)
    assert response.context["year"] == 2023


def test_home_for_a_user_without_an_org(client, cast):
    from fulian.accounts.models import User

    user = User.objects.create_user("orphan", "Orphan-2023")
    client.force_login(user)
    assert "您的账号尚未分配组织" in client.get("/").content.decode()


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
