"""Every page of events: who gets what (the permission matrix), and what a write did."""

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from fulian.core.testing import check_matrix
from fulian.events import services
from fulian.events.models import (
    Activity,
    ActivityKind,
    Attendance,
    AttendanceStatus,
    Campaign,
    Enrolment,
    Session,
    TrainingClass,
    TrainingSeries,
)
from fulian.events.tests.conftest import at, jpeg_bytes, make_person

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 200,
}
ALL_READ = {**READ, "town_b_admin": 200}
WRITE_A = {
    "anonymous": 302,
    "district_admin": 302,
    "town_a_admin": 302,
    "town_b_admin": 404,
    "village_editor": 302,
    "viewer": 403,
}
# Objects of 皂郊镇 itself: the village editor does not see them.
READ_TOWN = {**READ, "village_editor": 404}
WRITE_TOWN = {**WRITE_A, "village_editor": 404}
CONFIGURE = {
    "anonymous": 302,
    "district_admin": 302,
    "town_a_admin": 403,
    "town_b_admin": 403,
    "village_editor": 403,
    "viewer": 403,
}


@pytest.fixture
def activity(cast):
    return services.create_activity(
        actor=None,
        org=cast.village_a,
        kind="legal_publicity",
        campaign="law_homes",
        title="法律进社区",
        start=datetime.date(2023, 5, 6),
        place="下寨子社区广场",
        head_count=60,
    )


def test_lists_matrix(client, cast, activity):
    for name in ("events:list", "events:calendar", "events:campaigns", "events:trainings"):
        check_matrix(client, cast, "GET", reverse(name), ALL_READ)
    check_matrix(client, cast, "GET", reverse("events:campaign", args=["law_homes"]), ALL_READ)


