import io

import pytest
from django.db import connection

from fulian.accounts import demo as accounts_demo
from fulian.orgs import demo as orgs_demo
from fulian.orgs.models import Org
from fulian.people import demo, services
from fulian.people.models import Congress, Grid, Person, Position

pytestmark = pytest.mark.django_db


def test_demo_congress_election_and_every_division(db):
    out = io.StringIO()
    orgs_demo.load(out)
    accounts_demo.load(out)
    demo.load(out)
    congress = Congress.objects.get(org__code="620502", number=8)
    assert congress.delegates.count() == 167
    for table in services.composition(congress):
        assert sum(r.count for r in table.rows) == 167, table.dimension
    election = congress.elections.get()
    assert (election.status, election.candidates.count()) == ("confirmed", 44)
    assert Position.objects.filter(election=election, kind="executive").count() == 41
    for org in Org.objects.filter(kind__in=["town", "street", "village", "community"]):
        kinds = set(Position.objects.filter(org=org).values_list("kind", flat=True))
        assert {"chair", "executive"} <= kinds, org.name
        if org.kind in ("village", "community"):
            assert "grid_worker" in kinds, org.name
    assert Grid.objects.count() > 467 * 2
    people = Person.objects.count()
    demo.load(out)
    assert Person.objects.count() == people
    assert "demo already loaded" in out.getvalue()
    if connection.vendor == "sqlite":
        dump = "\n".join(connection.connection.iterdump())
        sample = [p.id_number for p in Person.objects.order_by("pk")[:300]]
        assert not any(n in dump for n in sample)
