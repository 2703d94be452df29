"""Services: counts (人次 and 人数), check-in rules, enrolment, photos, documents."""

import datetime
import io
import re

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from fulian.core import periods
from fulian.core.uploads import process_photo
from fulian.events import documents, services
from fulian.events.models import Activity, AttendanceStatus
from fulian.events.tests.conftest import at, jpeg_bytes, make_person

pytestmark = pytest.mark.django_db


def _three_sessions(training):
    services.add_session(
        actor=None,
        activity=training.activity,
        title="第二天",
        start=at(2023, 8, 30, 9),
        end=at(2023, 8, 30, 12),
    )
    return list(training.activity.sessions.order_by("start"))


def test_counts_with_repeated_attendees(cast, training):
    sessions = _three_sessions(training)
    people = [make_person(cast.village_a, f"学员{i}", f"1380000{i:04d}") for i in range(4)]
    # person 0 at all three, 1 at two, 2 at one, 3 at none; repeated scans count once.
    plan = {0: [0, 1, 2], 1: [0, 2], 2: [1]}
    for p, attended in plan.items():
        for s in attended:
            for _twice in range(2):
                services.check_in_person(
                    actor=cast.town_a_admin, session=sessions[s], person=people[p]
                )
    counted = list(services.with_counts(training.activity.sessions.order_by("start")))
    assert [(s.attendance_count, s.people_count) for s in counted] == [(2, 2), (2, 2), (2, 2)]
    assert services.activity_counts(training.activity) == services.Counts(attendances=6, people=3)
    # 80% of 3 sessions: 3 needed (2/3 is 66%).
    assert [(p.name, n, total) for p, n, total in services.completers(training)] == [
        ("学员0", 3, 3)
    ]
    training.completion_percent = 60
    training.save()
    assert [p.name for p, _n, _t in services.completers(training)] == ["学员0", "学员1"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sets(st.tuples(st.integers(0, 4), st.integers(0, 2)), max_size=15))
def test_counts_are_exact_for_any_attendance(cast_once, plan):
    _cast, training, sessions, people = cast_once
    with transaction.atomic():
        for p, s in sorted(plan):
            services.check_in_person(actor=None, session=sessions[s], person=people[p])
            services.check_in_person(actor=None, session=sessions[s], person=people[p])  # repeat
        counts = services.activity_counts(training.activity)
        assert counts.attendances == len(plan)
        assert counts.people == len({p for p, _s in plan})
        per_session = {
            s.pk: (s.attendance_count, s.people_count)
            for s in services.with_counts(training.activity.sessions.all())
        }
        for i, s in enumerate(sessions):
            n = len({p for p, t in plan if t == i})
            assert per_session[s.pk] == (n, n)
        transaction.set_rollback(True)


@pytest.fixture
def cast_once(cast, training):
    sessions = _three_sessions(training)
    people = [make_person(cast.village_a, f"学员{i}", f"1370000{i:04d}") for i in range(5)]
    return cast, training, sessions, people


def test_checkin_matching_rules(cast, training, trainee):
    session = training.activity.sessions.first()
    outsider = make_person(cast.village_b, "外镇人", "13800005555")  # not under 皂郊镇
    with time_machine.travel(at(2023, 8, 29, 9, 11), tick=False):
        wrong_name = services.check_in(session=session, name="李秀", phone="13800001111")
        assert wrong_name.pending and wrong_name.attendance.person is None
        assert wrong_name.attendance.late
        again = services.check_in(session=session, name="李秀英", phone="+86 138-0000-1111")
        assert not again.created and again.attendance.pk == wrong_name.attendance.pk
        other = services.check_in(session=session, name="外镇人", phone="13800005555")
        assert other.pending and other.attendance.person is None
    # The organiser confirms the first as the person it is.
    services.confirm_attendance(
        actor=cast.town_a_admin, attendance=wrong_name.attendance, person=trainee
    )
    with pytest.raises(ValidationError):
        services.confirm_attendance(
            actor=cast.town_a_admin, attendance=other.attendance, person=trainee
        )
    with pytest.raises(PermissionDenied):
        services.confirm_attendance(
            actor=cast.town_b_admin, attendance=other.attendance, person=outsider
        )
    second = training.activity.sessions.last()
    manual = services.check_in_person(actor=cast.town_a_admin, session=second, person=trainee)
    assert manual.created and not manual.attendance.late
    with time_machine.travel(at(2023, 8, 29, 14, 5), tick=False):
        scan = services.check_in(session=second, name="李秀英", phone="13800001111")
    assert not scan.created and scan.attendance.pk == manual.attendance.pk
    with pytest.raises(PermissionDenied):
        services.check_in_person(actor=cast.town_a_admin, session=second, person=outsider)