def test_list_is_scoped_and_filtered(client, cast, activity):
    services.create_activity(
        actor=None,
        org=cast.village_b,
        kind="cleaning",
        campaign="beautiful_homes",
        title="天水村清洁",
        start=datetime.date(2023, 6, 1),
        head_count=20,
    )
    client.force_login(cast.town_a_admin)
    page = client.get(reverse("events:list")).context["page"]
    assert [a.title for a in page.object_list] == ["法律进社区"]
    client.force_login(cast.district_admin)
    assert client.get(reverse("events:list")).context["page"].paginator.count == 2
    filtered = client.get(reverse("events:list"), {"campaign": "beautiful_homes", "year": 2023})
    assert [a.title for a in filtered.context["page"].object_list] == ["天水村清洁"]
    by_org = client.get(reverse("events:list"), {"org": cast.town_a.pk})
    assert [a.title for a in by_org.context["page"].object_list] == ["法律进社区"]
    dated = client.get(reverse("events:list"), {"since": "2023-05-07", "until": "2023-06-01"})
    assert [a.title for a in dated.context["page"].object_list] == ["天水村清洁"]
    partial = client.get(reverse("events:list"), headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and "天水村清洁" in partial.content.decode()


def test_list_query_count_is_pinned(client, cast, django_assert_num_queries):
    for i in range(30):
        services.create_activity(
            actor=None,
            org=cast.village_a,
            kind="cleaning",
            campaign="beautiful_homes",
            title=f"清洁{i}",
            start=datetime.date(2023, 4, 1 + i % 28),
            head_count=i,
        )
    client.force_login(cast.town_a_admin)
    client.get(reverse("events:list"))  # warm the session
    # session, user, its org, count, the nav's permissions (2), filter choices (campaign,
    # kind, org), the page of activities, the session's save (3). Not one per row.
    with django_assert_num_queries(13):
        response = client.get(reverse("events:list"))
    assert response.context["page"].paginator.count == 30


def test_calendar_puts_activities_on_their_day(client, cast, activity):
    client.force_login(cast.viewer)
    response = client.get(reverse("events:calendar"), {"month": "2023-05"})
    days = dict(response.context["days"])
    assert [a.title for a in days[datetime.date(2023, 5, 6)]] == ["法律进社区"]
    assert response.context["previous"] == "2023-04" and response.context["next"] == "2023-06"


def test_detail_matrix(client, cast, activity):
    check_matrix(client, cast, "GET", reverse("events:detail", args=[activity.pk]), READ)


def _titles():
    return sorted(Activity.objects.values_list("title", flat=True))


def test_record_matrix_and_idempotency(client, cast):
    kind = ActivityKind.objects.get(code="cleaning")
    check_matrix(
        client,
        cast,
        "GET",
        reverse("events:record"),
        {**ALL_READ, "viewer": 403},
    )
    payload = {
        "idempotency_key": "2d7c0a43-1111-4c1b-9a55-1b2c3d4e5f60",
        "kind": kind.pk,
        "campaign": Campaign.objects.get(code="beautiful_homes").pk,
        "date": "2023-07-01",
        "place": "村口",
        "head_count": "25",
        "description": "清理垃圾",
    }
    client.force_login(cast.village_editor)
    first = client.post(reverse("events:record"), payload, headers={"Accept": "application/json"})
    assert first.status_code == 201
    again = client.post(reverse("events:record"), payload, headers={"Accept": "application/json"})
    assert again.status_code == 201 and again.json() == first.json()
    created = Activity.objects.get()
    assert (created.title, created.org, created.head_count) == (
        "巾帼共建美丽家园·村口",
        cast.village_a,
        25,
    )
    # Another user cannot reuse someone's key.
    client.force_login(cast.town_a_admin)
    clash = client.post(reverse("events:record"), payload, headers={"Accept": "application/json"})
    assert clash.status_code == 400 and Activity.objects.count() == 1
    bad = client.post(
        reverse("events:record"),
        {**payload, "idempotency_key": "2d7c0a43-2222-4c1b-9a55-1b2c3d4e5f60", "head_count": "-1"},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400 and "head_count" in bad.json()["errors"]
    expected = {
        "anonymous": 302,
        "district_admin": 302,
        "town_a_admin": 302,
        "town_b_admin": 302,
        "village_editor": 302,
        "viewer": 403,
    }
    for n, (persona, code) in enumerate(expected.items()):
        client.logout()
        if cast.user(persona):
            client.force_login(cast.user(persona))
        before = _titles()
        key = f"2d7c0a43-3333-4c1b-9a55-1b2c3d4e5f{n:02d}"
        response = client.post(reverse("events:record"), {**payload, "idempotency_key": key})
        assert response.status_code == code, persona
        assert len(_titles()) == len(before) + (code == 302 and persona != "anonymous")
    assert Activity.objects.filter(org=cast.town_b).count() == 1


def test_record_with_photos_strips_exif(client, cast):
    kind = ActivityKind.objects.get(code="cleaning")
    client.force_login(cast.village_editor)
    photo = io.BytesIO(jpeg_bytes(with_gps=True))
    photo.name = "p.jpg"
    response = client.post(
        reverse("events:record"),
        {
            "idempotency_key": "2d7c0a43-4444-4c1b-9a55-1b2c3d4e5f60",
            "kind": kind.pk,
            "date": "2023-07-01",
            "place": "村口",
            "head_count": "3",
            "photos": [photo],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    stored = activity.photos.get()
    from PIL import Image

    with stored.image.open("rb") as f, Image.open(f) as image:
        assert image.format == "JPEG" and not image.getexif() and "exif" not in image.info
    assert max(stored.width, stored.height) == 1600


def test_create_edit_delete_matrix(client, cast, activity):
    kind = ActivityKind.objects.get(code="meeting")
    data = {
        "org": cast.village_a.pk,
        "kind": kind.pk,
        "title": "执委会议",
        "start": "2023-02-16T09:00",
    }
    check_matrix(client, cast, "GET", reverse("events:create"), {**ALL_READ, "viewer": 403})
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:create"),
        {**WRITE_A, "town_b_admin": 200},  # the village is not among town B's choices
        data=data,
        state=_titles,
    )
    assert Activity.objects.filter(title="执委会议").count() == 3
    url = reverse("events:edit", args=[activity.pk])
    check_matrix(client, cast, "GET", url, {**READ, "viewer": 403})
    edit = {
        "org": cast.village_a.pk,
        "kind": activity.kind.pk,
        "title": "法律进社区（改）",
        "start": "2023-05-06T09:00",
        "head_count": 61,
    }
    check_matrix(client, cast, "POST", url, WRITE_A, data=edit, state=_titles)
    activity.refresh_from_db()
    assert (activity.title, activity.head_count) == ("法律进社区（改）", 61)
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:delete", args=[activity.pk]),
        {**WRITE_A, "district_admin": 404, "town_a_admin": 404},
        state=_titles,
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "district_admin",
            "town_a_admin",
        ),
    )
    assert not Activity.objects.filter(pk=activity.pk).exists()


def test_delete_asks_first_and_the_bin_restores(client, cast, activity):
    url = reverse("events:delete", args=[activity.pk])
    check_matrix(client, cast, "GET", url, {**READ, "viewer": 403}, state=_titles)
    client.force_login(cast.village_editor)
    page = client.get(url).content.decode()
    assert 'id="confirm-form"' in page and 'method="post"' in page
    assert "0 张照片" in page
    assert "删除后 30 天内，区妇联管理员可以在回收站恢复。" in page
    # The detail page links to the confirmation, never deletes from one tap.
    detail = client.get(reverse("events:detail", args=[activity.pk])).content.decode()
    assert f'href="{url}" id="activity-delete"' in detail
    response = client.post(url, follow=True)
    assert "已移入回收站，30 天内可恢复。" in response.content.decode()
    bin_url = reverse("events:recycle_bin")
    check_matrix(
        client,
        cast,
        "GET",
        bin_url,
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "viewer": 403,
        },
    )
    client.force_login(cast.district_admin)
    assert activity.title in client.get(bin_url).content.decode()
    restore = reverse("events:restore", args=[activity.pk])
    check_matrix(
        client,
        cast,
        "POST",
        restore,
        {
            "anonymous": 302,
            "viewer": 403,
            "town_a_admin": 403,
            "town_b_admin": 403,
            "village_editor": 403,
            "district_admin": 302,
        },
        state=lambda: Activity.objects.filter(pk=activity.pk).exists(),
        personas=(
            "anonymous",
            "viewer",
            "town_a_admin",
            "town_b_admin",
            "village_editor",
            "district_admin",
        ),
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_photos_matrix(client, cast, activity):
    def upload():
        f = io.BytesIO(jpeg_bytes())
        f.name = "a.jpg"
        return {"photos": [f]}

    url = reverse("events:photo_add", args=[activity.pk])
    for persona, code in WRITE_A.items():
        client.logout()
        if cast.user(persona):
            client.force_login(cast.user(persona))
        before = activity.photos.count()
        assert client.post(url, upload()).status_code == code, persona
        assert activity.photos.count() == before + (code == 302 and persona != "anonymous")
    photo = activity.photos.first()
    check_matrix(client, cast, "GET", reverse("events:photo", args=[photo.pk]), READ)
    client.force_login(cast.viewer)
    assert (
        client.get(reverse("events:photo", args=[photo.pk]), {"size": "thumb"})["Content-Type"]
        == "image/jpeg"
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:photo_delete", args=[photo.pk]),
        {**WRITE_A, "district_admin": 404, "town_a_admin": 404},
        state=lambda: activity.photos.count(),
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "district_admin",
            "town_a_admin",
        ),
    )


