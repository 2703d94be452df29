"""Every page of duty: who gets what (the permission matrix), and what a write did."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from fulian.core.models import AccessLog
from fulian.core.testing import check_matrix
from fulian.duty import services
from fulian.duty.models import Ballot, BallotCode, Claim, DutyComment, PointRule, Project, Visit

pytestmark = pytest.mark.django_db

READ = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 200,
}
ALL = {**READ, "town_b_admin": 200}
# Objects of 皂郊镇 itself: the village editor does not see them.
READ_TOWN = {**READ, "village_editor": 404}
FORM_TOWN = {**READ_TOWN, "viewer": 403}
FORM_ALL = {**ALL, "viewer": 403}
CONFIGURE = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 403,
    "town_b_admin": 403,
    "village_editor": 403,
    "viewer": 403,
}


@pytest.fixture
def world(cast, meeting, executives, linked):
    """A 皂郊镇 meeting with a commented report and a closed round; a 下寨子 project
    claimed and completed by 王秀英 (the village editor's person); a visit to a minor."""
    report = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[0], text="认领项目一个。"
    )
    services.comment_report(
        actor=cast.town_a_admin, report=report, commenter="镇妇联主席", text="履职认真。"
    )
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="2022年度测评")
    codes = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=3)
    services.open_round(actor=cast.town_a_admin, round=rnd)
    ids = list(rnd.evaluees.values_list("pk", flat=True))
    for code, grade in zip(codes[:2], ["excellent", "competent"], strict=True):
        services.cast_ballot(code=code, grades=dict.fromkeys(ids, grade))
    services.close_round(actor=cast.town_a_admin, round=rnd)
    project = services.propose_project(
        actor=cast.village_editor, org=cast.village_a, title="留守儿童暑期托管",
        need="暑假无人照看", beneficiaries="留守儿童",
    )  # fmt: skip
    services.review_project(actor=cast.town_a_admin, project=project, publish=True)
    claim = services.claim_project(
        actor=cast.village_editor, project=project, on=datetime.date(2023, 3, 1)
    )
    visit = services.record_visit(
        actor=cast.village_editor, org=cast.village_a, visitor=linked,
        visited_on=datetime.date(2023, 6, 15), name="刘小花", is_minor=True,
        look="独自在家写作业", follow_up_on=datetime.date(2023, 7, 1),
    )  # fmt: skip
    return {
        "meeting": meeting, "report": report, "round": rnd, "codes": codes,
        "project": project, "claim": claim, "visit": visit, "person": linked,
    }  # fmt: skip


@pytest.mark.parametrize(
    "name,args,expected",
    [
        ("duty:meetings", (), ALL),
        ("duty:rounds", (), ALL),
        ("duty:projects", (), ALL),
        ("duty:visits", (), ALL),
        ("duty:visits_overdue", (), ALL),
        ("duty:ranking", (), ALL),
        ("duty:my_reports", (), ALL),
        ("duty:my_projects", (), ALL),
        ("duty:my_file", (), ALL),
        ("duty:project_create", (), FORM_ALL),
        ("duty:visit_create", (), FORM_ALL),
        ("duty:config", (), CONFIGURE),
        ("duty:meeting", ("meeting",), READ_TOWN),
        ("duty:report_create", ("meeting",), FORM_TOWN),
        ("duty:round_create", ("meeting",), FORM_TOWN),
        ("duty:report_edit", ("report",), FORM_TOWN),
        ("duty:report_comment", ("report",), FORM_TOWN),
        ("duty:round", ("round",), READ_TOWN),
        ("duty:round_turnout", ("round",), READ_TOWN),
        ("duty:round_xlsx", ("round",), READ_TOWN),
        ("duty:round_pdf", ("round",), READ_TOWN),
        ("duty:round_code_sheet", ("round",), FORM_TOWN),
        ("duty:project", ("project",), READ),
        ("duty:claim_progress", ("claim",), {**READ, "viewer": 403}),
        ("duty:claim_complete", ("claim",), {**READ, "viewer": 403}),
        ("duty:claim_release", ("claim",), {**READ, "viewer": 403}),
        ("duty:round_close", ("round",), FORM_TOWN),
        ("duty:visit", ("visit",), READ),
        ("duty:file", ("person",), READ),
        ("duty:file_pdf", ("person",), READ),
        ("duty:vote_entry", (), {**ALL, "anonymous": 200}),
        ("duty:category_create", (), CONFIGURE),
    ],
)
def test_page_matrix(client, cast, world, name, args, expected):
    url = reverse(name, args=[world[a].pk for a in args])
    check_matrix(client, cast, "GET", url, expected)


def test_rule_edit_is_for_district_admins(client, cast):
    rule = PointRule.objects.get(code="visit")
    check_matrix(client, cast, "GET", reverse("duty:rule_edit", args=[rule.pk]), CONFIGURE)


def test_vote_page_needs_no_account_and_takes_one_ballot(client, cast, meeting, executives):
    rnd = services.create_round(actor=cast.town_a_admin, meeting=meeting, title="测评")
    code = services.issue_codes(actor=cast.town_a_admin, round=rnd, count=1)[0]
    url = reverse("duty:vote", args=[code.lower()])
    assert "测评尚未开始" in client.get(url).content.decode()
    services.open_round(actor=cast.town_a_admin, round=rnd)
    page = client.get(url).content.decode()
    evaluees = list(rnd.evaluees.order_by("order"))
    assert all(e.person.name in page for e in evaluees)
    response = client.post(url, {f"e{e.pk}": "excellent" for e in evaluees})
    assert response.status_code == 200
    assert Ballot.objects.filter(round=rnd).count() == 1
    again = client.post(url, {f"e{e.pk}": "unfit" for e in evaluees})
    assert again.status_code == 409
    assert "该投票码已使用" in again.content.decode()
    assert list(Ballot.objects.filter(round=rnd).values_list("grades", flat=True)) == [
        {str(e.pk): "excellent" for e in evaluees}
    ]
    assert client.get(reverse("duty:vote", args=["ZZZZ2222"])).status_code == 404


