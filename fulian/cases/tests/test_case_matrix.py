"""The permission matrix of every case page: the case's mediator (village editor) and the
workroom's org admin (town A) work on it; the district admin reads with a reason and may
not write (403); the other town and the viewer in scope get 404; denied writes change
nothing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fulian.cases import services
from fulian.cases.models import (
    Case,
    CaseMediator,
    CaseParty,
    FollowUp,
    MediationSession,
    OutsideBody,
    Referral,
)
from fulian.core.models import AccessLog
from fulian.core.testing import PERSONAS, check_matrix

pytestmark = pytest.mark.django_db

D = datetime.date
ALL = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
READ = {
    "anonymous": 302,
    "district_admin": 200,  # the reason form, then the case
    "town_a_admin": 200,
    "town_b_admin": 404,
    "village_editor": 200,
    "viewer": 404,
}
WRITE = {
    "anonymous": 302,
    "district_admin": 403,
    "town_a_admin": 302,
    "town_b_admin": 404,
    "village_editor": 302,
    "viewer": 404,
}


def state():
    return (
        list(Case.objects.order_by("pk").values_list("status", "outcome", "agreement_name")),
        CaseParty.objects.count(),
        CaseMediator.objects.count(),
        MediationSession.objects.count(),
        Referral.objects.filter(status="sent").count(),
        FollowUp.objects.filter(done_on__isnull=False).count(),
        AccessLog.objects.exclude(field="case").count(),
    )


def test_list_pages(client, cast, make_case):
    make_case()
    for name in ("cases:case_list", "cases:stats", "cases:followups", "cases:case_export"):
        check_matrix(client, cast, "GET", reverse(name), ALL)
    check_matrix(client, cast, "GET", reverse("cases:case_create"), {**ALL, "viewer": 403})


def test_case_read_pages(client, cast, make_case):
    case = make_case()
    check_matrix(client, cast, "GET", reverse("cases:case", args=[case.pk]), READ)
    check_matrix(
        client,
        cast,
        "GET",
        reverse("cases:case_agreement_docx", args=[case.pk]),
        {**READ, "district_admin": 403},  # no reason given in this session
    )
    check_matrix(
        client,
        cast,
        "GET",
        reverse("cases:case_agreement", args=[case.pk]),
        {**READ, "district_admin": 403, "town_a_admin": 404, "village_editor": 404},  # none yet
    )


def test_a_missing_case_is_404_for_everyone(client, cast):
    check_matrix(
        client,
        cast,
        "GET",
        reverse("cases:case", args=[999]),
        {**dict.fromkeys(ALL, 404), "anonymous": 302},
    )


def test_case_create_matrix(client, cast, workroom):
    check_matrix(
        client,
        cast,
        "POST",
        reverse("cases:case_create"),
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 400,  # the workroom is not among its choices
            "village_editor": 400,
            "viewer": 403,
        },
        data={
            "venue": workroom.pk,
            "dispute_type": "support",
            "risk": "normal",
            "summary": "子女不赡养老人",
            "opened_on": "2023-05-04",
        },
        state=lambda: Case.objects.count(),
    )
    assert Case.objects.count() == 2


def test_reason_matrix(client, cast, make_case):
    case = make_case()
    check_matrix(
        client,
        cast,
        "POST",
        reverse("cases:case_reason", args=[case.pk]),
        {**WRITE, "district_admin": 302},
        data={"reason": "抽查"},
        state=lambda: AccessLog.objects.count(),
    )


class Rewinding(SimpleUploadedFile):
    """The same upload sent once per persona: the test client reads it each time."""

    def read(self, *args):
        self.seek(0)
        return super().read(*args)


def concluded(make_case, cast):
    case = make_case()
    services.conclude_case(actor=cast.town_a_admin, case=case, outcome="success", on=D(2023, 6, 1))
    return case


def one_each(make):
    """A fresh object per persona, made before the matrix so ``state`` sees only what the
    persona's request changed."""
    made = iter([make() for _ in PERSONAS])
    return lambda: next(made)


@pytest.mark.parametrize(
    ("name", "setup", "data"),
    [
        ("cases:case_party", "new", {"role": "other", "name": "丁某"}),
        ("cases:case_mediator", "new", {"name": "李调解员"}),
        ("cases:case_session", "new", {"date": "2023-05-10", "attendees": "甲某某、乙某某"}),
        ("cases:case_conclude", "new", {"outcome": "success", "on": "2023-05-31"}),
        ("cases:case_resume", "concluded", {"note": "协议未履行"}),
        ("cases:case_close", "concluded", {"on": "2023-06-05"}),
        ("cases:case_refer", "new", {"to_body": "COURT", "reason": "起诉", "on": "2023-05-10"}),
        ("cases:case_agreement", "new", {"file": "PDF"}),
    ],
)
def test_case_write_matrix(client, cast, make_case, name, setup, data):
    services.ensure_defaults()
    court = OutsideBody.objects.get(name="秦州区人民法院")
    replace = {"COURT": court.pk, "PDF": Rewinding("协议.pdf", b"%PDF-1.4\n%%EOF\n")}
    payload = {k: replace.get(v, v) for k, v in data.items()}
    case = one_each(make_case if setup == "new" else lambda: concluded(make_case, cast))
    check_matrix(
        client, cast, "POST", lambda: reverse(name, args=[case().pk]), WRITE, data=payload,
        state=state,
    )  # fmt: skip


def test_party_reveal_matrix(client, cast, make_case):
    case = one_each(make_case)

    check_matrix(
        client,
        cast,
        "POST",
        lambda: reverse("cases:party_reveal", args=[case().parties.order_by("pk").first().pk]),
        {**WRITE, "town_a_admin": 200, "village_editor": 200},
        data={"field": "phone", "reason": "回电"},
        state=state,
    )


def test_follow_up_and_referral_answer_matrix(client, cast, make_case):
    services.ensure_defaults()
    court = OutsideBody.objects.get(name="秦州区人民法院")

    case = one_each(lambda: concluded(make_case, cast))

    check_matrix(
        client,
        cast,
        "POST",
        lambda: reverse("cases:followup_done", args=[case().follow_ups.get(months=1).pk]),
        {**WRITE, "district_admin": 404},  # only the cases one works on have follow-ups here
        data={"on": "2023-07-01", "finding": "家庭和睦"},
        state=state,
    )

    sent = one_each(
        lambda: services.refer_case(
            actor=cast.town_a_admin,
            case=make_case(),
            to_body=court,
            reason="起诉",
            on=D(2023, 5, 10),
        )
    )

    check_matrix(
        client,
        cast,
        "POST",
        lambda: reverse("cases:referral_answer", args=[sent().pk]),
        {**WRITE, "district_admin": 404},
        data={"answer": "已受理", "on": "2023-05-12"},
        state=state,
    )


@pytest.mark.parametrize(
    "url",
    [
        "/cases/99999999999999999999999/",
        "/cases/?venue=99999999999999999999999&status=nonsense",
        "/cases/stats/?year=99999",
        "/cases/stats/?year=-3",
        "/cases/new/?request=99999999999999999999999",
        "/cases/requests/?page=99999999999999999999&category=x",
        "/cases/requests/99999999999999999999999/",
    ],
)
def test_bad_input_in_the_url_is_never_a_server_error(client, cast, url):
    client.force_login(cast.district_admin)
    assert client.get(url).status_code in (200, 404)