def test_checkin_window(cast, training):
    session = training.activity.sessions.first()
    with pytest.raises(services.CheckinClosed) as closed:
        services.check_in(
            session=session, name="甲", phone="13800001234", now=at(2023, 8, 29, 12, 31)
        )
    assert not closed.value.not_yet
    with pytest.raises(services.CheckinClosed) as early:
        services.check_in(
            session=session, name="甲", phone="13800001234", now=at(2023, 8, 29, 6, 59)
        )
    assert early.value.not_yet
    result = services.check_in(
        session=session, name="甲", phone="13800001234", now=at(2023, 8, 29, 9, 10)
    )
    assert not result.attendance.late


def test_attendance_transitions(cast, training):
    session = training.activity.sessions.first()
    result = services.check_in(
        session=session, name="甲", phone="13800001234", now=at(2023, 8, 29, 9)
    )
    a = result.attendance
    services.reject_attendance(actor=cast.town_a_admin, attendance=a)
    with pytest.raises(ValidationError):
        services.reject_attendance(actor=cast.town_a_admin, attendance=a)
    services.confirm_attendance(
        actor=cast.town_a_admin, attendance=a, new_person_org=cast.village_a2
    )
    a.refresh_from_db()
    assert a.status == AttendanceStatus.CONFIRMED and a.person.org == cast.village_a2
    assert list(a.history.values_list("from_status", "to_status")) == [
        ("", "pending"),
        ("pending", "rejected"),
        ("rejected", "confirmed"),
    ]


def test_create_activity_validates(cast):
    with pytest.raises(ValidationError) as error:
        services.create_activity(
            actor=cast.village_editor,
            org=cast.village_a,
            kind="cleaning",
            title=" ",
            start=datetime.date(2023, 1, 2),
            end=datetime.date(2023, 1, 1),
            head_count=-1,
            audiences=["martians"],
        )
    assert set(error.value.message_dict) == {"title", "end", "head_count", "audiences"}
    with pytest.raises(PermissionDenied):
        services.create_activity(
            actor=cast.village_editor,
            org=cast.town_a,
            kind="cleaning",
            title="x",
            start=datetime.date(2023, 1, 2),
        )
    with pytest.raises(PermissionDenied):
        services.create_activity(
            actor=cast.viewer,
            org=cast.town_a,
            kind="cleaning",
            title="x",
            start=datetime.date(2023, 1, 2),
        )
    with pytest.raises(ValidationError):
        services.create_activity(
            actor=None, org=cast.town_a, kind="nope", title="x", start=datetime.date(2023, 1, 2)
        )


def test_study_tour_destinations(cast):
    from fulian.venues.models import Venue

    site = Venue.objects.create(
        org=cast.village_a,
        name="下寨子妇女之家",
        type="womens_home",
        host="party_service_centre",
        is_model_site=True,
    )
    tour = services.create_activity(
        actor=cast.town_b_admin,
        org=cast.town_b,
        kind="study_tour",
        title="观摩学习",
        start=datetime.date(2023, 9, 5),
        destinations=[site],
        head_count=30,
    )
    assert list(tour.destinations.all()) == [site]


