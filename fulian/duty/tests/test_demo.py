"""The 2023 duty demo: the report's figures (8 duty reports, 41 executives, 68 projects)
come back through the indicators API, exactly; a second load creates nothing."""

import io

import pytest
from django.apps import apps

from fulian.accounts import demo as accounts_demo
from fulian.accounts.models import User
from fulian.duty import demo
from fulian.duty.indicators import committee
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


def test_demo_gives_the_reports_figures_and_loads_once(client):
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
    members = set(committee(district, 2023).values_list("person_id", flat=True))
    totals = point_totals(members, 2023)
    assert len(members) == 41
    assert totals == {p.pk: duty_file(p, 2023).total for p in Person.objects.filter(pk__in=members)}
    assert sum(totals.values()) == 1184
    assert values["duty.average_points"] == 28.9
    # 一人一事: nobody holds two live claims.
    live = Claim.objects.filter(slot__isnull=False).values_list("person_id", flat=True)
    assert len(live) == len(set(live))