def test_bad_photo_is_refused(client, cast, activity):
    client.force_login(cast.village_editor)
    fake = io.BytesIO(b"<?php echo 1; ?>")
    fake.name = "x.jpg"
    client.post(reverse("events:photo_add", args=[activity.pk]), {"photos": [fake]})
    assert activity.photos.count() == 0


def test_campaign_page_counts_by_month_and_child_org(client, cast, activity):
    services.create_activity(
        actor=None,
        org=cast.village_a2,
        kind="legal_publicity",
        campaign="law_homes",
        title="普法",
        start=datetime.date(2023, 5, 20),
        head_count=10,
    )
    services.create_activity(
        actor=None,
        org=cast.village_b,
        kind="legal_publicity",
        campaign="law_homes",
        title="普法2",
        start=datetime.date(2023, 9, 1),
        head_count=5,
    )
    client.force_login(cast.district_admin)
    response = client.get(reverse("events:campaign", args=["law_homes"]), {"year": 2023})
    assert response.context["total"] == 3
    assert response.context["participants"] == 75
    assert response.context["chart"]["byMonth"] == [0, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]
    assert [(o.name, n) for o, n in response.context["by_org"]] == [("皂郊镇", 2), ("天水镇", 1)]
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("events:campaign", args=["law_homes"]), {"year": 2023})
    assert response.context["total"] == 2
    assert client.get(reverse("events:campaign", args=["nope"])).status_code == 404


