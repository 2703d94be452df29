"""Services of duty: reports and comments, rounds and ballots, claims, visits, files."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.duty import services
from fulian.duty.models import (
    Ballot,
    BallotCode,
    Claim,
    ClaimStatus,
    DifficultyCategory,
    DutyComment,
    FollowUp,
    Project,
    ProjectStatus,
    RoundStatus,
    Visit,
)
from fulian.duty.tests.conftest import make_person

pytestmark = pytest.mark.django_db


# --- duty reports ---


def test_report_gets_exactly_one_comment(cast, meeting, executives):
    report = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[0], text="一年来认领项目两个。"
    )
    assert report.org == cast.town_a and report.reported_on == datetime.date(2023, 2, 20)
    services.comment_report(
        actor=cast.town_a_admin, report=report, commenter="镇妇联主席", text="履职认真。"
    )
    with pytest.raises(ValidationError, match="一述一评"):
        services.comment_report(
            actor=cast.town_a_admin, report=report, commenter="另一人", text="再评一次"
        )
    assert DutyComment.objects.filter(report=report).count() == 1


def test_report_needs_text_or_file_and_a_meeting(cast, meeting, executives):
    with pytest.raises(ValidationError, match="请填写述职内容"):
        services.add_report(actor=cast.town_a_admin, meeting=meeting, person=executives[0])
    from fulian.events import services as es

    lecture = es.create_activity(
        actor=None, org=cast.town_a, kind="lecture", title="讲座",
        start=datetime.date(2023, 3, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="只能安排在会议上"):
        services.add_report(
            actor=cast.town_a_admin, meeting=lecture, person=executives[0], text="x"
        )


def test_report_is_idempotent_and_scoped(cast, meeting, executives):
    key = "2b4f3c9e-8d21-4c3a-9f5e-1a2b3c4d5e6f"
    first = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[0], text="述职",
        idempotency_key=key,
    )  # fmt: skip
    again = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[0], text="述职",
        idempotency_key=key,
    )  # fmt: skip
    assert first.pk == again.pk
    with pytest.raises(PermissionDenied):
        services.add_report(
            actor=cast.town_b_admin, meeting=meeting, person=executives[3], text="x"
        )


# --- evaluation ---


@pytest.fixture
def open_round(cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="2022年度测评")
    codes = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=6)
    services.open_round(actor=cast.town_a_admin, round=rnd)
    return rnd, codes


def test_round_defaults_to_the_committee(open_round, executives):
    rnd, codes = open_round
    assert [e.person.name for e in rnd.evaluees.order_by("person__name")] == sorted(
        p.name for p in executives[:3]
    )
    assert len(codes) == 6 and len(set(codes)) == 6


def test_ballots_one_per_code_and_results_after_close(cast, open_round):
    rnd, codes = open_round
    evaluees = list(rnd.evaluees.order_by("pk"))
    plan = ["excellent", "excellent", "excellent", "competent", "unfit"]
    for code, grade in zip(codes, plan, strict=False):
        services.cast_ballot(
            code=code.lower(),
            grades={e.pk: grade if i == 0 else "unfit" for i, e in enumerate(evaluees)},
        )
    with pytest.raises(ValidationError, match="该投票码已使用"):
        services.cast_ballot(code=codes[0], grades={e.pk: "competent" for e in evaluees})
    assert services.turnout(rnd).used == 5 and services.turnout(rnd).issued == 6
    with pytest.raises(ValidationError, match="测评结束后才能查看结果"):
        services.results(rnd=rnd)
    services.close_round(actor=cast.town_a_admin, round=rnd)
    with pytest.raises(ValidationError, match="测评已结束"):
        services.cast_ballot(code=codes[5], grades={e.pk: "competent" for e in evaluees})
    results = {r.evaluee.pk: r for r in services.results(rnd=rnd)}
    first = results[evaluees[0].pk]
    assert first.counts == {"excellent": 3, "competent": 1, "unfit": 1}
    assert first.total == 5 and first.share("excellent") == Decimal("60.0")
    assert first.outcome == "excellent" and not first.flagged
    assert results[evaluees[1].pk].outcome == "unfit" and results[evaluees[1].pk].flagged
    assert Ballot.objects.count() == 5


def test_ballot_must_grade_everyone(open_round):
    rnd, codes = open_round
    first = rnd.evaluees.first()
    with pytest.raises(ValidationError, match="请为每一位"):
        services.cast_ballot(code=codes[0], grades={first.pk: "excellent"})
    assert not BallotCode.objects.get(code=codes[0]).used


def test_draft_round_refuses_ballots(cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="测评")
    [code] = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=1)
    with pytest.raises(ValidationError, match="测评尚未开始"):
        services.cast_ballot(code=code, grades={e.pk: "competent" for e in rnd.evaluees.all()})


def test_round_history_and_chair_only(cast, open_round):
    rnd, _codes = open_round
    with pytest.raises(PermissionDenied):
        services.close_round(actor=cast.town_b_admin, round=rnd)
    services.close_round(actor=cast.town_a_admin, round=rnd)
    assert [(h.from_status, h.to_status) for h in rnd.history.all()] == [
        ("", "draft"), ("draft", "open"), ("open", "closed"),
    ]  # fmt: skip
    assert rnd.status == RoundStatus.CLOSED


def test_ballot_cannot_be_changed(open_round):
    rnd, codes = open_round
    ballot = services.cast_ballot(
        code=codes[0], grades={e.pk: "competent" for e in rnd.evaluees.all()}
    )
    with pytest.raises(ValueError, match="cannot be changed"):
        ballot.save()


# --- projects and claims ---


@pytest.fixture
def project(cast):
    p = services.propose_project(
        actor=cast.village_editor, org=cast.village_a, title="留守儿童暑期托管",
        need="暑假期间留守儿童无人照看", beneficiaries="留守儿童", beneficiary_count=30,
    )  # fmt: skip
    services.review_project(actor=cast.town_a_admin, project=p, publish=True)
    return p


def test_only_the_org_above_publishes(cast):
    p = services.propose_project(
        actor=cast.village_editor, org=cast.village_a, title="妇女技能培训",
        need="就业", beneficiaries="妇女",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="上级妇联审核发布"):
        services.review_project(actor=cast.village_editor, project=p, publish=True)
    services.review_project(actor=cast.town_a_admin, project=p, publish=True)
    p.refresh_from_db()
    assert p.status == ProjectStatus.PUBLISHED


def test_claim_taken_project_and_one_person_one_project(cast, project, executives, linked):
    claim = services.claim_project(actor=cast.village_editor, project=project)
    assert claim.person == linked and claim.slot == 1
    project.refresh_from_db()
    assert project.status == ProjectStatus.CLAIMED
    with pytest.raises(ValidationError, match="该项目已被其他执委认领"):
        services.claim_project(actor=cast.town_a_admin, project=project, person=executives[1])
    second = services.propose_project(
        actor=cast.village_editor, org=cast.village_a, title="巾帼家政培训",
        need="就业", beneficiaries="妇女",
    )  # fmt: skip
    services.review_project(actor=cast.town_a_admin, project=second, publish=True)
    with pytest.raises(ValidationError, match="一人一事"):
        services.claim_project(actor=cast.village_editor, project=second)
    services.set_claim_limit(actor=cast.district_admin, org=cast.town_a, limit=2)
    assert services.claim_project(actor=cast.village_editor, project=second).slot == 2


def test_the_constraint_holds_without_the_service(cast, project, executives):
    """The database itself refuses a second live claim of a project and a second slot 1."""
    from django.db import IntegrityError, transaction

    Claim.objects.create(project=project, person=executives[0], slot=1, claimed_on="2023-03-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(project=project, person=executives[1], slot=1, claimed_on="2023-03-01")
    other = Project.objects.create(
        org=cast.village_a, title="x", need="x", beneficiaries="x", status="published"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(project=other, person=executives[0], slot=1, claimed_on="2023-03-01")


def test_complete_verify_and_never_by_the_claimant(cast, project, executives, linked):
    from fulian.duty.models import AccountLink

    claim = services.claim_project(actor=cast.village_editor, project=project)
    services.add_progress(actor=cast.village_editor, claim=claim, text="已联系志愿者 5 名")
    with pytest.raises(ValidationError, match="请上传佐证材料"):
        services.complete_claim(actor=cast.village_editor, claim=claim, text="完成")
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.complete_claim(actor=cast.village_editor, claim=claim, text="托管 30 天", evidence=pdf)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.COMPLETED and claim.slot is None
    # The town chair's account is also 王秀英: she may not verify her own project.
    AccountLink.objects.create(user=cast.town_a_admin, person=linked)
    with pytest.raises(ValidationError, match="不能验收本人认领的项目"):
        services.verify_claim(actor=cast.town_a_admin, claim=claim)
    # The village editor (the claimant's side) is not the org above either.
    AccountLink.objects.filter(user=cast.village_editor).delete()
    with pytest.raises(ValidationError, match="项目由上级妇联验收"):
        services.verify_claim(actor=cast.village_editor, claim=claim)
    services.verify_claim(actor=cast.district_admin, claim=claim, accept=True)
    claim.refresh_from_db()
    project.refresh_from_db()
    assert claim.status == ClaimStatus.VERIFIED and project.status == ProjectStatus.VERIFIED
    assert [h.to_status for h in project.history.all()] == [
        "proposed", "published", "claimed", "completed", "verified",
    ]  # fmt: skip


def test_release_returns_project_to_library(cast, project, executives):
    claim = services.claim_project(actor=cast.town_a_admin, project=project, person=executives[1])
    services.release_claim(actor=cast.town_a_admin, claim=claim, note="工作调动")
    project.refresh_from_db()
    assert project.status == ProjectStatus.PUBLISHED
    again = services.claim_project(actor=cast.town_a_admin, project=project, person=executives[2])
    assert again.status == ClaimStatus.ACTIVE


# --- visits ---


def test_visit_needs_one_action_and_a_person_in_scope(cast, executives):
    base = {
        "actor": cast.village_editor, "org": cast.village_a, "visitor": executives[0],
        "visited_on": datetime.date(2023, 6, 15), "name": "刘桂兰",
    }  # fmt: skip
    with pytest.raises(ValidationError, match="至少填写一项"):
        services.record_visit(**base)
    outsider = make_person(cast.village_b, "马玉兰")
    with pytest.raises(ValidationError, match="被走访人不在您的管辖范围内"):
        services.record_visit(**{**base, "person": outsider}, look="家中整洁")
    assert Visit.objects.count() == 0
    child = make_person(cast.village_a, "陈小雨")
    child.birth_date = datetime.date(2012, 5, 1)
    child.save()
    visit = services.record_visit(
        **{**base, "name": ""}, person=child, ask="学习情况", phone="13912345678",
        categories=DifficultyCategory.objects.filter(code="left_behind"),
        follow_up_on=datetime.date(2023, 7, 15),
    )  # fmt: skip
    assert visit.is_minor and visit.list_name == "陈**" and visit.masked_phone == "139****5678"
    assert visit.follow_up == FollowUp.DUE
    assert list(Visit.objects.overdue(datetime.date(2023, 8, 1))) == [visit]
    services.follow_up_visit(actor=cast.village_editor, visit=visit, note="已落实助学金")
    assert Visit.objects.overdue(datetime.date(2023, 8, 1)).count() == 0


# --- duty file ---


def test_duty_file_lists_her_records_with_rules(cast, meeting, project, executives, linked):
    report = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=linked, text="述职报告"
    )
    services.comment_report(actor=cast.town_a_admin, report=report, commenter="主席", text="好")
    services.claim_project(actor=cast.village_editor, project=project, on=datetime.date(2023, 3, 1))
    services.record_visit(
        actor=cast.village_editor, org=cast.village_a, visitor=linked,
        visited_on=datetime.date(2023, 6, 15), name="刘桂兰", look="房屋漏雨",
    )  # fmt: skip
    services.record_visit(
        actor=cast.village_editor, org=cast.village_a, visitor=executives[1],
        visited_on=datetime.date(2023, 6, 15), name="李淑珍", look="独居",
    )  # fmt: skip
    file = services.duty_file(linked, 2023)
    assert [(line.rule.code, line.count, line.points) for line in file.lines] == [
        ("duty_report", 1, Decimal("5")),
        ("claim", 1, Decimal("2")),
        ("visit", 1, Decimal("1")),
    ]
    assert file.total == Decimal("8")
    assert [v.name for v in file.visits] == ["刘桂兰"]
