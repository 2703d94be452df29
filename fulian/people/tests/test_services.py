import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from fulian.core.models import AccessLog
from fulian.people import services
from fulian.people.models import (
    CandidateOutcome,
    CommitteeTerm,
    Congress,
    Delegate,
    ElectionHistory,
    Person,
    Position,
)

from .conftest import id_for

pytestmark = pytest.mark.django_db


def test_person_stores_only_ciphertext_and_index(cast):
    person = services.create_person(
        actor=cast.village_editor,
        org=cast.village_a,
        name="王秀英",
        id_number=id_for(7).lower(),
        phone="138 0000 0007",
        ethnicity="03",
    )
    row = Person.objects.filter(pk=person.pk).values().get()
    assert id_for(7) not in str(row) and "13800000007" not in str(row)
    assert row["id_number_cipher"].startswith("k1:") or ":" in row["id_number_cipher"]
    fresh = Person.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone) == (id_for(7), "13800000007")
    assert fresh.masked_id_number == id_for(7)[:4] + "*" * 10 + id_for(7)[-4:]
    assert fresh.masked_phone == "138****0007"
    assert fresh.birth_date == datetime.date(1960, 8, 1) and fresh.gender == "F"
    # The audit diff has the ciphertext masked and no index or plaintext.
    entry = LogEntry.objects.get_for_object(person).get()
    assert id_for(7) not in str(entry.changes) and "13800000007" not in str(entry.changes)
    assert "id_number_index" not in entry.changes
    assert entry.additional_data["org_path"] == cast.village_a.path


def test_find_by_phone_and_id_within_scope(cast, people):
    assert services.find_person_by_phone("138-0000-0001", cast.town_a) == people["a"]
    assert services.find_person_by_phone("13800000001", cast.town_b) is None
    assert services.find_person_by_id_number(id_for(3)) == people["b"]
    assert services.find_person_by_id_number(id_for(3), cast.town_a) is None


def test_duplicate_in_scope_names_the_person(cast, people):
    with pytest.raises(ValidationError) as error:
        services.create_person(
            actor=cast.town_a_admin, org=cast.village_a2, name="另一人", id_number=id_for(1)
        )
    assert error.value.message_dict == {
        "id_number": ["该身份证号已登记：王秀英（下寨子居民委员会）。"]
    }


def test_duplicate_out_of_scope_leaks_nothing(cast, people):
    with pytest.raises(ValidationError) as error:
        services.create_person(
            actor=cast.town_a_admin, org=cast.village_a2, name="另一人", id_number=id_for(3)
        )
    message = error.value.message_dict["id_number"][0]
    assert message == "该人员已在其他组织登记。如需调入本组织，请联系区妇联办理调转。"
    assert "张红霞" not in message and "天水" not in message
    assert Person.objects.count() == 4


def test_district_transfers_a_person(cast, people):
    services.transfer_person(actor=cast.district_admin, person=people["b"], new_org=cast.village_a2)
    assert Person.objects.get(pk=people["b"].pk).org == cast.village_a2
    with pytest.raises(PermissionDenied):
        services.transfer_person(
            actor=cast.town_a_admin, person=people["a"], new_org=cast.village_b
        )


def test_reveal_needs_permission_and_writes_the_access_log(cast, people):
    value = services.reveal(
        actor=cast.town_a_admin, person=people["a"], field="id_number", reason="核对"
    )
    assert value == id_for(1)
    log = AccessLog.objects.get()
    assert (log.username, log.target_model, log.target_id, log.field, log.reason, log.org_path) == (
        "town-a-admin",
        "people.person",
        str(people["a"].pk),
        "id_number",
        "核对",
        cast.village_a.path,
    )
    for actor in (cast.viewer, cast.village_editor, cast.town_b_admin):
        with pytest.raises(PermissionDenied):
            services.reveal(actor=actor, person=people["a"], field="phone")
    assert AccessLog.objects.count() == 1


def test_update_keeps_masked_values(cast, people):
    person = people["a"]
    index = person.id_number_index
    services.update_person(
        actor=cast.village_editor,
        person=person,
        name="王秀英",
        gender="F",
        ethnicity="01",
        education="bachelor",
        political_status="",
        sector="",
        id_number=person.masked_id_number,
        phone=person.masked_phone,
    )
    person.refresh_from_db()
    assert (
        person.id_number_index == index
        and person.phone == "13800000001"
        and person.education == "bachelor"
    )


