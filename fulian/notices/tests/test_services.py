"""Services of notices and reports: who receives a notice, read receipts, reminders,
replies, tasks shown done by the records, and reports pre-filled, corrected, submitted,
reviewed, locked and reopened."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.core.periods import Period
from fulian.notices import services
from fulian.notices.models import (
    Notice,
    Reading,
    Recipient,
    Report,
    ReportStatus,
    Timeliness,
)
from fulian.notices.tests.conftest import at
from fulian.people.models import Person, Position

D = Decimal


def send(cast, targets=None, **kw):
    values = {
        "actor": cast.district_admin,
        "title": "关于开展法进万家活动的通知",
        "body": "请于六月底前开展一次活动。",
        "targets": targets if targets is not None else [cast.town_a, cast.town_b],
    } | kw
    return services.send_notice(**values)


# --- who receives a notice ---------------------------------------------------------------------


def test_audiences_resolve_in_the_senders_subtree(cast):
    def names(audience, **kw):
        orgs = services.resolve_targets(actor=cast.district_admin, audience=audience, **kw)
        return [o.name for o in orgs]

    assert names("children") == ["皂郊镇", "天水镇"]
    assert names("towns") == ["皂郊镇", "天水镇"]
    assert names("villages") == ["下寨子居民委员会", "杨家沟村民委员会", "李尧村民委员会"]
    assert len(names("all")) == 5
    assert names("chosen", chosen=[cast.town_b], codes="620502103005，620502103203") == [
        "下寨子居民委员会",
        "杨家沟村民委员会",
        "天水镇",
    ]
    town = services.resolve_targets(actor=cast.town_a_admin, audience="children")
    assert [o.name for o in town] == ["下寨子居民委员会", "杨家沟村民委员会"]


def test_a_code_outside_the_subtree_reads_like_a_missing_one(cast):
    """Town A may not send to town B's village; the message names only the code typed,
    exactly as for a code that does not exist, so it reveals nothing outside the scope."""
    for code in ("620502108202", "620502999999"):
        with pytest.raises(ValidationError, match=f"没有代码为 {code} 的下级组织"):
            services.resolve_targets(actor=cast.town_a_admin, audience="chosen", codes=code)


def test_sending_outside_the_subtree_is_refused_and_nothing_is_sent(cast):
    with pytest.raises(ValidationError, match="“李尧村民委员会”不在本组织的下级范围内"):
        send(cast, actor=cast.town_a_admin, targets=[cast.village_a, cast.village_b])
    with pytest.raises(ValidationError, match="“皂郊镇”不在本组织的下级范围内"):
        send(cast, actor=cast.town_a_admin, targets=[cast.town_a])
    with pytest.raises(PermissionDenied):
        send(cast, actor=cast.viewer, targets=[cast.village_a])
    assert (Notice.objects.count(), Recipient.objects.count()) == (0, 0)


def test_a_notice_to_roles_goes_to_the_orgs_where_someone_holds_them(cast, may_2023):
    person = Person.objects.create(org=cast.village_a2, name="李秀兰")
    Position.objects.create(
        person=person, org=cast.village_a2, kind="grid_worker", start=datetime.date(2022, 1, 1)
    )
    former = Person.objects.create(org=cast.village_b, name="王芳")
    Position.objects.create(
        person=former,
        org=cast.village_b,
        kind="grid_worker",
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2022, 12, 31),
    )
    villages = [cast.village_a, cast.village_a2, cast.village_b]
    notice = send(cast, targets=villages, roles=["grid_worker"])
    assert [r.org.name for r in notice.recipients.all()] == ["杨家沟村民委员会"]
    assert notice.role_labels() == ["网格员"]
    with pytest.raises(ValidationError, match="没有接收组织"):
        send(cast, targets=villages, roles=["chair"])


def test_a_notice_is_seen_by_its_recipients_and_the_senders_side_only(cast):
    notice = send(cast, targets=[cast.town_a])
    seen = {
        persona: Notice.objects.for_user(getattr(cast, persona)).filter(pk=notice.pk).exists()
        for persona in ("district_admin", "town_a_admin", "viewer", "town_b_admin")
    }
    seen["village_editor"] = Notice.objects.for_user(cast.village_editor).exists()
    assert seen == {
        "district_admin": True,
        "town_a_admin": True,
        "viewer": True,
        "town_b_admin": False,
        "village_editor": False,
    }


def test_resending_with_the_same_key_sends_once(cast):
    key = "0b3c5d7e-0000-4000-8000-00000000000a"
    first = send(cast, idempotency_key=key)
    again = send(cast, idempotency_key=key)
    assert (first.pk, Notice.objects.count(), Recipient.objects.count()) == (again.pk, 1, 2)


def test_deadlines_before_the_sending_day_are_refused(cast, may_2023):
    with pytest.raises(ValidationError, match="回执截止日期不能早于发送日期"):
        send(cast, reply_required=True, reply_deadline=datetime.date(2023, 5, 9))
    with pytest.raises(ValidationError, match="需要回执时请填写回执截止日期"):
        send(cast, reply_required=True)
    with pytest.raises(ValidationError, match="任务完成期限不能早于发送日期"):
        send(cast, task_kind="manual", task_due=datetime.date(2023, 5, 1))
    assert Notice.objects.count() == 0


# --- read receipts, reminders, replies ---------------------------------------------------------


def test_the_receipt_is_the_first_reader_and_each_reader_is_kept(cast, time_machine):
    time_machine.move_to(at("2023-03-01", 9), tick=False)
    notice = send(cast)
    assert services.unread_count(cast.viewer) == 1
    time_machine.move_to(at("2023-03-01", 15), tick=False)
    services.open_notice(actor=cast.viewer, notice=notice)
    time_machine.move_to(at("2023-03-02", 8), tick=False)
    services.open_notice(actor=cast.town_a_admin, notice=notice)
    services.open_notice(actor=cast.viewer, notice=notice)  # again: nothing new
    receipt = Recipient.objects.get(notice=notice, org=cast.town_a)
    assert (receipt.read_by, receipt.read_at) == (cast.viewer, at("2023-03-01", 15))
    assert list(Reading.objects.values_list("user__username", "at")) == [
        ("town-a-viewer", at("2023-03-01", 15)),
        ("town-a-admin", at("2023-03-02", 8)),
    ]
    assert (services.unread_count(cast.viewer), services.unread_count(cast.town_b_admin)) == (0, 1)
    # The sender opening its own notice is no receipt.
    assert services.open_notice(actor=cast.district_admin, notice=notice) is None


def test_remind_reaches_the_unread_only_and_only_the_sender_may(cast):
    notice = send(cast)
    services.open_notice(actor=cast.town_a_admin, notice=notice)
    with pytest.raises(PermissionDenied):
        services.remind(actor=cast.town_a_admin, notice=notice)
    assert services.remind(actor=cast.district_admin, notice=notice) == 1
    assert services.remind(actor=cast.district_admin, notice=notice) == 1
    assert dict(notice.recipients.values_list("org__name", "reminders")) == {
        "皂郊镇": 0,
        "天水镇": 2,
    }
    services.open_notice(actor=cast.town_b_admin, notice=notice)
    with pytest.raises(ValidationError, match="所有接收组织均已阅读，无需提醒"):
        services.remind(actor=cast.district_admin, notice=notice)


def test_a_reply_after_the_deadline_is_accepted_and_marked_late(cast, time_machine):
    time_machine.move_to(at("2023-06-01"), tick=False)
    notice = send(cast, reply_required=True, reply_deadline=datetime.date(2023, 6, 10))
    on_time = services.reply(actor=cast.town_a_admin, notice=notice, text="已落实。")
    time_machine.move_to(at("2023-06-10", 23), tick=False)  # the deadline's last hour
    last_hour = services.reply(actor=cast.town_b_admin, notice=notice, text="已落实。")
    time_machine.move_to(at("2023-06-11", 0), tick=False)
    late = services.reply(actor=cast.town_a_admin, notice=notice, text="补充材料。")
    assert (on_time.late, last_hour.late, late.late) == (False, False, True)
    assert notice.recipients.filter(read_at__isnull=False).count() == 2  # a reply reads it


def test_reply_needs_content_a_required_reply_and_a_recipient(cast):
    plain = send(cast)
    with pytest.raises(ValidationError, match="此通知无需回执"):
        services.reply(actor=cast.town_a_admin, notice=plain, text="收到")
    notice = send(cast, reply_required=True, reply_deadline=datetime.date(2100, 1, 1))
    with pytest.raises(ValidationError, match="请填写回执内容或上传文件"):
        services.reply(actor=cast.town_a_admin, notice=notice, text="  ")
    with pytest.raises(PermissionDenied):
        services.reply(actor=cast.district_admin, notice=notice, text="收到")
    with pytest.raises(PermissionDenied):
        services.reply(actor=cast.viewer, notice=notice, text="收到")
    assert notice.recipients.filter(replies__isnull=False).count() == 0


# --- tasks shown done by the records -----------------------------------------------------------


def test_an_activity_task_is_done_when_the_campaigns_activity_exists(cast, activity, time_machine):
    time_machine.move_to(at("2023-05-01"), tick=False)
    activity(cast.village_a, campaign="law_homes", when=at("2023-04-20"))  # before: not it
    notice = send(
        cast,
        targets=[cast.village_a, cast.village_a2, cast.village_b],
        task_kind="activity",
        task_campaign=_campaign("law_homes"),
        task_due=datetime.date(2023, 6, 30),
    )
    time_machine.move_to(at("2023-05-20"), tick=False)
    activity(cast.village_a, campaign="law_homes", when=at("2023-05-18"))
    activity(cast.village_a, campaign="law_homes", when=at("2023-05-19"))
    activity(cast.village_a2, campaign="love_home", when=at("2023-05-19"))  # another campaign
    activity(cast.village_b, when=at("2023-05-19"))  # no campaign
    recipients = list(notice.recipients.select_related("org"))
    progress = services.task_progress(notice, recipients)
    assert {r.org.name: progress.get(r.pk) for r in recipients} == {
        "下寨子居民委员会": datetime.date(2023, 5, 18),
        "杨家沟村民委员会": None,
        "李尧村民委员会": None,
    }


def test_a_task_to_a_town_is_done_by_a_record_anywhere_under_it(cast, activity, may_2023):
    notice = send(
        cast,
        task_kind="activity",
        task_campaign=_campaign("women_voice"),
        task_due=datetime.date(2023, 6, 30),
    )
    activity(cast.village_a2, campaign="good_voice")  # a campaign under 巾帼好声音
    recipients = list(notice.recipients.select_related("org"))
    done = services.task_done(notice, recipients)
    assert {r.org.name: done[r.pk] for r in recipients} == {"皂郊镇": True, "天水镇": False}


def test_a_visit_task_and_an_assessment_task(cast, may_2023):
    from fulian.duty import services as duty
    from fulian.venues import services as venues
    from fulian.venues.services import ItemResult, ItemSpec

    duty.ensure_defaults()
    villages = [cast.village_a, cast.village_b]
    visits = send(cast, targets=villages, task_kind="visit", task_due=datetime.date(2023, 6, 30))
    visitor = Person.objects.create(org=cast.village_b, name="赵丽")
    duty.record_visit(
        actor=cast.town_b_admin,
        org=cast.village_b,
        visitor=visitor,
        name="张桂英",
        visited_on=datetime.date(2023, 5, 10),
        look="家中整洁",
    )
    assessments = send(
        cast, targets=villages, task_kind="assessment", task_due=datetime.date(2023, 6, 30)
    )
    standard = venues.save_standard(
        actor=cast.district_admin,
        venue_type="womens_home",
        name="妇女之家创建标准",
        threshold=1,
        items=[ItemSpec("有场所")],
    )
    venue = venues.create_venue(
        actor=cast.district_admin,
        org=cast.village_a,
        name="下寨子妇女之家",
        type="womens_home",
        host="party_service_centre",
    )
    venues.assess(
        actor=cast.town_a_admin,
        venue=venue,
        date=datetime.date(2023, 5, 10),
        results={item.pk: ItemResult(passed=True) for item in standard.items.all()},
    )

    def done(notice):
        recipients = list(notice.recipients.select_related("org"))
        flags = services.task_done(notice, recipients)
        return {r.org.name: flags[r.pk] for r in recipients}

    assert done(visits) == {"下寨子居民委员会": False, "李尧村民委员会": True}
    assert done(assessments) == {"下寨子居民委员会": True, "李尧村民委员会": False}


def test_a_task_no_record_shows_is_marked_done_by_the_recipient(cast, activity, may_2023):
    notice = send(cast, task_kind="manual", task_due=datetime.date(2023, 6, 30))
    services.mark_task_done(actor=cast.town_a_admin, notice=notice)
    recipients = list(notice.recipients.select_related("org"))
    progress = services.task_progress(notice, recipients)
    assert {r.org.name: progress.get(r.pk) for r in recipients} == {
        "皂郊镇": datetime.date(2023, 5, 10),
        "天水镇": None,
    }
    recorded = send(
        cast,
        task_kind="activity",
        task_campaign=_campaign("law_homes"),
        task_due=datetime.date(2023, 6, 30),
    )
    with pytest.raises(ValidationError, match="此任务按系统记录自动判断完成，无需标记"):
        services.mark_task_done(actor=cast.town_a_admin, notice=recorded)
    assert recorded.recipients.filter(task_done_at__isnull=False).count() == 0


def _campaign(code):
    from fulian.events import services as events
    from fulian.events.models import Campaign

    events.ensure_defaults()
    return Campaign.objects.get(code=code)


# --- reporting rounds and reports --------------------------------------------------------------

CODES = ["events.activities", "building.units_without_org"]


def make_round(cast, period="2023Q2", due=datetime.date(2023, 7, 10), **kw):
    return services.create_round(
        actor=cast.district_admin,
        title=kw.pop("title", "第二季度工作报表"),
        period_code=period,
        indicators=kw.pop("indicators", CODES),
        due=due,
        **kw,
    )


def figures(report):
    return {f.code: (f.computed, f.corrected, f.reason) for f in report.figures.all()}


@pytest.fixture
def records(cast, activity, time_machine):
    """Activities of 2023 in town A's subtree (one in Q1, two in Q2) and one of town B."""
    time_machine.move_to(at("2023-05-10"), tick=False)
    activity(cast.town_a, when=at("2023-02-01"))
    activity(cast.village_a, when=at("2023-04-20"))
    activity(cast.village_a2, when=at("2023-05-09"))
    activity(cast.town_b, when=at("2023-04-10"))