def test_config_matrix(client, cast):
    check_matrix(
        client, cast, "GET", reverse("events:config"), {**CONFIGURE, "district_admin": 200}
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:kind_create"),
        CONFIGURE,
        data={"code": "volunteer", "name": "志愿服务", "order": 5, "is_active": "on"},
        state=lambda: ActivityKind.objects.count(),
    )
    assert ActivityKind.objects.get(code="volunteer").name == "志愿服务"
    voice = Campaign.objects.get(code="women_voice")
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:campaign_create"),
        CONFIGURE,
        data={"code": "voice_online", "name": "巾帼好声音·网上", "parent": voice.pk, "order": 1},
        state=lambda: Campaign.objects.count(),
    )
    assert Campaign.objects.get(code="voice_online").parent == voice
    law = Campaign.objects.get(code="law_homes")
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:campaign_edit", args=[law.pk]),
        CONFIGURE,
        data={"code": "law_homes", "name": "法进万家", "order": 1, "is_active": "on"},
        state=lambda: Campaign.objects.get(code="law_homes").name,
    )
    assert Campaign.objects.get(code="law_homes").name == "法进万家"
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:series_create"),
        CONFIGURE,
        data={"code": "spring", "name": "春蕾", "order": 1},
        state=lambda: TrainingSeries.objects.count(),
    )


def test_campaign_cannot_nest_under_itself(client, cast):
    voice = Campaign.objects.get(code="women_voice")
    child = Campaign.objects.get(code="good_voice")
    client.force_login(cast.district_admin)
    response = client.post(
        reverse("events:campaign_edit", args=[voice.pk]),
        {"code": "women_voice", "name": voice.name, "parent": child.pk, "order": 1},
    )
    assert response.status_code == 200 and response.context["form"].errors["parent"]
    assert Campaign.objects.get(pk=voice.pk).parent is None


def test_training_pages_matrix(client, cast, training):
    url = reverse("events:training", args=[training.pk])
    check_matrix(client, cast, "GET", url, READ_TOWN)
    check_matrix(
        client,
        cast,
        "GET",
        reverse("events:training_edit", args=[training.pk]),
        {**READ_TOWN, "viewer": 403},
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:training_create"),
        {**WRITE_A, "town_b_admin": 200, "village_editor": 200},  # 皂郊镇 is not their choice
        data={
            "org": cast.town_a.pk,
            "title": "新培训班",
            "start": "2023-10-24",
            "completion_percent": 80,
        },
        state=lambda: TrainingClass.objects.count(),
    )
    assert TrainingClass.objects.filter(activity__title="新培训班").count() == 2
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:training_edit", args=[training.pk]),
        WRITE_TOWN,
        data={
            "org": cast.town_a.pk,
            "title": "皂郊镇执委培训班（一期）",
            "start": "2023-08-29",
            "completion_percent": 50,
            "methods": ["lecture", "case"],
        },
        state=lambda: TrainingClass.objects.get(pk=training.pk).completion_percent,
    )
    training.refresh_from_db()
    assert training.completion_percent == 50 and training.methods == ["lecture", "case"]
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:session_create", args=[training.pk]),
        WRITE_TOWN,
        data={"title": "第三场", "start": "2023-08-30T09:00", "end": "2023-08-30T11:00"},
        state=lambda: Session.objects.count(),
    )
    assert training.activity.sessions.filter(title="第三场").count() == 2


