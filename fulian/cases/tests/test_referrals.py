"""Referrals (转介) to another org or an outside body: reason, answer, reminders."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from fulian.cases import services
from fulian.cases.models import OutsideBody, Referral, ReferralHistory, ReferralStatus

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def court(db):
    services.ensure_defaults()
    return OutsideBody.objects.get(name="秦州区人民法院")


def test_refer_to_an_outside_body_answer_and_outcome(cast, make_case, court):
    case = make_case()
    referral = services.refer_case(
        actor=cast.village_editor,
        case=case,
        to_body=court,
        reason="男方坚持离婚，调解不成，引导起诉",
        on=D(2023, 5, 20),
    )
    assert (referral.answer_by, referral.status) == (D(2023, 5, 30), ReferralStatus.SENT)
    assert case.history.last().note == "转介至秦州区人民法院"
    services.conclude_case(
        actor=cast.village_editor, case=case, outcome="referred", on=D(2023, 5, 21)
    )
    services.answer_referral(
        actor=cast.village_editor, referral=referral, answer="已立案，诉前调解", on=D(2023, 5, 25)
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ANSWERED and referral.answered_on == D(2023, 5, 25)
    assert list(referral.history.values_list("from_status", "to_status")) == [
        ("", "sent"),
        ("sent", "answered"),
    ]
    with pytest.raises(ValidationError, match="不能从“已回复”变为“已回复”"):
        services.answer_referral(actor=cast.village_editor, referral=referral, answer="再次")


def test_refer_to_an_org_in_the_tree_and_bad_input(cast, make_case, court):
    case = make_case()
    referral = services.refer_case(
        actor=cast.town_a_admin,
        case=case,
        to_org=cast.district,
        reason="涉及跨镇财产，请区妇联协调",
        on=D(2023, 5, 6),
        answer_days=5,
    )
    assert referral.receiver_name == "秦州区" and referral.answer_by == D(2023, 5, 11)
    with pytest.raises(ValidationError, match="请选择转介至一个组织或一个外部机构"):
        services.refer_case(
            actor=cast.town_a_admin, case=case, to_org=cast.district, to_body=court, reason="x"
        )
    with pytest.raises(ValidationError, match="不能转介给本组织"):
        services.refer_case(actor=cast.town_a_admin, case=case, to_org=cast.town_a, reason="x")
    with pytest.raises(ValidationError, match="请填写转介理由"):
        services.refer_case(actor=cast.town_a_admin, case=case, to_body=court, reason=" ")
    services.set_body_active(actor=cast.district_admin, body=court, active=False)
    with pytest.raises(ValidationError, match="该机构已停用"):
        services.refer_case(actor=cast.town_a_admin, case=case, to_body=court, reason="起诉")
    with pytest.raises(PermissionDenied):
        services.refer_case(actor=cast.district_admin, case=case, to_org=cast.district, reason="x")
    assert Referral.objects.count() == 1


def test_withdraw(cast, make_case, court):
    case = make_case()
    referral = services.refer_case(
        actor=cast.village_editor, case=case, to_body=court, reason="起诉"
    )
    with pytest.raises(ValidationError, match="请说明撤回原因"):
        services.withdraw_referral(actor=cast.village_editor, referral=referral, note="")
    services.withdraw_referral(actor=cast.village_editor, referral=referral, note="双方和好")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_a_reminder_when_no_answer_comes(cast, make_case, court):
    case = make_case()
    late = services.refer_case(
        actor=cast.village_editor, case=case, to_body=court, reason="起诉", on=D(2023, 5, 10)
    )
    answered = services.refer_case(
        actor=cast.village_editor, case=case, to_org=cast.district, reason="协调", on=D(2023, 5, 10)
    )
    services.answer_referral(
        actor=cast.village_editor, referral=answered, answer="已协调", on=D(2023, 5, 12)
    )
    services.refer_case(
        actor=cast.village_editor, case=case, to_org=cast.town_b, reason="户籍地", on=D(2023, 6, 1)
    )
    assert services.remind_referrals(today=D(2023, 6, 5)) == 1
    late.refresh_from_db()
    assert late.reminded_on == D(2023, 6, 5)
    assert ReferralHistory.objects.filter(referral=late).last().note == (
        "逾期未回复，已催办（应于 2023-05-20 前回复）"
    )
    # Not again within the answer period; again after it.
    assert services.remind_referrals(today=D(2023, 6, 10)) == 0
    assert services.remind_referrals(today=D(2023, 6, 15)) == 2  # the 6-01 one is late too
    out = io.StringIO()
    call_command("remind_referrals", stdout=out)
    assert out.getvalue() == "cases: 2 referral reminders recorded\n"


def test_referral_pages(client, cast, make_case, court):
    case = make_case()
    client.force_login(cast.village_editor)
    response = client.post(
        reverse("cases:case_refer", args=[case.pk]),
        {"to_body": court.pk, "reason": "起诉离婚", "on": "2023-05-10"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    waiting = client.get(reverse("cases:followups")).context["waiting"]
    assert waiting == [referral]
    bad = client.post(
        reverse("cases:referral_answer", args=[referral.pk]), {"answer": "", "on": "2023-05-12"}
    )
    assert bad.status_code == 400
    client.post(
        reverse("cases:referral_answer", args=[referral.pk]),
        {"answer": "法院已受理", "on": "2023-05-12"},
    )
    referral.refresh_from_db()
    assert referral.answer == "法院已受理"
    client.force_login(cast.viewer)
    response = client.post(
        reverse("cases:referral_answer", args=[referral.pk]), {"answer": "x", "on": "2023-05-13"}
    )
    assert response.status_code == 404


def test_config_adds_and_stops_outside_bodies(client, cast, court):
    client.force_login(cast.district_admin)
    response = client.post(
        reverse("cases:config"), {"form": "body", "name": "秦州区反家暴庇护所", "kind": "other"}
    )
    assert response.status_code == 302
    again = client.post(
        reverse("cases:config"), {"form": "body", "name": "秦州区反家暴庇护所", "kind": "other"}
    )
    assert again.status_code == 400 and "该机构已在列表中" in again.content.decode()
    client.post(reverse("cases:config"), {"form": "toggle", "body": court.pk})
    court.refresh_from_db()
    assert not court.is_active
    assert OutsideBody.objects.filter(is_active=True).count() == 6
