"""Mediation cases: opening one (from a request or not), parties with encrypted personal
data, sessions, the outcome, follow-ups, closing, and who may open a case."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fulian.cases import access, services
from fulian.cases.models import Case, CaseHistory, CaseParty, CaseStatus, FollowUp, Risk
from fulian.core.models import AccessLog

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_case_is_opened_in_a_workroom_only(cast, workroom, make_request):
    from fulian.venues.models import Venue, VenueHost, VenueType

    home = Venue.objects.create(
        org=cast.town_a, name="下寨子妇女之家", type=VenueType.WOMENS_HOME,
        host=VenueHost.PARTY_SERVICE_CENTRE,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="案件只能在执委婚调工作室办理"):
        services.open_case(
            actor=cast.town_a_admin,
            venue=home,
            dispute_type="marriage",
            risk="normal",
            summary="夫妻争吵",
        )
    with pytest.raises(PermissionDenied):  # 天水镇 does not see 皂郊镇's workroom
        services.open_case(
            actor=cast.town_b_admin,
            venue=workroom,
            dispute_type="marriage",
            risk="normal",
            summary="夫妻争吵",
        )
    with pytest.raises(PermissionDenied):
        services.open_case(
            actor=cast.viewer, venue=workroom, dispute_type="marriage", risk="normal", summary="x"
        )
    assert Case.objects.count() == 0


def test_opening_from_a_request_numbers_and_records(cast, make_case, make_request):
    req = make_request(category="violence")
    first = make_case(request=req, domestic_violence=True, risk="normal")
    second = make_case()
    assert (first.number, second.number) == ("HT20230001", "HT20230002")
    # Violence is never a normal-risk case.
    assert first.risk == Risk.ELEVATED and first.domestic_violence
    assert first.org == cast.town_a and first.status == CaseStatus.ACCEPTED
    assert [m.name for m in first.mediators.all()] == ["village-editor 测试"]
    assert first.minors_involved  # a child was registered as a party
    assert req.history.last().note == "转入婚调工作室调解：皂郊镇执委婚调工作室"
    with pytest.raises(ValidationError, match="该诉求已转为案件"):
        make_case(request=req)


def test_the_opener_mediates_when_nobody_else_is_named(cast, make_case):
    case = make_case(mediators=[])
    assert [(m.user, m.lead) for m in case.mediators.all()] == [(cast.town_a_admin, True)]
    # A district admin who opens a case becomes its mediator: else they could not open it.
    case = make_case(actor=cast.district_admin, mediators=[cast.village_editor])
    assert [m.user for m in case.mediators.all()] == [cast.district_admin, cast.village_editor]
    assert access.access_to(cast.district_admin, case) == access.Access.OPEN


def test_parties_personal_data_is_encrypted_and_masked(cast, make_case):
    case = make_case()
    party = services.add_party(
        actor=cast.village_editor,
        case=case,
        role="other",
        name="丁某",
        id_number="620502199003150028",
        phone="139 0000 3333",
    )
    stored = CaseParty.objects.get(pk=party.pk)
    assert "620502199003150028" not in stored.id_number_cipher
    assert "13900003333" not in stored.phone_cipher
    assert (stored.id_number, stored.phone) == ("620502199003150028", "13900003333")
    assert (stored.masked_id_number, stored.masked_phone) == ("6205**********0028", "139****3333")
    with pytest.raises(ValidationError, match="身份证号"):
        services.add_party(
            actor=cast.village_editor, case=case, role="other", name="戊某", id_number="123"
        )
    with pytest.raises(PermissionDenied):
        services.add_party(actor=cast.viewer, case=case, role="other", name="己某")


def test_sessions_outcome_follow_ups_and_closing(cast, make_case, settings):
    case = make_case(opened_on=D(2023, 5, 4))
    services.record_session(
        actor=cast.village_editor,
        case=case,
        date=D(2023, 5, 10),
        attendees="甲某某、乙某某、调解员",
        agreed="家务分担，周末轮流照看老人",
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    with pytest.raises(ValidationError, match="调解日期应在受理日期与今天之间"):
        services.record_session(
            actor=cast.village_editor, case=case, date=D(2023, 5, 1), attendees="甲"
        )
    with pytest.raises(ValidationError, match="请先登记转介"):
        services.conclude_case(
            actor=cast.village_editor, case=case, outcome="referred", on=D(2023, 5, 20)
        )
    services.conclude_case(
        actor=cast.village_editor,
        case=case,
        outcome="success",
        on=D(2023, 5, 31),
        agreement_text="双方同意分担家务。",
    )
    assert list(case.follow_ups.values_list("months", "due_on")) == [
        (1, D(2023, 6, 30)),
        (3, D(2023, 8, 31)),
        (6, D(2023, 11, 30)),
    ]
    with pytest.raises(ValidationError, match="案件已出结果"):
        services.record_session(
            actor=cast.village_editor, case=case, date=D(2023, 6, 1), attendees="甲"
        )
    services.close_case(actor=cast.village_editor, case=case, on=D(2023, 6, 2))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == D(2023, 6, 2)
    assert list(CaseHistory.objects.filter(case=case).values_list("from_status", "to_status"))[
        -3:
    ] == [("accepted", "mediating"), ("mediating", "concluded"), ("concluded", "closed")]
    # The follow-up months are configurable.
    settings.FULIAN_CASE_FOLLOW_UPS = (2, 12)
    other = make_case(opened_on=D(2023, 1, 4))
    services.conclude_case(
        actor=cast.town_a_admin, case=other, outcome="partial", on=D(2023, 1, 31)
    )
    assert list(other.follow_ups.values_list("months", "due_on")) == [
        (2, D(2023, 3, 31)),
        (12, D(2024, 1, 31)),
    ]


def test_a_high_risk_case_needs_a_follow_up_before_closing(cast, make_case):
    case = make_case(risk="high", domestic_violence=True)
    services.conclude_case(
        actor=cast.village_editor, case=case, outcome="success", on=D(2023, 6, 1)
    )
    with pytest.raises(ValidationError, match="高风险案件须至少完成一次回访后才能结案"):
        services.close_case(actor=cast.village_editor, case=case, on=D(2023, 6, 2))
    first = case.follow_ups.get(months=1)
    with pytest.raises(ValidationError, match="回访日期应在结果日期与今天之间"):
        services.record_follow_up(
            actor=cast.village_editor, follow_up=first, on=D(2023, 5, 1), finding="和睦"
        )
    services.record_follow_up(
        actor=cast.village_editor, follow_up=first, on=D(2023, 7, 3), finding="未再发生冲突"
    )
    first.refresh_from_db()
    assert (first.done_on, first.on_time) == (D(2023, 7, 3), False)  # due 2023-07-01
    services.close_case(actor=cast.village_editor, case=case, on=D(2023, 7, 4))
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_resuming_replans_only_the_follow_ups_not_done(cast, make_case):
    case = make_case()
    services.conclude_case(
        actor=cast.village_editor, case=case, outcome="success", on=D(2023, 6, 1)
    )
    services.record_follow_up(
        actor=cast.village_editor,
        follow_up=case.follow_ups.get(months=1),
        on=D(2023, 7, 1),
        finding="又有争吵",
    )
    with pytest.raises(ValidationError, match="请说明重新调解的原因"):
        services.resume_case(actor=cast.village_editor, case=case, note="")
    services.resume_case(actor=cast.village_editor, case=case, note="协议未履行")
    services.conclude_case(
        actor=cast.village_editor, case=case, outcome="partial", on=D(2023, 8, 1)
    )
    assert list(case.follow_ups.order_by("months").values_list("months", "due_on", "done_on")) == [
        (1, D(2023, 7, 1), D(2023, 7, 1)),
        (3, D(2023, 11, 1), None),
        (6, D(2024, 2, 1), None),
    ]


# --- who may open a case -----------------------------------------------------------------------


def test_access_levels(cast, make_case):
    case = make_case()
    levels = {
        p: access.access_to(getattr(cast, p), case)
        for p in ("district_admin", "town_a_admin", "town_b_admin", "village_editor", "viewer")
    }
    assert levels == {
        "district_admin": access.Access.WITH_REASON,
        "town_a_admin": access.Access.OPEN,  # the workroom's org admin
        "town_b_admin": access.Access.NONE,
        "village_editor": access.Access.OPEN,  # assigned mediator
        "viewer": access.Access.NONE,  # in scope, not assigned
    }
    assert set(access.visible_cases(cast.viewer)) == set()
    assert set(access.visible_cases(cast.district_admin)) == {case}
    assert set(access.openable_cases(cast.district_admin)) == set()


def test_a_mediator_outside_the_workroom_tree_opens_the_case(cast, make_case):
    # The district names an executive of 天水镇 to mediate in 皂郊镇's workroom.
    case = make_case(actor=cast.district_admin, mediators=[cast.town_b_admin])
    assert access.access_to(cast.town_b_admin, case) == access.Access.OPEN
    assert list(access.visible_cases(cast.town_b_admin)) == [case]
    # 皂郊镇 cannot hand its case to someone outside its own tree.
    with pytest.raises(ValidationError, match="只能指派本组织范围内的执委"):
        make_case(mediators=[cast.town_b_admin])
    with pytest.raises(ValidationError, match="只能指派本组织范围内的执委"):
        services.add_mediator(actor=cast.town_a_admin, case=case, user=cast.town_b_admin)


def test_an_executive_not_assigned_gets_404_and_anonymous_counts(client, cast, make_case):
    case = make_case(mediators=[], risk="high")
    client.force_login(cast.village_editor)
    assert client.get(reverse("cases:case", args=[case.pk])).status_code == 404
    assert client.get(reverse("cases:case_agreement_docx", args=[case.pk])).status_code == 404
    response = client.get(reverse("cases:case_list"))
    assert response.context["rows"] == []
    # 下寨子 is below the workroom's org (皂郊镇): its counts are not the village's to see.
    assert response.context["counts"]["total"] == 0
    client.force_login(cast.viewer)
    response = client.get(reverse("cases:case_list"))
    body = response.content.decode()
    assert response.context["rows"] == [] and response.context["counts"]["total"] == 1
    assert "甲某某" not in body and case.number not in body
    assert dict(response.context["counts"]["by_risk"]) == {"一般": 0, "较高": 0, "高": 1}


def test_a_district_admin_opens_a_case_with_a_reason_and_the_read_is_logged(
    client, cast, make_case
):
    case = make_case()
    client.force_login(cast.district_admin)
    listed = client.get(reverse("cases:case_list"))
    assert [r["case"] for r in listed.context["rows"]] == [case]
    assert listed.context["rows"][0]["parties"] == ""
    assert "甲某某" not in listed.content.decode()
    page = client.get(reverse("cases:case", args=[case.pk]))
    assert page.templates[0].name == "cases/case_reason.html"
    assert "甲某某" not in page.content.decode() and case.summary not in page.content.decode()
    assert AccessLog.objects.count() == 0
    refused = client.post(reverse("cases:case_reason", args=[case.pk]), {"reason": " "})
    assert refused.status_code == 400 and AccessLog.objects.count() == 0
    client.post(reverse("cases:case_reason", args=[case.pk]), {"reason": "年度案件质量抽查"})
    page = client.get(reverse("cases:case", args=[case.pk]))
    body = page.content.decode()
    assert "甲某某" in body and "年度案件质量抽查" in body
    log = AccessLog.objects.get()
    assert (log.user, log.target_model, log.target_id, log.field, log.reason) == (
        cast.district_admin,
        "cases.case",
        str(case.pk),
        "case",
        "年度案件质量抽查",
    )
    assert log.org_path == cast.town_a.path
    # And it is on the access-log page.
    assert "年度案件质量抽查" in client.get(reverse("access_log")).content.decode()
    # A read-only reader: every write is refused and changes nothing.
    response = client.post(
        reverse("cases:case_session", args=[case.pk]),
        {"date": "2023-05-10", "attendees": "区妇联"},
    )
    assert response.status_code == 403 and case.sessions.count() == 0


def test_every_read_by_a_mediator_is_logged(client, cast, make_case):
    case = make_case()
    client.force_login(cast.village_editor)
    client.get(reverse("cases:case", args=[case.pk]))
    client.get(reverse("cases:case", args=[case.pk]))
    assert list(
        AccessLog.objects.order_by("pk").values_list("user__username", "field", "reason")
    ) == [
        ("village-editor", "case", ""),
        ("village-editor", "case", ""),
    ]


def test_case_page_masks_and_reveal_is_logged_but_never_a_minors(client, cast, make_case):
    case = make_case()
    applicant, _respondent, child = case.parties.order_by("pk")
    client.force_login(cast.village_editor)
    body = client.get(reverse("cases:case", args=[case.pk])).content.decode()
    assert "139****2222" in body and "13900002222" not in body
    AccessLog.objects.all().delete()
    url = reverse("cases:party_reveal", args=[applicant.pk])
    response = client.post(url, {"field": "phone", "reason": "约第二次调解"})
    assert response.status_code == 200 and "13900002222" in response.content.decode()
    assert list(AccessLog.objects.order_by("pk").values_list("field", "reason")) == [
        ("party.phone", "约第二次调解"),
        ("case", ""),
    ]
    no_reason = client.post(url, {"field": "phone", "reason": ""})
    assert no_reason.status_code == 400 and "13900002222" not in no_reason.content.decode()
    minor = client.post(
        reverse("cases:party_reveal", args=[child.pk]), {"field": "phone", "reason": "x"}
    )
    assert minor.status_code == 403
    client.force_login(cast.viewer)
    assert client.post(url, {"field": "phone", "reason": "x"}).status_code == 404


def test_lists_show_names_only_to_openers_and_never_a_minors(client, cast, make_case):
    case = make_case()
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("cases:case_list"))
    assert response.context["rows"][0]["parties"] == "甲某某、乙某某"
    body = response.content.decode()
    assert "甲某某、乙某某" in body and "丙小某" not in body
    assert case.parties.filter(name="丙小某", is_minor=True).exists()


def test_case_list_query_count(client, cast, make_case, django_assert_num_queries):
    for _ in range(3):
        make_case()
    client.force_login(cast.town_a_admin)
    client.get(reverse("cases:case_list"))
    with django_assert_num_queries(19):
        client.get(reverse("cases:case_list"))
    for _ in range(4):
        make_case()
    with django_assert_num_queries(19):
        response = client.get(reverse("cases:case_list"))
    assert len(response.context["rows"]) == 7


def test_case_page_shows_the_timeline(client, cast, make_case):
    case = make_case()
    services.record_session(
        actor=cast.village_editor, case=case, date=D(2023, 5, 10), attendees="甲某某、乙某某"
    )
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("cases:case", args=[case.pk]))
    timeline = [h.note for h in response.context["history"]]
    assert timeline == [
        "受理案件",
        "登记当事人（申请人）",
        "登记当事人（被申请人）",
        "登记当事人（未成年子女）",
        "调解会谈 2023-05-10",
    ]


def test_follow_up_due_list(client, cast, make_case):
    import fulian.core.periods as periods

    case = make_case(risk="high")
    services.conclude_case(
        actor=cast.village_editor, case=case, outcome="success", on=D(2023, 6, 1)
    )
    other = make_case(mediators=[])  # not the village editor's
    services.conclude_case(actor=cast.town_a_admin, case=other, outcome="success", on=D(2023, 6, 1))
    client.force_login(cast.village_editor)
    response = client.get(reverse("cases:followups"))
    # Every follow-up of 2023 is overdue by now; the list shows only the editor's case.
    assert [(f.case, f.months) for f in response.context["due"]] == [
        (case, 1),
        (case, 3),
        (case, 6),
    ]
    assert all(f.due_on < periods.today() for f in response.context["due"])
    client.force_login(cast.town_a_admin)
    response = client.get(reverse("cases:followups"))
    assert len(response.context["due"]) == 6
    assert FollowUp.objects.count() == 6
