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