def test_positions_and_terms_due(cast, people):
    today = datetime.date(2026, 1, 15)
    services.set_term(actor=cast.town_a_admin, org=cast.village_a, start=datetime.date(2021, 3, 1))
    services.set_term(
        actor=cast.town_a_admin, org=cast.village_a2, start=datetime.date(2021, 9, 1), years=5
    )
    services.set_term(actor=cast.town_b_admin, org=cast.village_b, start=datetime.date(2023, 1, 1))
    due = services.terms_due(cast.district_admin, months=6, today=today)
    assert [(d.org.code, d.overdue) for d in due] == [("620502103005", False)]
    due = services.terms_due(cast.district_admin, months=9, today=today)
    assert [(d.org.code, d.overdue) for d in due] == [
        ("620502103005", False),
        ("620502103203", False),
    ]
    assert services.terms_due(cast.district_admin, months=0, today=datetime.date(2026, 4, 1))[
        0
    ].overdue
    assert services.terms_due(cast.town_b_admin, months=9, today=today) == []
    assert CommitteeTerm.objects.get(org=cast.village_a).end == datetime.date(2026, 3, 1)

    position = services.add_position(
        actor=cast.village_editor,
        person=people["a"],
        org=cast.village_a,
        kind="vice_chair",
        start=datetime.date(2021, 3, 1),
        part_time=True,
    )
    services.end_position(
        actor=cast.village_editor, position=position, end=datetime.date(2022, 1, 1)
    )
    assert not Position.objects.get(pk=position.pk).is_current()
    with pytest.raises(ValidationError):
        services.add_position(
            actor=cast.village_editor,
            person=people["a"],
            org=cast.village_a,
            kind="grid_worker",
            start=None,
        )
    with pytest.raises(PermissionDenied):
        services.add_position(
            actor=cast.village_editor,
            person=people["a"],
            org=cast.village_a2,
            kind="executive",
            start=None,
        )


def test_dual_appointment(cast, people):
    grid2 = services.create_grid(actor=cast.village_editor, org=cast.village_a, name="第二网格")
    services.add_position(
        actor=cast.town_a_admin,
        person=people["a2"],
        org=cast.village_a,
        kind="grid_worker",
        grid=grid2,
        start=datetime.date(2021, 1, 1),
    )
    dual, rows = services.dual_appointment(cast.town_a_admin)
    assert dual == [people["a"]]
    assert [(r.org, r.grids, r.grids_with_executive, r.share) for r in rows] == [
        (cast.village_a, 2, 1, 50.0)
    ]
    with pytest.raises(ValidationError):
        services.create_grid(actor=cast.town_a_admin, org=cast.town_a, name="镇网格")


def _congress(cast, due=10):
    return services.create_congress(
        actor=cast.district_admin,
        org=cast.district,
        number=8,
        name="第八次妇女代表大会",
        start_date=datetime.date(2021, 9, 26),
        delegates_due=due,
    )


def test_composition_adds_up_and_shows_shortfalls(cast, people):
    congress = _congress(cast)
    for key, delegation, frontline in [
        ("a", "皂郊镇代表团", True),
        ("a2", "皂郊镇代表团", True),
        ("b", "天水镇代表团", False),
    ]:
        services.add_delegate(
            actor=cast.district_admin,
            congress=congress,
            person=people[key],
            delegation=delegation,
            frontline=frontline,
        )
    services.set_target(
        actor=cast.district_admin,
        congress=congress,
        dimension="frontline",
        category="yes",
        min_share=80,
    )
    services.set_target(
        actor=cast.district_admin,
        congress=congress,
        dimension="ethnicity",
        category="03",
        min_share=5,
    )
    tables = {t.dimension: t for t in services.composition(congress)}
    for table in tables.values():
        assert sum(r.count for r in table.rows) == 3
    frontline = {r.category: r for r in tables["frontline"].rows}
    assert (frontline["yes"].count, frontline["yes"].percent, frontline["yes"].shortfall) == (
        2,
        66.7,
        13.3,
    )
    hui = {r.category: r for r in tables["ethnicity"].rows}["03"]
    assert (hui.count, hui.percent, hui.shortfall) == (0, 0.0, 5.0)
    ages = {r.category: r.count for r in tables["age"].rows}
    assert sum(ages.values()) == 3
    with pytest.raises(ValidationError):
        services.add_delegate(
            actor=cast.district_admin, congress=congress, person=people["a"], delegation="x"
        )
    with pytest.raises(PermissionDenied):
        services.add_delegate(
            actor=cast.town_a_admin, congress=congress, person=people["a2"], delegation="x"
        )


def _election(cast, people_list, *, seats=2, due=10, margin=5):
    congress = _congress(cast, due)
    election = services.create_election(
        actor=cast.district_admin,
        congress=congress,
        name="第八届执委会选举",
        seats=seats,
        held_on=datetime.date(2021, 9, 27),
        margin_percent=margin,
    )
    candidates = services.add_candidates(
        actor=cast.district_admin, election=election, people=people_list
    )
    return election, candidates