def test_a_quarter_report_is_pre_filled_for_its_period(cast, records):
    quarter = services.start_report(actor=cast.town_a_admin, round=make_round(cast))
    year = services.start_report(
        actor=cast.town_a_admin, round=make_round(cast, "2023", datetime.date(2024, 1, 15))
    )
    # Activities count by quarter; the units register as it stood at the quarter's end.
    assert figures(quarter) == {
        "building.units_without_org": (D("0.00"), None, ""),
        "events.activities": (D("2.00"), None, ""),
    }
    assert figures(year) == {
        "building.units_without_org": (D("0.00"), None, ""),
        "events.activities": (D("3.00"), None, ""),
    }
    assert [(h.from_status, h.to_status, h.note) for h in quarter.history.all()] == [
        ("", "draft", "开始填报")
    ]
    assert services.start_report(actor=cast.town_a_admin, round=quarter.round) == quarter


def test_figures_are_corrected_only_with_a_reason_and_both_are_kept(cast, records):
    report = services.start_report(actor=cast.town_a_admin, round=make_round(cast))
    with pytest.raises(ValidationError, match="更正“活动次数”须填写理由"):
        services.save_report(
            actor=cast.town_a_admin,
            report=report,
            narrative="",
            corrections={"events.activities": ("3", "")},
        )
    with pytest.raises(ValidationError, match="“活动次数”不能为负数"):
        services.save_report(
            actor=cast.town_a_admin,
            report=report,
            narrative="",
            corrections={"events.activities": ("-1", "x")},
        )
    assert figures(report)["events.activities"] == (D("2.00"), None, "")
    services.save_report(
        actor=cast.town_a_admin,
        report=report,
        narrative="本季度开展活动三次。",
        corrections={
            "events.activities": ("3", "一次村级活动未录入系统，有签到表为证"),
            "building.units_without_org": ("1", "新登记一家非公企业"),
        },
    )
    assert figures(report) == {
        "building.units_without_org": (D("0.00"), D("1.00"), "新登记一家非公企业"),
        "events.activities": (D("2.00"), D("3.00"), "一次村级活动未录入系统，有签到表为证"),
    }
    # Writing the records' figure back is no correction: the reason goes with it.
    services.save_report(
        actor=cast.town_a_admin,
        report=report,
        narrative="本季度开展活动两次。",
        corrections={"events.activities": ("2", "不再需要")},
    )
    assert figures(report)["events.activities"] == (D("2.00"), None, "")
    services.submit_report(actor=cast.town_a_admin, report=report)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_return_correct_resubmit_accept_and_a_new_activity_changes_nothing(cast, records, activity):
    report = services.start_report(
        actor=cast.town_a_admin, round=make_round(cast, indicators=["events.activities"])
    )
    services.submit_report(actor=cast.town_a_admin, report=report)
    with pytest.raises(ValidationError, match="退回时请填写退回意见"):
        services.review_report(actor=cast.district_admin, report=report, accept=False)
    services.review_report(
        actor=cast.district_admin, report=report, accept=False, comment="请核对活动次数。"
    )
    services.save_report(
        actor=cast.town_a_admin,
        report=report,
        narrative="已核对。",
        corrections={"events.activities": ("3", "补录一次纸质登记的活动")},
    )
    services.submit_report(actor=cast.town_a_admin, report=report)
    services.review_report(actor=cast.district_admin, report=report, accept=True)
    locked = figures(report)

    activity(cast.village_a, when=at("2023-05-10", 9))  # a new record, in the period
    with pytest.raises(ValidationError, match="报表已采纳，不能修改；如需更正，请区妇联重新打开"):
        services.refresh_figures(actor=cast.town_a_admin, report=report)
    with pytest.raises(ValidationError, match="报表已采纳，不能修改"):
        services.save_report(actor=cast.town_a_admin, report=report, narrative="改")
    report.refresh_from_db()
    assert (
        figures(report)
        == locked
        == {"events.activities": (D("2.00"), D("3.00"), "补录一次纸质登记的活动")}
    )
    assert (report.status, report.narrative) == (ReportStatus.ACCEPTED, "已核对。")
    assert services.live_figures(report.round, cast.town_a) == {"events.activities": D("3.00")}
    assert [(h.from_status, h.to_status, h.actor.username) for h in report.history.all()] == [
        ("", "draft", "town-a-admin"),
        ("draft", "submitted", "town-a-admin"),
        ("submitted", "returned", "district-admin"),
        ("returned", "submitted", "town-a-admin"),
        ("submitted", "accepted", "district-admin"),
    ]