def test_sheet_and_certificate_matrix(client, cast, training):
    check_matrix(
        client, cast, "GET", reverse("events:attendance_sheet", args=[training.pk]), READ_TOWN
    )
    check_matrix(
        client, cast, "GET", reverse("events:activity_sheet", args=[training.pk]), READ_TOWN
    )


def test_certificate_matrix(client, cast, training, cjk_pdf):
    check_matrix(client, cast, "GET", reverse("events:certificates", args=[training.pk]), READ_TOWN)


def test_enrolment_matrix(client, cast, training):
    from fulian.people.models import Position

    chair = make_person(cast.village_a, "张桂兰", "13800002222")
    Position.objects.create(
        person=chair, org=cast.village_a, kind="chair", start=datetime.date(2021, 1, 1)
    )
    make_person(cast.village_a, "无职务", "13800003333")
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:enrol_roster", args=[training.pk]),
        WRITE_TOWN,
        data={"kinds": ["chair"], "org": cast.town_a.pk},
        state=lambda: Enrolment.objects.count(),
    )
    assert [e.name for e in training.enrolments.all()] == ["张桂兰"]
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机号码", "单位"])
    book.active.append(["张桂兰", "13800002222", "下寨子"])
    book.active.append(["赵敏", "139 0000 4444", "店镇村"])
    data = io.BytesIO()
    book.save(data)

    def sheet():
        f = io.BytesIO(data.getvalue())
        f.name = "list.xlsx"
        return {"file": f}

    for persona, code in WRITE_TOWN.items():
        client.logout()
        if cast.user(persona):
            client.force_login(cast.user(persona))
        assert (
            client.post(reverse("events:enrol_import", args=[training.pk]), sheet()).status_code
            == code
        )
    assert sorted(e.name for e in training.enrolments.all()) == ["张桂兰", "赵敏"]
    zhao = training.enrolments.get(name="赵敏")
    assert zhao.person is None and zhao.masked_phone == "139****4444" and zhao.unit == "店镇村"
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:enrolment_decide", args=[zhao.pk]),
        WRITE_TOWN,
        data={"status": "rejected"},
        state=lambda: Enrolment.objects.get(pk=zhao.pk).status,
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "town_a_admin",
            "district_admin",
        ),
    )
    zhao.refresh_from_db()
    assert zhao.status == "rejected" and list(
        zhao.history.values_list("from_status", "to_status")
    ) == [("", "approved"), ("approved", "rejected")]


def test_enrolment_import_is_all_or_nothing(client, cast, training):
    book = openpyxl.Workbook()
    book.active.append(["姓名", "手机号码"])
    book.active.append(["甲", "13800005555"])
    book.active.append(["", "123"])
    data = io.BytesIO()
    book.save(data)
    with pytest.raises(ValidationError) as error:
        services.import_enrolments(actor=cast.town_a_admin, training=training, data=data.getvalue())
    assert error.value.messages == [
        "第3行「姓名」：缺少姓名。",
        "第3行「手机号码」：手机号码无效。",
    ]
    assert training.enrolments.count() == 0


def test_session_pages_matrix(client, cast, training, trainee):
    session = training.activity.sessions.first()
    check_matrix(client, cast, "GET", reverse("events:session", args=[session.pk]), READ_TOWN)
    check_matrix(client, cast, "GET", reverse("events:session_count", args=[session.pk]), READ_TOWN)
    for name in ("events:session_qr", "events:session_screen", "events:session_edit"):
        check_matrix(
            client, cast, "GET", reverse(name, args=[session.pk]), {**READ_TOWN, "viewer": 403}
        )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:session_edit", args=[session.pk]),
        WRITE_TOWN,
        data={
            "title": "上午：履职能力提升",
            "start": "2023-08-29T09:00",
            "end": "2023-08-29T12:00",
        },
        state=lambda: Session.objects.get(pk=session.pk).title,
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:session_checkin", args=[session.pk]),
        WRITE_TOWN,
        data={"person": trainee.pk},
        state=lambda: Attendance.objects.count(),
    )
    assert Attendance.objects.get().source == "manual"


