import pytest

from fulian.accounts.models import Role, User
from fulian.core.testing import check_matrix

pytestmark = pytest.mark.django_db

ADMINS_ONLY = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 403,
    "viewer": 403,
}


def _users():
    return list(
        User.objects.order_by("pk").values_list("pk", "username", "org_id", "role", "is_active")
    )


def test_list_matrix_and_scope(client, cast):
    check_matrix(client, cast, "GET", "/accounts/users/", ADMINS_ONLY)
    client.force_login(cast.town_a_admin)
    html = client.get("/accounts/users/").content.decode()
    assert "village-editor" in html and "town-a-viewer" in html
    assert "town-b-admin" not in html and "district-admin" not in html


def test_create_matrix(client, cast):
    data = lambda: {  # noqa: E731
        "username": "new-village-user",
        "full_name": "李梅",
        "org": cast.village_a.pk,
        "role": Role.EDITOR,
        "password": "Zaojiao-2023",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/accounts/users/new/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 403,
            "viewer": 403,
        },
        data=data(),
        state=_users,
    )
    # town A's admin got 200 because the username was taken by then: try a fresh name.
    client.force_login(cast.town_a_admin)
    response = client.post("/accounts/users/new/", {**data(), "username": "another-user"})
    assert response.status_code == 302
    created = User.objects.get(username="another-user")
    assert (created.org, created.role) == (cast.village_a, Role.EDITOR)


def test_admin_cannot_create_users_outside_the_subtree(client, cast):
    client.force_login(cast.town_b_admin)
    before = _users()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "intruder",
            "org": cast.village_a.pk,
            "role": Role.VIEWER,
            "password": "Zaojiao-2023",
        },
    )
    assert response.status_code == 200
    assert _users() == before


def test_admin_never_grants_a_role_above_their_own(client, cast):
    client.force_login(cast.town_a_admin)
    before = _users()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "boss",
            "org": cast.town_a.pk,
            "role": Role.DISTRICT_ADMIN,
            "password": "Zaojiao-2023",
        },
    )
    assert response.status_code == 200
    assert _users() == before
    response = client.post(
        f"/accounts/users/{cast.village_editor.pk}/edit/",
        {
            "full_name": "x",
            "org": cast.village_a.pk,
            "role": Role.DISTRICT_ADMIN,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert _users() == before


def test_weak_password_is_refused_on_create(client, cast):
    client.force_login(cast.district_admin)
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "weak",
            "org": cast.town_a.pk,
            "role": Role.VIEWER,
            "password": "abcdefgh",
        },
    )
    assert "密码须包含大写字母、小写字母、数字和符号中的至少三类。" in response.content.decode()
    assert not User.objects.filter(username="weak").exists()


def test_edit_matrix_and_disable(client, cast):
    target = User.objects.create_user(
        "grid-worker", "Grid-2023", org=cast.village_a, role=Role.EDITOR
    )
    check_matrix(
        client,
        cast,
        "POST",
        f"/accounts/users/{target.pk}/edit/",
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"full_name": "王芳", "org": cast.village_a.pk, "role": Role.VIEWER},
        state=_users,
    )
    target.refresh_from_db()
    assert (target.full_name, target.role, target.is_active) == ("王芳", Role.VIEWER, False)


def test_admin_cannot_demote_or_disable_themselves(client, cast):
    client.force_login(cast.town_a_admin)
    before = _users()
    response = client.post(
        f"/accounts/users/{cast.town_a_admin.pk}/edit/",
        {
            "full_name": "x",
            "org": cast.town_a.pk,
            "role": Role.ORG_ADMIN,
        },
    )
    assert response.status_code == 200
    assert "不能修改自己的角色、组织或停用自己。" in response.content.decode()
    assert _users() == before


def test_user_edit_is_audited_with_its_actor(client, cast):
    from auditlog.models import LogEntry

    client.force_login(cast.town_a_admin)
    client.post(
        f"/accounts/users/{cast.village_editor.pk}/edit/",
        {
            "full_name": "赵丽",
            "org": cast.village_a.pk,
            "role": Role.EDITOR,
            "is_active": "on",
        },
    )
    entry = LogEntry.objects.get_for_object(cast.village_editor).latest("timestamp")
    assert entry.actor == cast.town_a_admin
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["full_name"] == ["village-editor 测试", "赵丽"]
    assert "password" not in entry.changes_dict