def test_only_the_org_above_reviews_and_only_the_district_reopens(cast, records):
    rnd = make_round(cast, indicators=["events.activities"], depth=2)
    village = services.start_report(actor=cast.village_editor, round=rnd)
    services.submit_report(actor=cast.village_editor, report=village)
    with pytest.raises(ValidationError, match="不能审核本组织报送的报表，须由上级组织审核"):
        services.review_report(actor=cast.village_editor, report=village, accept=True)
    with pytest.raises(PermissionDenied):  # the district is not the village's reviewer
        services.review_report(actor=cast.district_admin, report=village, accept=True)
    with pytest.raises(PermissionDenied):  # a viewer of the town may not review
        services.review_report(actor=cast.viewer, report=village, accept=True)
    services.review_report(actor=cast.town_a_admin, report=village, accept=True)
    with pytest.raises(PermissionDenied):
        services.reopen_report(actor=cast.town_a_admin, report=village, note="更正")
    with pytest.raises(ValidationError, match="重新打开须填写理由"):
        services.reopen_report(actor=cast.district_admin, report=village, note=" ")
    services.reopen_report(actor=cast.district_admin, report=village, note="统计口径调整")
    village.refresh_from_db()
    assert village.status == ReportStatus.REOPENED and not village.locked
    assert [(h.to_status, h.actor.username, h.note) for h in village.history.all()][-1] == (
        "reopened",
        "district-admin",
        "统计口径调整",
    )