def test_qr_is_svg_with_the_signed_link(client, cast, training):
    session = training.activity.sessions.first()
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("events:session_qr", args=[session.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b"<svg" in response.content
    page = client.get(reverse("events:session", args=[session.pk]))
    link = page.context["link"]
    assert link.startswith("http://testserver/events/c/")
    token = link.rsplit("/", 2)[1]
    assert services.session_for_token(token) == session
    assert services.session_for_token(token[:-2] + "xx") is None


def test_pending_attendance_confirm_and_reject_matrix(client, cast, training):
    session = training.activity.sessions.first()
    with time_machine.travel(at(2023, 8, 29, 9, 20), tick=False):
        pending = services.check_in(session=session, name="王芳", phone="13700007777").attendance
        other = services.check_in(session=session, name="刘洋", phone="13700008888").attendance
    assert pending.status == AttendanceStatus.PENDING and pending.late
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:attendance_confirm", args=[pending.pk]),
        WRITE_TOWN,
        data={"org": cast.village_a.pk},
        state=lambda: Attendance.objects.get(pk=pending.pk).status,
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "town_a_admin",
            "district_admin",
        ),
    )
    pending.refresh_from_db()
    assert pending.status == AttendanceStatus.CONFIRMED
    assert (pending.person.name, pending.person.org, pending.person.phone) == (
        "王芳",
        cast.village_a,
        "13700007777",
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("events:attendance_reject", args=[other.pk]),
        WRITE_TOWN,
        state=lambda: Attendance.objects.get(pk=other.pk).status,
        personas=(
            "anonymous",
            "viewer",
            "town_b_admin",
            "village_editor",
            "town_a_admin",
            "district_admin",
        ),
    )
    other.refresh_from_db()
    assert other.status == AttendanceStatus.REJECTED
    assert list(other.history.values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "rejected"),
    ]


def test_public_checkin_page(client, cast, training, trainee):
    session = training.activity.sessions.first()
    url = reverse("events:checkin", args=[services.checkin_token(session)])
    with time_machine.travel(at(2023, 8, 29, 8, 55), tick=False):
        check_matrix(
            client,
            cast,
            "GET",
            url,
            {
                "anonymous": 200,
                "district_admin": 200,
                "town_a_admin": 200,
                "town_b_admin": 200,
                "village_editor": 200,
                "viewer": 200,
            },
        )
        first = client.post(url, {"name": "李秀英", "phone": "13800001111"})
        assert first.status_code == 200 and "签到成功" in first.content.decode()
        second = client.post(url, {"name": "李秀英", "phone": "13800001111"})
        assert "已签到" in second.content.decode() and not second.context["result"].created
        bad = client.post(url, {"name": "李秀英", "phone": "12345"})
        assert bad.context["form"].errors["phone"] == ["请填写11位手机号码。"]
    assert Attendance.objects.filter(session=session).count() == 1
    with time_machine.travel(at(2023, 8, 29, 12, 31), tick=False):
        closed = client.get(url)
        assert closed.status_code == 410 and "签到已结束" in closed.content.decode()
        assert client.post(url, {"name": "赵六", "phone": "13800009999"}).status_code == 410
    with time_machine.travel(at(2023, 8, 29, 12, 29), tick=False):
        assert client.get(url).status_code == 200  # inside the 30-minute grace
    with time_machine.travel(at(2023, 8, 29, 6, 59), tick=False):
        assert "签到尚未开始" in client.get(url).content.decode()
    assert client.get(reverse("events:checkin", args=["forged"])).status_code == 404