def test_results_only_after_close_and_the_workbook(client, cast, world):
    rnd = world["round"]
    client.force_login(cast.town_a_admin)
    page = client.get(reverse("duty:round", args=[rnd.pk])).content.decode()
    assert "王秀英" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("duty:round_xlsx", args=[rnd.pk])).content)
    )
    rows = [list(row) for row in book.active.iter_rows(values_only=True)]
    names = [r for r in rows if r and r[1] in {"王秀英", "李春梅", "张丽娟"}]
    assert len(names) == 3
    draft = services.create_round(actor=cast.town_a_admin, meeting=world["meeting"], title="二")
    assert client.get(reverse("duty:round_xlsx", args=[draft.pk])).status_code == 404


def test_comment_form_gives_one_comment(client, cast, meeting, executives):
    report = services.add_report(
        actor=cast.town_a_admin, meeting=meeting, person=executives[1], text="述职。"
    )
    client.force_login(cast.town_a_admin)
    url = reverse("duty:report_comment", args=[report.pk])
    data = {"commenter": "镇妇联主席", "text": "履职认真，作用明显。", "given_on": "2023-02-20"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "text": "改为：希望加强学习。"}).status_code == 302
    assert list(DutyComment.objects.filter(report=report).values_list("text", flat=True)) == [
        "改为：希望加强学习。"
    ]


def test_release_asks_first_then_returns_the_project(client, cast, world):
    claim = world["claim"]
    client.force_login(cast.village_editor)
    url = reverse("duty:claim_release", args=[claim.pk])
    page = client.get(url).content.decode()
    assert "确认放弃认领" in page
    claim.refresh_from_db()
    assert claim.status == "active"
    assert client.post(url, {"note": "工作调动"}).status_code == 302
    claim.refresh_from_db()
    world["project"].refresh_from_db()
    assert (claim.status, world["project"].status) == ("released", "published")


def test_claim_page_refuses_a_second_claimant(client, cast, world, executives):
    project = world["project"]
    client.force_login(cast.town_a_admin)
    response = client.post(
        reverse("duty:project_claim", args=[project.pk]), {"person": executives[1].pk}
    )
    assert response.status_code == 302
    assert list(Claim.objects.filter(project=project).values_list("person__name", flat=True)) == [
        "王秀英"
    ]
    page = client.get(response.url).content.decode()
    assert "该项目已被其他执委认领" in page


def test_lists_mask_a_minors_name(client, cast, world):
    client.force_login(cast.town_a_admin)
    page = client.get(reverse("duty:visits")).content.decode()
    assert "刘**" in page and "刘小花" not in page
    overdue = client.get(reverse("duty:visits_overdue")).content.decode()
    assert "刘**" in overdue and "刘小花" not in overdue


def test_denied_writes_change_nothing(client, cast, world):
    claim = world["claim"]
    state = lambda: list(Claim.objects.values_list("pk", "status"))  # noqa: E731
    check_matrix(
        client, cast, "POST", reverse("duty:claim_release", args=[claim.pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403},
        state=state, personas=["anonymous", "town_b_admin", "viewer"],
    )  # fmt: skip
    visit = world["visit"]
    visits = lambda: list(Visit.objects.values_list("pk", "follow_up"))  # noqa: E731
    check_matrix(
        client, cast, "POST", reverse("duty:visit_follow_up", args=[visit.pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403},
        data={"note": "回访"}, state=visits, personas=["anonymous", "town_b_admin", "viewer"],
    )  # fmt: skip
    project = world["project"]
    projects = lambda: list(Project.objects.values_list("pk", "status"))  # noqa: E731
    check_matrix(
        client, cast, "POST", reverse("duty:project_review", args=[project.pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403},
        data={"publish": "0", "note": "退回"}, state=projects,
        personas=["anonymous", "town_b_admin", "viewer"],
    )  # fmt: skip
    check_matrix(
        client, cast, "POST", reverse("duty:claim_verify", args=[claim.pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403},
        data={"accept": "1"}, state=state, personas=["anonymous", "town_b_admin", "viewer"],
    )  # fmt: skip
    reveals = lambda: AccessLog.objects.count()  # noqa: E731
    check_matrix(
        client, cast, "POST", reverse("duty:visit_phone", args=[visit.pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403},
        state=reveals, personas=["anonymous", "town_b_admin", "viewer"],
    )  # fmt: skip
    codes = lambda: list(BallotCode.objects.values_list("pk", "used"))  # noqa: E731
    check_matrix(
        client, cast, "POST", reverse("duty:round_codes", args=[world["round"].pk]),
        {"anonymous": 302, "town_b_admin": 404, "viewer": 403, "village_editor": 404},
        data={"count": 5}, state=codes,
        personas=["anonymous", "town_b_admin", "viewer", "village_editor"],
    )  # fmt: skip


def test_duty_file_pdf_and_her_own_records(client, cast, world):
    client.force_login(cast.village_editor)
    page = client.get(reverse("duty:my_file") + "?year=2023").content.decode()
    assert "王秀英" in page and "留守儿童暑期托管" in page
    pdf = client.get(reverse("duty:file_pdf", args=[world["person"].pk]) + "?year=2023")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
