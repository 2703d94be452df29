"""The persona cast and the permission-matrix helper every module's tests use.

The cast lives in a small slice of the real 秦州区 tree:

    秦州区 (district)
    ├── 皂郊镇 (town A)
    │   ├── 下寨子居民委员会 (village A)
    │   └── 杨家沟村民委员会 (village A2)
    └── 天水镇 (town B)
        └── 李尧村民委员会 (village B)

Personas: ``district_admin`` (秦州区), ``town_a_admin`` and ``viewer`` (皂郊镇),
``town_b_admin`` (天水镇), ``village_editor`` (下寨子), and ``anonymous``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from fulian.accounts.models import Role, User
from fulian.orgs.models import Org
from fulian.orgs.services import DivisionRow, division_kind, load_divisions

PERSONAS = (
    "anonymous",
    "district_admin",
    "town_a_admin",
    "town_b_admin",
    "village_editor",
    "viewer",
)
PASSWORD = "Test-pass-2023"

CAST_DIVISIONS = [
    ("620502", "秦州区", ""),
    ("620502103", "皂郊镇", "620502"),
    ("620502103005", "下寨子居民委员会", "620502103"),
    ("620502103203", "杨家沟村民委员会", "620502103"),
    ("620502108", "天水镇", "620502"),
    ("620502108202", "李尧村民委员会", "620502108"),
]


@dataclass
class Cast:
    district: Org
    town_a: Org
    village_a: Org
    village_a2: Org
    town_b: Org
    village_b: Org
    district_admin: User
    town_a_admin: User
    town_b_admin: User
    village_editor: User
    viewer: User

    def user(self, persona: str) -> User | None:
        return None if persona == "anonymous" else getattr(self, persona)


def build_cast() -> Cast:
    load_divisions(DivisionRow(c, n, p, division_kind(c)) for c, n, p in CAST_DIVISIONS)
    orgs = {o.code: o for o in Org.objects.filter(code__in=[c for c, _, _ in CAST_DIVISIONS])}

    def user(username: str, code: str, role: Role) -> User:
        return User.objects.create_user(
            username, PASSWORD, org=orgs[code], role=role, full_name=f"{username} 测试"
        )

    return Cast(
        district=orgs["620502"],
        town_a=orgs["620502103"],
        village_a=orgs["620502103005"],
        village_a2=orgs["620502103203"],
        town_b=orgs["620502108"],
        village_b=orgs["620502108202"],
        district_admin=user("district-admin", "620502", Role.DISTRICT_ADMIN),
        town_a_admin=user("town-a-admin", "620502103", Role.ORG_ADMIN),
        town_b_admin=user("town-b-admin", "620502108", Role.ORG_ADMIN),
        village_editor=user("village-editor", "620502103005", Role.EDITOR),
        viewer=user("town-a-viewer", "620502103", Role.VIEWER),
    )


def check_matrix(
    client: Any,
    cast: Cast,
    method: str,
    url: str | Callable[[], str],
    expected: dict[str, int],
    *,
    data: Any = None,
    content_type: str | None = None,
    state: Callable[[], Any] | None = None,
    personas: Iterable[str] = PERSONAS,
) -> None:
    """Assert the status each persona gets, and that a denied write changed nothing.

    ``expected`` must name every persona, so no row of the matrix is forgotten. ``state``
    returns a comparable snapshot of what a write could change; after each request that
    is not a success (2xx, or a redirect from a POST), it must be equal to before.
    """
    personas = tuple(personas)
    assert set(expected) == set(personas), f"matrix must name {sorted(personas)}"
    for persona in personas:
        client.logout()
        user = cast.user(persona)
        if user is not None:
            client.force_login(user)
        before = state() if state else None
        target = url() if callable(url) else url
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        response = getattr(client, method.lower())(target, **kwargs)
        assert response.status_code == expected[persona], (
            f"{persona} {method} {target}: got {response.status_code}, expected {expected[persona]}"
        )
        succeeded = 200 <= response.status_code < 300 or (
            method.upper() != "GET" and response.status_code == 302 and persona != "anonymous"
        )
        if state is not None and not succeeded:
            assert state() == before, f"{persona}: a denied {method} {target} changed data"
    client.logout()