def test_checkin_grace_is_configurable(client, cast, training, settings):
    settings.FULIAN_CHECKIN_GRACE_MINUTES = 120
    session = training.activity.sessions.first()
    url = reverse("events:checkin", args=[services.checkin_token(session)])
    with time_machine.travel(at(2023, 8, 29, 13, 59), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(at(2023, 8, 29, 14, 1), tick=False):
        assert client.get(url).status_code == 410


def test_self_registration(client, cast, training):
    url = reverse("events:register", args=[services.registration_token(training)])
    assert client.get(url).status_code == 404  # not open for self-registration
    training.self_registration = True
    training.save()
    check_matrix(
        client,
        cast,
        "GET",
        url,
        {
            "anonymous": 200,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 200,
            "village_editor": 200,
            "viewer": 200,
        },
    )
    response = client.post(url, {"name": "孙丽", "phone": "13600006666", "unit": "店镇村"})
    assert "报名已提交" in response.content.decode()
    again = client.post(url, {"name": "孙丽", "phone": "13600006666"})
    assert "无需重复" in again.content.decode()
    enrolment = training.enrolments.get()
    assert (enrolment.status, enrolment.source, enrolment.unit) == ("pending", "self", "店镇村")


def test_config_edit_pages_matrix(client, cast):
    kind = ActivityKind.objects.get(code="cleaning")
    campaign = Campaign.objects.get(code="love_home")
    series = TrainingSeries.objects.get(code="huhang")
    for url in (
        reverse("events:kind_edit", args=[kind.pk]),
        reverse("events:campaign_edit", args=[campaign.pk]),
        reverse("events:series_edit", args=[series.pk]),
        reverse("events:kind_create"),
        reverse("events:campaign_create"),
        reverse("events:series_create"),
    ):
        check_matrix(client, cast, "GET", url, {**CONFIGURE, "district_admin": 200})
    client.force_login(cast.district_admin)
    assert client.get(reverse("events:kind_edit", args=[999999])).status_code == 404
    renamed = client.post(
        reverse("events:series_edit", args=[series.pk]),
        {"code": "huhang", "name": "护航成长计划", "order": 1},
    )
    assert (
        renamed.status_code == 302
        and TrainingSeries.objects.get(pk=series.pk).name == "护航成长计划"
    )
    refused = client.post(
        reverse("events:kind_edit", args=[kind.pk]), {"code": "clean", "name": "清洁", "order": 1}
    )
    assert refused.status_code == 200 and ActivityKind.objects.get(pk=kind.pk).code == "cleaning"


def test_org_page_has_an_activities_section(client, cast, activity, settings):
    # The section counts the current period (FULIAN_DEFAULT_YEAR here), not the clock's year.
    settings.FULIAN_DEFAULT_YEAR = 2023
    with time_machine.travel(at(2026, 3, 1), tick=False):
        client.force_login(cast.town_a_admin)
        response = client.get(reverse("orgs:detail", args=[cast.town_a.pk]))
    body = response.content.decode()
    assert "2023 年活动 1 次" in body and "法律进社区" in body


def test_meeting_with_agenda_minutes_and_attendees(client, cast):
    meeting = services.create_activity(
        actor=cast.district_admin,
        org=cast.district,
        kind="meeting",
        title="八届二次执委（扩大）会议",
        start=at(2023, 2, 16, 9),
        end=at(2023, 2, 16, 12),
        meeting_type="expanded_plenary",
        agenda="一、工作报告\n二、执委述职",
        minutes="会议听取了执委述职。",
    )
    session = services.add_session(
        actor=cast.district_admin,
        activity=meeting,
        title="全体会议",
        start=at(2023, 2, 16, 9),
        end=at(2023, 2, 16, 12),
    )
    for i in range(3):
        services.check_in_person(
            actor=cast.district_admin,
            session=session,
            person=make_person(cast.village_a, f"执委{i}"),
        )
    client.force_login(cast.viewer)
    assert (
        client.get(reverse("events:detail", args=[meeting.pk])).status_code == 404
    )  # district's own
    client.force_login(cast.district_admin)
    body = client.get(reverse("events:detail", args=[meeting.pk])).content.decode()
    assert "执委（扩大）会议" in body and "二、执委述职" in body and "会议听取了执委述职。" in body
    assert "3 人次，3 人" in body


def test_enrolment_import_refuses_a_file_that_is_not_xlsx(client, cast, training):
    client.force_login(cast.town_a_admin)
    fake = io.BytesIO(b"name,phone\n")
    fake.name = "list.xlsx"
    response = client.post(
        reverse("events:enrol_import", args=[training.pk]), {"file": fake}, follow=True
    )
    assert "请上传 .xlsx 格式的文件。" in response.content.decode()
    assert training.enrolments.count() == 0