def test_photo_processing():
    with_gps = process_photo(io.BytesIO(jpeg_bytes(with_gps=True)))
    with Image.open(io.BytesIO(with_gps.image)) as image:
        assert image.size == (1600, 1200) and not image.getexif()
    with Image.open(io.BytesIO(with_gps.thumbnail)) as thumb:
        assert thumb.size == (400, 300)
    png = io.BytesIO()
    Image.new("RGBA", (300, 500), (0, 0, 0, 0)).save(png, format="PNG")
    processed = process_photo(io.BytesIO(png.getvalue()))
    assert (processed.width, processed.height) == (300, 500)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ValidationError):
        process_photo(io.BytesIO(gif.getvalue()))
    with pytest.raises(ValidationError):
        process_photo(io.BytesIO(b"\xff\xd8\xff" + b"0" * 100))

    class Huge(io.BytesIO):
        size = 16 * 1024 * 1024

    with pytest.raises(ValidationError):
        process_photo(Huge(b""))


def test_photo_rotation_is_applied_then_dropped():
    image = Image.new("RGB", (400, 200), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    processed = process_photo(io.BytesIO(out.getvalue()))
    assert (processed.width, processed.height) == (200, 400)


def test_attendance_workbook_cells(cast, training, trainee):
    first, second = training.activity.sessions.order_by("start")
    zhao = make_person(cast.village_a2, "赵敏", "13900004444")
    services.check_in_person(actor=None, session=first, person=trainee)
    services.check_in_person(actor=None, session=second, person=trainee, late=True)
    services.check_in_person(actor=None, session=first, person=zhao)
    book = openpyxl.load_workbook(io.BytesIO(documents.attendance_workbook(training.activity)))
    sheet = book["签到表"]
    day = periods.today()
    assert [sheet[f"A{r}"].value for r in range(1, 5)] == [
        "皂郊镇执委培训班签到表",
        f"导出日期：{day:%Y-%m-%d}　共 2 条",
        "举办单位：皂郊镇妇联",
        "举办日期：2023-08-29",
    ]
    assert [c.value for c in sheet[5]] == [
        "序号",
        "姓名",
        "单位",
        "手机号码",
        "08-29 09:00 上午：履职能力",
        "08-29 14:00 下午：家庭教育",
        "出勤场次",
    ]
    assert [c.value for c in sheet[6]] == [
        1,
        "李秀英",
        "下寨子居民委员会",
        "138****1111",
        "✓",
        "迟到",
        2,
    ]
    assert [c.value for c in sheet[7]] == [
        2,
        "赵敏",
        "杨家沟村民委员会",
        "139****4444",
        "✓",
        None,
        1,
    ]
    # Who came to each session, and the attendances (人次) in all.
    assert [c.value for c in sheet[8]] == ["合计", None, None, None, 2, 1, 3]
    assert sheet.max_row == 8
    assert (sheet.freeze_panes, sheet.print_title_rows) == ("A6", "$5:$5")
    summary = book["汇总"]
    assert [[c.value for c in row] for row in summary.iter_rows(min_row=3)] == [
        ["场次", "开始时间", "人次", "人数"],
        # Times are datetime cells in Beijing time, to the minute.
        ["上午：履职能力", datetime.datetime(2023, 8, 29, 9, 0), 2, 2],  # noqa: DTZ001 - a cell
        ["下午：家庭教育", datetime.datetime(2023, 8, 29, 14, 0), 1, 1],  # noqa: DTZ001 - a cell
        # 人数 counts each person once over the class: 2, not 2 + 1.
        ["合计", None, 3, 2],
    ]
    assert summary["B4"].number_format == "yyyy-mm-dd hh:mm"


def _text(document):
    parts = []

    def walk(box):
        if hasattr(box, "text"):
            parts.append(box.text)
        for child in getattr(box, "children", []):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return "".join(parts)


def test_certificates_pdf(cast, training, trainee, cjk_pdf):
    for s in training.activity.sessions.all():
        services.check_in_person(actor=None, session=s, person=trainee)
    half = make_person(cast.village_a, "半程", "13900006666")
    services.check_in_person(actor=None, session=training.activity.sessions.first(), person=half)
    document = documents.certificates_document(training)
    assert len(document.pages) == 1  # only the trainee with 2/2 sessions
    text = _text(document)
    assert (
        "结业证书" in text and "李秀英" in text and "出勤 2/2 场次" in text and "半程" not in text
    )
    # Issued by the federation, numbered, with a place for its seal; no stray markup.
    number = f"2023-{training.pk:04d}-{trainee.pk:06d}"
    assert f"证书编号：{number}" in text and "皂郊镇妇联" in text and "（盖章）" in text
    assert "head>" not in text and "皂郊镇\n" not in text
    pdf = documents.certificates_pdf(training)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    # The Noto CJK font is what the PDF embeds (not a fallback without Chinese glyphs).
    plain = document.write_pdf(uncompressed_pdf=True)
    assert set(re.findall(rb"/FontName\s*/[A-Z]{6}\+([A-Za-z-]+)", plain)) == {
        b"Noto-Serif-CJK-SC",
        b"Noto-Serif-CJK-SC-Bold",
    }


def test_missing_cjk_font_is_reported(client, cast, training, monkeypatch):
    documents.cjk_font_family.cache_clear()
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    try:
        with pytest.raises(documents.MissingCJKFont):
            documents.certificates_pdf(training)
        client.force_login(cast.town_a_admin)
        response = client.get(f"/events/trainings/{training.pk}/certificates.pdf")
        assert response.status_code == 503 and "fonts-noto-cjk" in response.content.decode()
    finally:
        documents.cjk_font_family.cache_clear()


def test_delete_activity_goes_to_the_bin_and_is_purged_after_30_days(cast):
    activity = services.create_activity(
        actor=None,
        org=cast.village_a,
        kind="cleaning",
        title="x",
        start=datetime.date(2023, 1, 2),
        photos=[io.BytesIO(jpeg_bytes(size=(100, 100)))],
    )
    photo = activity.photos.get()
    storage, name = photo.image.storage, photo.image.name
    assert storage.exists(name)
    from django.test import TestCase

    services.delete_activity(actor=cast.village_editor, activity=activity)
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert storage.exists(name)  # still in the bin
    # A village editor cannot restore; the district admin can.
    with pytest.raises(PermissionDenied):
        services.restore_activity(actor=cast.village_editor, activity=activity)
    services.restore_activity(actor=cast.district_admin, activity=activity)
    assert Activity.objects.filter(pk=activity.pk).exists()
    assert activity.photos.count() == 1
    services.delete_activity(actor=cast.village_editor, activity=activity)
    # Nothing is purged before 30 days…
    assert services.purge_recycle_bin() == (0, 0)
    with pytest.raises(ValidationError, match="删除已超过 30 天，无法恢复。"):
        services.restore_activity(actor=cast.district_admin, activity=_aged(activity, days=31))
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert services.purge_recycle_bin() == (1, 1)
    assert not storage.exists(name) and not Activity.all_objects.filter(pk=activity.pk).exists()


def _aged(activity, *, days):
    Activity.all_objects.filter(pk=activity.pk).update(
        deleted_at=periods.now() - datetime.timedelta(days=days)
    )
    return Activity.all_objects.get(pk=activity.pk)


def test_deleted_photo_can_be_restored(cast):
    activity = services.create_activity(
        actor=None,
        org=cast.village_a,
        kind="cleaning",
        title="x",
        start=datetime.date(2023, 1, 2),
        photos=[io.BytesIO(jpeg_bytes(size=(100, 100)))],
    )
    photo = activity.photos.get()
    services.delete_photo(actor=cast.village_editor, photo=photo)
    assert activity.photos.count() == 0
    services.restore_photo(actor=cast.district_admin, photo=photo)
    assert activity.photos.count() == 1
    with pytest.raises(ValidationError, match="该照片没有被删除。"):
        services.restore_photo(actor=cast.district_admin, photo=photo)


def test_a_resubmission_of_a_deleted_activity_does_not_fail(cast):
    key = "0b3f1c58-7a51-4a57-9a1e-6a4f1a0a0d11"
    first = services.create_activity(
        actor=cast.village_editor,
        org=cast.village_a,
        kind="cleaning",
        title="x",
        start=datetime.date(2023, 1, 2),
        idempotency_key=key,
    )
    services.delete_activity(actor=cast.village_editor, activity=first)
    again = services.create_activity(
        actor=cast.village_editor,
        org=cast.village_a,
        kind="cleaning",
        title="x",
        start=datetime.date(2023, 1, 2),
        idempotency_key=key,
    )
    assert again.pk == first.pk
