import datetime
import re

import pytest
from auditlog.models import LogEntry

from fulian.core.testing import check_matrix
from fulian.orgs import services
from fulian.orgs.models import OrgKind

pytestmark = pytest.mark.django_db


def test_audit_page_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        "/audit/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
    )


def test_an_edit_shows_up_with_its_actor_and_ip(client, cast):
    unit = services.create_org(
        actor=cast.district_admin,
        parent=cast.town_a,
        name="皂郊镇卫生院妇委会",
        kind=OrgKind.INSTITUTION,
    )
    client.force_login(cast.town_a_admin)
    client.post(
        f"/orgs/{unit.pk}/edit/",
        {"name": "皂郊镇中心卫生院妇委会", "kind": OrgKind.INSTITUTION},
        REMOTE_ADDR="10.20.30.40",
    )
    client.force_login(cast.district_admin)
    html = client.get("/audit/").content.decode()
    row = re.search(
        r"<tr>\s*<td[^>]*>[^<]*</td>\s*<td>town-a-admin</td>.*?</tr>", html, re.S
    ).group(0)
    assert "10.20.30.40" in row
    assert "皂郊镇卫生院妇委会 → 皂郊镇中心卫生院妇委会" in row


def test_filters_by_user_org_and_date(client, cast):
    first = services.create_org(
        actor=cast.district_admin, parent=cast.town_a, name="甲单位", kind=OrgKind.ENTERPRISE
    )
    services.create_org(
        actor=cast.district_admin, parent=cast.town_b, name="乙单位", kind=OrgKind.ENTERPRISE
    )
    LogEntry.objects.filter(object_pk=str(first.pk)).update(
        timestamp=datetime.datetime(2023, 3, 8, 10, 0, tzinfo=datetime.UTC), actor=cast.town_a_admin
    )
    client.force_login(cast.district_admin)

    def shown(query):
        html = client.get("/audit/" + query).content.decode()
        return sorted(set(re.findall(r"[甲乙]单位", html)))

    assert shown("") == ["乙单位", "甲单位"]
    assert shown(f"?actor={cast.town_a_admin.pk}") == ["甲单位"]
    assert shown(f"?org={cast.town_b.pk}") == ["乙单位"]
    assert shown("?since=2023-03-08&until=2023-03-08") == ["甲单位"]
    assert shown("?until=2023-03-07") == []


def test_audit_is_read_only(client, cast):
    client.force_login(cast.district_admin)
    assert client.post("/audit/").status_code == 405
    assert client.delete("/audit/").status_code == 405


def test_configuration_without_an_org_shows_to_the_top_only(client, cast):
    from fulian.accounts.models import Role, User
    from fulian.people.models import TalentTag

    TalentTag.objects.create(name="巾帼建功标兵", order=9)
    client.force_login(cast.district_admin)
    assert "巾帼建功标兵" in client.get("/audit/").content.decode()
    # An auditor below the top (set up directly: the service only grants this role at the
    # district) sees its subtree's entries, not the top's configuration.
    lower = User.objects.create_user(
        "town-auditor", "Audit-2023", org=cast.town_a, role=Role.DISTRICT_ADMIN
    )
    client.force_login(lower)
    assert "巾帼建功标兵" not in client.get("/audit/").content.decode()


def test_changes_read_as_labels_and_names_even_for_a_field_called_items(client, cast):
    """A logged field named ``items`` used to shadow ``dict.items`` and answer 500."""
    from django.contrib.contenttypes.models import ContentType

    from fulian.orgs.models import Org

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Org),
        object_pk=str(cast.village_a.pk),
        object_id=cast.village_a.pk,
        object_repr=cast.village_a.name,
        action=LogEntry.Action.UPDATE,
        changes={"items": ["1", "2"], "name": ["旧名", "新名"], "parent": ["None", "x"]},
        additional_data={"org_path": cast.village_a.path},
    )
    client.force_login(cast.district_admin)
    response = client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "items</span>：1 → 2" in html
    assert "名称</span>：旧名 → 新名" in html
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d</td>", html)
    assert not re.search(r"\d\d:\d\d:\d\d</td>", html)


def test_unnamed_columns_booleans_and_reverse_relations_read_as_words(client, cast):
    from django.contrib.contenttypes.models import ContentType

    from fulian.building.models import Evidence

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Evidence),
        object_pk="7",
        object_id=7,
        object_repr="整改照片.png",
        action=LogEntry.Action.CREATE,
        changes={
            "id": ["None", "7"],
            "item": ["None", "None"],
            "size": ["None", "140"],
            "uploaded_at": ["None", "2023-10-15 01:46:12"],
        },
        additional_data={"org_path": cast.village_a.path},
    )
    from fulian.building.models import RectificationItem

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(RectificationItem),
        object_pk="9",
        object_id=9,
        object_repr="补齐台账",
        action=LogEntry.Action.CREATE,
        changes={"what": ["None", "补齐台账"], "history": ["None", "building.ItemHistory.None"]},
        additional_data={"org_path": cast.village_a.path},
    )
    from fulian.venues.models import Venue

    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Venue),
        object_pk="8",
        object_id=8,
        object_repr="下寨子妇女之家",
        action=LogEntry.Action.UPDATE,
        changes={"certified": ["False", "True"]},
        additional_data={"org_path": cast.village_a.path},
    )
    client.force_login(cast.district_admin)
    html = client.get("/audit/").content.decode()
    assert "编号</span>：∅ → 7" in html
    assert "整改事项</span>：∅ → ∅" in html  # the related model's name for an unnamed FK
    assert "文件大小（字节）</span>：∅ → 140" in html
    assert "上传时间</span>：∅ → 2023年10月15日 09:46" in html  # Beijing time, to the minute
    assert "ItemHistory" not in html
    assert "达标</span>：否 → 是" in html
