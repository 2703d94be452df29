"""Guidance visits and rectification items: the transition table, history, evidence,
overdue flags, scope."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from fulian.building import services
from fulian.building.models import (
    Evidence,
    GuidanceVisit,
    ItemHistory,
    ItemStatus,
    RectificationItem,
)
from fulian.building.tests.conftest import png_bytes
from fulian.core import periods
from fulian.core.testing import check_matrix

pytestmark = pytest.mark.django_db


def png(name="照片.png"):
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def test_visit_must_go_below_the_visiting_org(cast):
    with pytest.raises(ValidationError):
        services.create_visit(
            actor=cast.district_admin,
            org=cast.district,
            visited=[cast.district],
            date=datetime.date(2023, 1, 5),
            subject="督导",
        )
    with pytest.raises(PermissionDenied):
        services.create_visit(
            actor=cast.town_a_admin,
            org=cast.district,
            visited=[cast.town_a],
            date=datetime.date(2023, 1, 5),
            subject="督导",
        )
    with pytest.raises(ValidationError):
        services.create_visit(
            actor=cast.town_a_admin,
            org=cast.town_a,
            visited=[cast.village_b],
            date=datetime.date(2023, 1, 5),
            subject="督导",
        )


def test_visits_are_seen_by_the_visitor_and_the_visited(cast, visit):
    to_a = services.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a],
        date=datetime.date(2023, 2, 1),
        subject="只到皂郊镇",
    )
    by_a = services.create_visit(
        actor=cast.town_a_admin,
        org=cast.town_a,
        visited=[cast.village_a],
        date=datetime.date(2023, 2, 2),
        subject="镇到村",
    )

    def seen(user):
        return set(GuidanceVisit.objects.for_user(user).values_list("pk", flat=True))

    assert seen(cast.district_admin) == {visit.pk, to_a.pk, by_a.pk}
    assert seen(cast.town_a_admin) == {visit.pk, to_a.pk, by_a.pk}
    assert seen(cast.town_b_admin) == {visit.pk}
    assert seen(cast.village_editor) == {by_a.pk}


def test_open_cannot_jump_to_verified(cast, item):
    with pytest.raises(ValidationError) as error:
        services.move_item(actor=cast.district_admin, item=item, to=ItemStatus.VERIFIED)
    assert "不能从“待整改”直接变为“已验收”" in error.value.messages[0]
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    assert ItemHistory.objects.filter(item=item).count() == 1


def test_the_life_of_an_item_leaves_a_history_row_per_change(cast, item):
    services.move_item(actor=cast.town_a_admin, item=item, to=ItemStatus.IN_PROGRESS)
    with pytest.raises(ValidationError):  # done needs evidence first
        services.move_item(actor=cast.town_a_admin, item=item, to=ItemStatus.DONE)
    services.add_evidence(actor=cast.town_a_admin, item=item, upload=png())
    services.move_item(
        actor=cast.town_a_admin, item=item, to=ItemStatus.DONE, on=datetime.date(2023, 6, 20)
    )
    with pytest.raises(PermissionDenied):  # the owner does not verify its own work
        services.move_item(actor=cast.town_a_admin, item=item, to=ItemStatus.VERIFIED)
    with pytest.raises(ValidationError):  # reopening needs a reason
        services.move_item(actor=cast.district_admin, item=item, to=ItemStatus.REOPENED)
    services.move_item(
        actor=cast.district_admin, item=item, to=ItemStatus.REOPENED, note="照片不清"
    )
    services.move_item(actor=cast.town_a_admin, item=item, to=ItemStatus.IN_PROGRESS)
    services.move_item(
        actor=cast.town_a_admin, item=item, to=ItemStatus.DONE, on=datetime.date(2023, 7, 1)
    )
    services.move_item(
        actor=cast.district_admin, item=item, to=ItemStatus.VERIFIED, on=datetime.date(2023, 7, 5)
    )
    item.refresh_from_db()
    assert (item.status, item.done_on, item.verified_on) == (
        ItemStatus.VERIFIED,
        datetime.date(2023, 7, 1),
        datetime.date(2023, 7, 5),
    )
    rows = list(
        ItemHistory.objects.filter(item=item).values_list(
            "from_status", "to_status", "actor__username"
        )
    )
    assert rows == [
        ("", "open", "district-admin"),
        ("open", "in_progress", "town-a-admin"),
        ("in_progress", "in_progress", "town-a-admin"),  # the evidence upload
        ("in_progress", "done", "town-a-admin"),
        ("done", "reopened", "district-admin"),
        ("reopened", "in_progress", "town-a-admin"),
        ("in_progress", "done", "town-a-admin"),
        ("done", "verified", "district-admin"),
    ]
    with pytest.raises(ValidationError):
        services.add_evidence(actor=cast.town_a_admin, item=item, upload=png())


def test_other_towns_and_viewers_cannot_move_items(cast, item):
    for actor in (cast.town_b_admin, cast.viewer, cast.village_editor):
        with pytest.raises(PermissionDenied):
            services.move_item(actor=actor, item=item, to=ItemStatus.IN_PROGRESS)
    assert RectificationItem.objects.get(pk=item.pk).status == ItemStatus.OPEN


MOVERS = st.lists(
    st.tuples(st.sampled_from(list(ItemStatus.values)), st.sampled_from(["owner", "visitor"])),
    max_size=8,
)


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(moves=MOVERS)
def test_any_sequence_of_moves_follows_the_table(cast, visit, moves):
    item = services.raise_item(
        actor=cast.district_admin,
        finding=visit.findings.first(),
        org=cast.town_a,
        what="整改",
        deadline=datetime.date(2023, 6, 30),
    )
    services.add_evidence(actor=cast.town_a_admin, item=item, upload=png())
    status, changes = ItemStatus.OPEN, 0
    for to, side in moves:
        actor = cast.town_a_admin if side == "owner" else cast.district_admin
        try:
            services.move_item(actor=actor, item=item, to=to, note="理由")
        except (ValidationError, PermissionDenied):
            assert RectificationItem.objects.get(pk=item.pk).status == status
            continue
        assert to in RectificationItem.workflow.targets(status)
        status, changes = to, changes + 1
    assert RectificationItem.objects.get(pk=item.pk).status == status
    moved = (
        ItemHistory.objects.filter(item=item)
        .exclude(from_status="")
        .exclude(note__startswith="上传材料")
    )
    assert moved.count() == changes


def test_evidence_is_checked_by_content_and_size(cast, item, settings):
    fake = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.add_evidence(actor=cast.town_a_admin, item=item, upload=fake)
    assert error.value.messages == ["只能上传照片（JPEG、PNG、WebP）、PDF、Word 或 Excel 文件。"]
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    with pytest.raises(ValidationError) as error:
        services.add_evidence(actor=cast.town_a_admin, item=item, upload=big)
    assert error.value.messages == ["文件过大：不能超过 10 MB。"]
    pdf = SimpleUploadedFile(
        "报告.exe", b"%PDF-1.4\n%%EOF\n", content_type="application/x-msdownload"
    )
    evidence = services.add_evidence(actor=cast.town_a_admin, item=item, upload=pdf)
    assert (evidence.name, evidence.content_type) == ("报告.pdf", "application/pdf")
    assert evidence.file.name.startswith("building/evidence/") and evidence.file.name.endswith(
        ".pdf"
    )
    assert str(settings.MEDIA_ROOT) in evidence.file.path
    assert Evidence.objects.count() == 1


def test_evidence_is_served_only_in_scope(client, cast, item):
    evidence = services.add_evidence(actor=cast.town_a_admin, item=item, upload=png())
    url = f"/building/evidence/{evidence.pk}/"
    check_matrix(
        client,
        cast,
        "GET",
        url,
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 200,
        },
    )
    client.force_login(cast.viewer)
    response = client.get(url)
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()
    assert not settings.MEDIA_URL.startswith("/static")


def test_overdue_items_are_flagged_for_owner_and_visitor(client, cast, visit, item):
    fresh = services.raise_item(
        actor=cast.district_admin,
        finding=visit.findings.first(),
        org=cast.town_b,
        what="按期整改",
        deadline=periods.today() + datetime.timedelta(days=30),
    )
    assert list(RectificationItem.objects.overdue()) == [item]
    client.force_login(cast.town_a_admin)
    page = client.get("/building/items/overdue/").content.decode()
    assert "补齐妇女之家活动台账" in page and "flag-owner" in page and "flag-visitor" not in page
    client.force_login(cast.district_admin)
    page = client.get("/building/items/overdue/").content.decode()
    assert "补齐妇女之家活动台账" in page and "flag-visitor" in page and fresh.what not in page
    client.force_login(cast.town_b_admin)
    assert "补齐妇女之家活动台账" not in client.get("/building/items/overdue/").content.decode()


# --- page matrices ---------------------------------------------------------------------------

ALL = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}


def test_list_pages_matrix(client, cast, item):
    for url in (
        "/building/visits/",
        "/building/items/",
        "/building/items/overdue/",
        "/building/items/?overdue=on",
    ):
        check_matrix(client, cast, "GET", url, ALL)


def test_visit_detail_matrix(client, cast, visit):
    only_a = services.create_visit(
        actor=cast.district_admin,
        org=cast.district,
        visited=[cast.town_a],
        date=datetime.date(2023, 2, 1),
        subject="只到皂郊镇",
    )
    check_matrix(
        client,
        cast,
        "GET",
        f"/building/visits/{only_a.pk}/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 200,
        },
    )


def test_visit_create_matrix(client, cast):
    data = {
        "date": "2023-03-01",
        "subject": "督导",
        "visited": [cast.village_a.pk],
        "findings": "问题一\n问题二",
    }
    check_matrix(
        client,
        cast,
        "POST",
        "/building/visits/new/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 403,
        },
        state=lambda: GuidanceVisit.objects.count(),
    )
    assert GuidanceVisit.objects.filter(subject="督导").count() == 2
    assert sorted(GuidanceVisit.objects.first().findings.values_list("text", flat=True)) == [
        "问题一",
        "问题二",
    ]


def test_finding_and_raise_matrix(client, cast, visit):
    check_matrix(
        client,
        cast,
        "POST",
        f"/building/visits/{visit.pk}/findings/",
        data={"text": "新问题"},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: visit.findings.count(),
    )
    assert visit.findings.filter(text="新问题").count() == 1
    finding = visit.findings.first()
    data = {"what": "整改内容", "org": cast.town_a.pk, "deadline": "2023-08-01"}
    check_matrix(
        client,
        cast,
        "POST",
        f"/building/findings/{finding.pk}/raise/",
        data=data,
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: RectificationItem.objects.count(),
    )
    assert RectificationItem.objects.count() == 1


def test_item_detail_matrix(client, cast, item):
    check_matrix(
        client,
        cast,
        "GET",
        f"/building/items/{item.pk}/",
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 200,
        },
    )


def test_item_move_and_evidence_matrix(client, cast, visit):
    def fresh():
        return services.raise_item(
            actor=cast.district_admin,
            finding=visit.findings.first(),
            org=cast.town_a,
            what="整改",
            deadline=datetime.date(2023, 6, 30),
        )

    def statuses():
        return RectificationItem.objects.exclude(status="open").count()

    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/building/items/{fresh().pk}/move/",
        data={"to": "in_progress"},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=statuses,
    )
    assert RectificationItem.objects.filter(status="in_progress").count() == 2
    check_matrix(
        client,
        cast,
        "POST",
        lambda: f"/building/items/{fresh().pk}/evidence/",
        data={"file": png()},
        expected={
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        state=lambda: Evidence.objects.count(),
    )


def test_items_list_query_count(client, cast, visit, django_assert_num_queries):
    for n in range(3):
        services.raise_item(
            actor=cast.district_admin,
            finding=visit.findings.first(),
            org=cast.town_a,
            what=f"整改{n}",
            deadline=datetime.date(2023, 6, 30),
        )
    client.force_login(cast.district_admin)
    client.get("/building/items/")
    # session, user, org, count, page, session renewal (3)
    with django_assert_num_queries(8):
        client.get("/building/items/")
    for n in range(10):
        services.raise_item(
            actor=cast.district_admin,
            finding=visit.findings.last(),
            org=cast.town_b,
            what=f"整改b{n}",
            deadline=datetime.date(2023, 6, 30),
        )
    with django_assert_num_queries(8):
        assert client.get("/building/items/").status_code == 200
    with django_assert_num_queries(9):  # plus the visited orgs' prefetch
        assert client.get("/building/visits/").status_code == 200


def test_my_items_on_home_count_only_what_my_side_must_finish(client, cast, item):
    """The home page's 待我整改 counts the unfinished items of the user's own org; the
    district (the visitor, and above the owner) sees no such count."""
    client.force_login(cast.town_a_admin)
    home = client.get("/").content.decode()
    assert (
        'href="/building/items/?todo=on" data-action="building:items">' in home
        and 'text-bg-danger ms-1">1</span>' in home
    )
    listed = client.get("/building/items/?todo=on").content.decode()
    assert (
        listed.count('class="list-group-item" data-status') == 1
        and "补齐妇女之家活动台账" in listed
    )
    client.force_login(cast.district_admin)
    assert 'text-bg-danger ms-1">' not in client.get("/").content.decode()
    assert (
        'class="list-group-item" data-status'
        not in client.get("/building/items/?todo=on").content.decode()
    )
    services.move_item(actor=cast.town_a_admin, item=item, to="in_progress")
    client.force_login(cast.town_a_admin)
    assert 'text-bg-danger ms-1">1</span>' in client.get("/").content.decode()