def test_a_stale_review_changes_nothing(cast, records):
    report = services.start_report(
        actor=cast.town_a_admin, round=make_round(cast, indicators=["events.activities"])
    )
    services.submit_report(actor=cast.town_a_admin, report=report)
    stale = Report.objects.get(pk=report.pk)
    services.review_report(actor=cast.district_admin, report=report, accept=True)
    with pytest.raises(ValidationError, match="报表已被他人处理（现为“已采纳”），请刷新后再试"):
        services.review_report(actor=cast.district_admin, report=stale, accept=False, comment="退")
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.history.count()) == (
        ReportStatus.ACCEPTED,
        "",
        3,
    )


def test_a_towns_report_can_be_the_sum_of_its_villages_accepted_reports(cast, records):
    rnd = make_round(cast, indicators=["events.activities"], depth=2)
    village = services.start_report(actor=cast.village_editor, round=rnd)
    services.save_report(
        actor=cast.village_editor,
        report=village,
        narrative="",
        corrections={"events.activities": ("4", "含两次联合开展的活动")},
    )
    services.submit_report(actor=cast.village_editor, report=village)
    services.review_report(actor=cast.town_a_admin, report=village, accept=True)
    town = services.start_report(actor=cast.town_a_admin, round=rnd, from_children=True)
    assert figures(town) == {"events.activities": (D("4.00"), None, "")}
    assert services.children_summed(town) == (1, 2)
    services.refresh_figures(actor=cast.town_a_admin, report=town, from_children=False)
    assert figures(town) == {"events.activities": (D("2.00"), None, "")}
    other = make_round(cast, "2023Q1", indicators=["events.activities"], depth=2)
    with pytest.raises(ValidationError, match="本组织的下级不在此轮报送范围内"):
        services.start_report(actor=cast.village_editor, round=other, from_children=True)
    assert not Report.objects.filter(round=other).exists()


