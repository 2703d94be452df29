"""The cases indicators, registered once in core.indicators, over a small known set."""

import datetime

import pytest
from django.urls import reverse

from fulian.cases import services
from fulian.cases.indicators import requests_by_category
from fulian.core.indicators import REGISTRY, evaluate

pytestmark = pytest.mark.django_db

D = datetime.date
CODES = [
    "cases.cases_opened",
    "cases.follow_ups_on_time",
    "cases.high_risk_open",
    "cases.referrals",
    "cases.requests_answered",
    "cases.requests_on_time",
    "cases.requests_received",
    "cases.success_rate",
]


@pytest.fixture
def year_2023(cast, make_request, make_case):
    services.ensure_defaults()
    on_time = make_request(received_on=D(2023, 3, 1))  # due 03-08
    late = make_request(received_on=D(2023, 3, 1), category="legal")  # due 03-06
    make_request(received_on=D(2023, 4, 1), category="legal")  # unanswered
    make_request(received_on=D(2022, 12, 30))  # another year
    for req, on in ((on_time, D(2023, 3, 7)), (late, D(2023, 3, 9))):
        services.start_request(actor=cast.village_editor, request=req)
        services.answer_request(actor=cast.village_editor, request=req, text="已答复", on=on)
    ok = make_case(opened_on=D(2023, 5, 4))
    services.conclude_case(actor=cast.village_editor, case=ok, outcome="success", on=D(2023, 5, 31))
    services.record_follow_up(
        actor=cast.village_editor, follow_up=ok.follow_ups.get(months=1), on=D(2023, 6, 30),
        finding="和睦",
    )  # fmt: skip
    services.record_follow_up(
        actor=cast.village_editor,
        follow_up=ok.follow_ups.get(months=3),
        on=D(2023, 9, 5),
        finding="和睦",
    )  # fmt: skip (late: due 08-31)
    failed = make_case(opened_on=D(2023, 7, 1), risk="high")
    services.refer_case(
        actor=cast.village_editor, case=failed, to_org=cast.district, reason="协调",
        on=D(2023, 7, 2),
    )  # fmt: skip
    services.conclude_case(
        actor=cast.village_editor, case=failed, outcome="failed", on=D(2023, 7, 20)
    )
    make_case(opened_on=D(2023, 8, 1), risk="high")  # open at year end
    return cast


def test_the_indicators_are_registered_with_their_values(year_2023):
    cast = year_2023
    assert [c for c in sorted(REGISTRY) if c.startswith("cases.")] == CODES
    values = {i.code: v for i, v in evaluate(cast.district, 2023, CODES)}
    assert values == {
        "cases.requests_received": 3,
        "cases.requests_answered": 2,
        "cases.requests_on_time": 1,
        "cases.cases_opened": 3,
        "cases.success_rate": 50.0,  # 1 of the 2 concluded
        "cases.referrals": 1,
        # due in 2023: ok's 1, 3, 6 months (06-30, 08-31, 11-30), failed's 1 and 3 (08-20,
        # 10-20); done on time: the first only.
        "cases.follow_ups_on_time": 20.0,
        "cases.high_risk_open": 2,
    }
    # 天水镇 has none of it.
    assert {i.code: v for i, v in evaluate(cast.town_b, 2023, CODES)} == dict.fromkeys(CODES, 0) | {
        "cases.success_rate": 0.0,
        "cases.follow_ups_on_time": 0.0,
    }


def test_requests_by_category(year_2023):
    rows = {r["category"]: r for r in requests_by_category(year_2023.district, 2023)}
    assert {
        k: (r["received"], r["answered"], r["on_time"]) for k, r in rows.items() if r["received"]
    } == {
        "marriage": (1, 1, 1),
        "legal": (2, 1, 0),
    }
    assert len(rows) == 9


def test_indicators_api_and_stats_page(client, year_2023):
    cast = year_2023
    client.force_login(cast.viewer)
    body = client.get("/api/v1/indicators/", {"org": cast.town_a.code, "year": 2023}).json()
    figures = {row["code"]: row["value"] for row in body["indicators"] if row["code"] in CODES}
    assert figures["cases.cases_opened"] == 3 and figures["cases.high_risk_open"] == 2
    page = client.get(reverse("cases:stats"), {"year": 2023})
    assert page.context["counts"]["total"] == 3
    assert dict(page.context["counts"]["by_outcome"]) == {
        "调解成功": 1,
        "部分成功": 0,
        "未成功": 1,
        "转介": 0,
    }
    assert [(o, n, h) for o, n, h in page.context["by_org"]] == [(cast.town_a, 3, 2)]
    assert "甲某某" not in page.content.decode()
