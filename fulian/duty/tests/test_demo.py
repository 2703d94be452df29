"""The 2023 duty demo: the report's figures (8 duty reports, 41 executives, 68 projects)
come back through the indicators API, exactly; a second load creates nothing."""

import io

import pytest
from django.apps import apps

from fulian.accounts import demo as accounts_demo
from fulian.accounts.models import User
from fulian.core.indicators import REGISTRY, Groups, evaluate_groups
from fulian.core.periods import Period
from fulian.duty import demo
from fulian.duty.indicators import committees
from fulian.duty.models import Ballot, BallotCode, Claim, DutyComment, DutyReport, Visit
from fulian.duty.services import duty_file, point_totals
from fulian.events import demo as events_demo
from fulian.orgs.models import Org
from fulian.orgs.services import load_divisions, read_division_rows
from fulian.people import demo as people_demo
from fulian.people.models import Person

pytestmark = pytest.mark.django_db


def _counts():
    return {m._meta.label: m.objects.count() for m in apps.get_app_config("duty").get_models()}


def test_demo_gives_the_reports_figures_and_loads_once(client, django_assert_num_queries):
    load_divisions(read_division_rows("qinzhou"))
    for module in (accounts_demo, people_demo, events_demo):
        module.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    assert out.getvalue() == (
        "duty: 20 duty reports, 2 evaluation rounds, 108 projects, 92 claims, 164 visits"
    )
    first = _counts()
    again = io.StringIO()
    demo.load(again)
    assert again.getvalue() == "duty: demo already loaded, nothing created"
    assert _counts() == first

    district = Org.objects.get(code="620502")
    client.force_login(User.objects.get(username="qinzhou-admin"))
    values = {
        i["code"]: i["value"]
        for i in client.get("/api/v1/indicators/?org=620502&year=2023").json()["indicators"]
        if i["code"].startswith("duty.")
    }
    assert values["duty.duty_reports"] == 8
    assert values["duty.claiming_executives"] == 41
    assert values["duty.projects_claimed"] == 68
    assert values["duty.duty_reports_all"] == DutyReport.objects.count() == 20
    assert values["duty.evaluation_rounds"] == 2
    assert values["duty.ballots"] == Ballot.objects.count()
    assert values["duty.visits"] == Visit.objects.count() == 164
    # Every report has its one comment; every used code left one ballot, none links back.
    assert DutyComment.objects.count() == DutyReport.objects.count()
    assert BallotCode.objects.filter(used=True).count() == Ballot.objects.count()
    assert {f.name for f in Ballot._meta.get_fields()} == {"id", "round", "grades"}
    # The average points read the same totals as each executive's duty file.
    members = committees(Groups(district), Period.year(2023))[district.path]
    totals = point_totals(members, 2023)
    assert len(members) == 41
    assert totals == {p.pk: duty_file(p, 2023).total for p in Person.objects.filter(pk__in=members)}
    assert sum(totals.values()) == 1184
    assert values["duty.average_points"] == 28.9
    # 一人一事: nobody holds two live claims.
    live = Claim.objects.filter(slot__isnull=False).values_list("person_id", flat=True)
    assert len(live) == len(set(live))

    # The average points read the same totals as each executive's duty file.
    district = Org.objects.get(code="620502")
    year = Period.year(2023)
    members = committees(Groups(district), year)[district.path]
    totals = point_totals(members, 2023)
    assert len(members) == 41
    assert totals == {p.pk: duty_file(p, 2023).total for p in Person.objects.filter(pk__in=members)}
    assert sum(totals.values()) == 1184

    # Every duty figure for all 23 children at once, in the queries of one org, each child's
    # value the one it has alone; the district's own (本级) row holds its committee's.
    codes = [c for c in REGISTRY if c.startswith("duty.")]
    children = list(Org.objects.get_children(district))
    with django_assert_num_queries(23):
        alone = evaluate_groups(Groups(district), year, codes)
    with django_assert_num_queries(23):
        table = evaluate_groups(Groups(district, children), year, codes)
    for code in codes:
        for child in children:
            assert (
                table[code][child.path]
                == (evaluate_groups(Groups(child), year, [code])[code][child.path])
            ), (code, child.name)
    assert {c: (alone[c][district.path], table[c][district.path]) for c in codes} == {
        "duty.duty_reports": (8, 8),
        "duty.duty_reports_all": (20, 8),
        "duty.evaluation_rounds": (2, 1),
        "duty.ballots": (51, 39),
        "duty.claiming_executives": (41, 41),
        "duty.projects_claimed": (68, 68),
        "duty.projects_claimed_all": (92, 0),
        "duty.projects_completed": (60, 0),
        "duty.projects_verified": (60, 0),
        "duty.visits": (164, 0),
        "duty.households_visited": (164, 0),
        "duty.follow_ups_overdue": (12, 0),
        "duty.average_points": (28.9, 28.9),
    }
    # Points are yearly: a quarter has none; the counts follow the quarter.
    q1 = evaluate_groups(Groups(district), Period.quarter(2023, 1), codes)
    assert q1["duty.average_points"][district.path] is None
    assert (
        q1["duty.duty_reports"][district.path]
        == DutyReport.objects.filter(
            org=district, reported_on__month__lte=3, reported_on__year=2023
        ).count()
    )