def _tally(cast, election, candidates, votes, issued=9, returned=9):
    services.record_tally(
        actor=cast.district_admin,
        election=election,
        ballots_issued=issued,
        ballots_returned=returned,
        votes=dict(zip([c.pk for c in candidates], votes, strict=True)),
    )
    return services.count_election(actor=cast.district_admin, election=election)


def _outcomes(election):
    return [
        (c.person.name, c.votes, c.rank, c.outcome)
        for c in election.candidates.order_by("rank", "pk")
    ]


def test_election_elects_by_votes_above_half_of_delegates_due(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"], people["b"]])
    _tally(cast, election, candidates, [8, 6, 5])  # threshold: 10 // 2 + 1 = 6
    assert _outcomes(election) == [
        ("王秀英", 8, 1, CandidateOutcome.ELECTED),
        ("李桂兰", 6, 2, CandidateOutcome.ELECTED),
        ("张红霞", 5, 3, CandidateOutcome.NOT_ELECTED),
    ]
    assert election.status == "counted"
    positions = services.confirm_election(actor=cast.district_admin, election=election)
    assert sorted((p.person.name, p.kind, p.org.code, p.start, p.end) for p in positions) == [
        ("李桂兰", "executive", "620502", datetime.date(2021, 9, 27), datetime.date(2026, 9, 26)),
        ("王秀英", "executive", "620502", datetime.date(2021, 9, 27), datetime.date(2026, 9, 26)),
    ]
    assert [h.to_status for h in ElectionHistory.objects.filter(election=election)] == [
        "counted",
        "confirmed",
    ]
    assert CommitteeTerm.objects.get(org=cast.district).end == datetime.date(2026, 9, 27)
    with pytest.raises(ValidationError):
        services.reopen_election(actor=cast.district_admin, election=election)


def test_exactly_half_is_not_enough_and_seats_stay_vacant(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"], people["b"]])
    _tally(cast, election, candidates, [7, 5, 5])
    assert [o[3] for o in _outcomes(election)] == ["elected", "not_elected", "not_elected"]
    assert services.election_summary(election)["vacant"] == 1


def test_tie_across_the_last_seat_is_a_runoff(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"], people["b"]])
    _tally(cast, election, candidates, [9, 7, 7])
    assert _outcomes(election) == [
        ("王秀英", 9, 1, "elected"),
        ("李桂兰", 7, 2, "runoff"),
        ("张红霞", 7, 2, "runoff"),
    ]
    with pytest.raises(ValidationError, match="另行选举"):
        services.confirm_election(actor=cast.district_admin, election=election)
    services.reopen_election(actor=cast.district_admin, election=election, note="另行选举")
    assert election.status == "draft"


def test_more_ballots_returned_than_issued_voids_the_election(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"], people["b"]])
    _tally(cast, election, candidates, [8, 6, 5], issued=8, returned=9)
    assert election.status == "void"
    assert ElectionHistory.objects.get(election=election).note == "收回选票多于发出选票，选举无效。"
    assert not Position.objects.filter(election=election).exists()


def test_contested_election_needs_enough_candidates(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"]], seats=2)
    services.record_tally(
        actor=cast.district_admin,
        election=election,
        ballots_issued=9,
        ballots_returned=9,
        votes={candidates[0].pk: 9, candidates[1].pk: 9},
    )
    with pytest.raises(ValidationError, match="至少3人"):
        services.count_election(actor=cast.district_admin, election=election)
    election.margin_percent = 60
    assert services.required_candidates(election) == 4


def test_tally_checks(cast, people):
    election, candidates = _election(cast, [people["a"], people["a2"], people["b"]])
    with pytest.raises(ValidationError) as error:
        services.record_tally(
            actor=cast.district_admin,
            election=election,
            ballots_issued=11,
            ballots_returned=9,
            votes={candidates[0].pk: 10},
        )
    assert set(error.value.message_dict) == {"ballots_issued", "votes"}
    with pytest.raises(PermissionDenied):
        services.record_tally(
            actor=cast.town_a_admin,
            election=election,
            ballots_issued=9,
            ballots_returned=9,
            votes={},
        )


def test_congress_is_scoped(cast):
    congress = _congress(cast)
    assert list(Congress.objects.for_user(cast.town_a_admin)) == []
    assert list(Congress.objects.for_user(cast.district_admin)) == [congress]
    assert Delegate.objects.for_user(cast.viewer).count() == 0