def test_timeliness_is_decided_by_the_first_submission(cast, records, time_machine):
    rnd = make_round(cast, indicators=["events.activities"], due=datetime.date(2023, 5, 31))
    early = services.start_report(actor=cast.town_a_admin, round=rnd)
    services.submit_report(actor=cast.town_a_admin, report=early)
    services.review_report(actor=cast.district_admin, report=early, accept=False, comment="补充")
    time_machine.move_to(at("2023-06-05"), tick=False)
    services.submit_report(actor=cast.town_a_admin, report=early)  # resubmitted after the due
    early.refresh_from_db()
    assert early.timeliness() == Timeliness.ON_TIME
    rows = services.round_rows(rnd, services.participants(rnd))
    assert [(r["org"].name, r["status"], r["timeliness"]) for r in rows] == [
        ("皂郊镇", "submitted", "on_time"),
        ("天水镇", "not_started", "missing"),
    ]
    late = services.start_report(actor=cast.town_b_admin, round=rnd)
    services.submit_report(actor=cast.town_b_admin, report=late)
    assert Report.objects.get(pk=late.pk).timeliness() == Timeliness.LATE


def test_the_round_page_figures_accepted_totals_beside_the_live_ones(cast, records):
    rnd = make_round(cast, indicators=["events.activities"])
    for actor in (cast.town_a_admin, cast.town_b_admin):
        report = services.start_report(actor=actor, round=rnd)
        services.submit_report(actor=actor, report=report)
    town_a = Report.objects.get(org=cast.town_a)
    services.review_report(actor=cast.district_admin, report=town_a, accept=True)
    assert services.accepted_totals(rnd) == {"events.activities": D("2.00")}
    assert services.accepted_totals(rnd, cast.town_a) == {"events.activities": D("0.00")}
    assert services.live_figures(rnd) == {"events.activities": D("3.00")}


def test_round_input_is_checked(cast):
    with pytest.raises(ValidationError, match="报告期须为季度、半年或年度"):
        make_round(cast, "2023-05")
    with pytest.raises(ValidationError, match="期间格式无效"):
        make_round(cast, "2023Q5")
    with pytest.raises(ValidationError, match="指标不存在：nope"):
        make_round(cast, indicators=["nope"])
    with pytest.raises(ValidationError, match="报送层级须为 1 或 2"):
        make_round(cast, depth=3)
    with pytest.raises(PermissionDenied):
        services.create_round(
            actor=cast.town_a_admin,
            title="x",
            period_code="2023",
            indicators=["events.activities"],
            due=datetime.date(2024, 1, 15),
        )
    rnd = make_round(cast, "2023h1")
    assert (rnd.period_code, rnd.period) == ("2023H1", Period.half(2023, 1))
    with pytest.raises(ValidationError, match="本组织不在此轮报送范围内"):
        services.start_report(actor=cast.village_editor, round=rnd)  # depth 1: towns only
