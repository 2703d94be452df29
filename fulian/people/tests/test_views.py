import datetime
import re

import pytest
from django.urls import reverse

from fulian.core.models import AccessLog
from fulian.core.testing import check_matrix
from fulian.people import services
from fulian.people.models import Candidate, CompositionTarget, Election, Person, Position

from .conftest import id_for, make_person, roster_bytes, roster_row

pytestmark = pytest.mark.django_db

ALL = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 200,
    "town_b_admin": 200,
    "village_editor": 200,
    "viewer": 200,
}
IN_VILLAGE_A = {**ALL, "town_b_admin": 404}
EDIT_VILLAGE_A = {**IN_VILLAGE_A, "viewer": 403}
MANAGE_VILLAGE_A = {**IN_VILLAGE_A, "village_editor": 403, "viewer": 403}
EDITORS = {**ALL, "viewer": 403}
DISTRICT_ONLY_READ = {
    "anonymous": 302,
    "district_admin": 200,
    "town_a_admin": 404,
    "town_b_admin": 404,
    "village_editor": 404,
    "viewer": 404,
}
DISTRICT_ONLY_MANAGE = {**DISTRICT_ONLY_READ, "village_editor": 403, "viewer": 403}


@pytest.fixture
def congress(cast, people):
    congress = services.create_congress(
        actor=cast.district_admin,
        org=cast.district,
        number=8,
        name="第八次妇女代表大会",
        start_date=datetime.date(2021, 9, 26),
        delegates_due=5,
    )
    for key in ("a", "a2", "b"):
        services.add_delegate(
            actor=cast.district_admin, congress=congress, person=people[key], delegation="代表团"
        )
    return congress


@pytest.fixture
def election(cast, people, congress):
    election = services.create_election(
        actor=cast.district_admin,
        congress=congress,
        name="执委会选举",
        seats=2,
        held_on=datetime.date(2021, 9, 27),
    )
    services.add_candidates(
        actor=cast.district_admin,
        election=election,
        people=[people["a"], people["a2"], people["b"]],
    )
    return election


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("people:list", ALL),
        ("people:terms_due", ALL),
        ("people:grids", ALL),
        ("people:dual", ALL),
        ("people:template", ALL),
        ("people:export", ALL),
        ("people:congresses", ALL),
        ("people:create", EDITORS),
        ("people:import", EDITORS),
        ("people:tags", {**DISTRICT_ONLY_MANAGE, "town_a_admin": 403, "town_b_admin": 403}),
        ("people:congress_create", {**ALL, "village_editor": 403, "viewer": 403}),
    ],
)
def test_pages_without_an_object(client, cast, people, name, expected):
    check_matrix(client, cast, "GET", reverse(name), expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("people:detail", IN_VILLAGE_A),
        ("people:edit", EDIT_VILLAGE_A),
        ("people:position_add", EDIT_VILLAGE_A),
        ("people:transfer", MANAGE_VILLAGE_A),
    ],
)
def test_person_pages(client, cast, people, name, expected):
    check_matrix(client, cast, "GET", reverse(name, args=[people["a"].pk]), expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("people:roster", IN_VILLAGE_A),
        ("people:term_add", EDIT_VILLAGE_A),
        ("people:grid_create", EDIT_VILLAGE_A),
    ],
)
def test_org_pages(client, cast, people, name, expected):
    check_matrix(client, cast, "GET", reverse(name, args=[cast.village_a.pk]), expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("people:congress", DISTRICT_ONLY_READ),
        ("people:delegate_add", DISTRICT_ONLY_MANAGE),
        ("people:election_create", DISTRICT_ONLY_MANAGE),
    ],
)
def test_congress_pages(client, cast, congress, name, expected):
    check_matrix(client, cast, "GET", reverse(name, args=[congress.pk]), expected)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("people:election", DISTRICT_ONLY_READ),
        ("people:election_tally", DISTRICT_ONLY_MANAGE),
        ("people:election_xlsx", DISTRICT_ONLY_READ),
        ("people:election_print", DISTRICT_ONLY_READ),
    ],
)
def test_election_pages(client, cast, election, name, expected):
    check_matrix(client, cast, "GET", reverse(name, args=[election.pk]), expected)


def test_reveal_matrix_and_access_log(client, cast, people):
    url = reverse("people:reveal", args=[people["a"].pk])
    check_matrix(
        client,
        cast,
        "POST",
        url,
        {
            "anonymous": 302,
            "district_admin": 200,
            "town_a_admin": 200,
            "town_b_admin": 404,
            "village_editor": 403,
            "viewer": 403,
        },
        data={"field": "id_number", "reason": "核实身份"},
        state=lambda: AccessLog.objects.count(),
    )
    assert list(AccessLog.objects.order_by("pk").values_list("username", "field", "reason")) == [
        ("district-admin", "id_number", "核实身份"),
        ("town-a-admin", "id_number", "核实身份"),
    ]
    client.force_login(cast.town_a_admin)
    response = client.post(url, {"field": "phone", "reason": "联系"})
    assert "13800000001" in response.content.decode() and response["Cache-Control"] == "no-store"
    assert client.post(url, {"field": "phone"}).status_code == 400


def test_detail_shows_masked_values_only(client, cast, people):
    client.force_login(cast.viewer)
    body = client.get(reverse("people:detail", args=[people["a"].pk])).content.decode()
    assert id_for(1) not in body and "13800000001" not in body
    assert people["a"].masked_id_number in body and "138****0001" in body
    assert "查看完整信息" not in body
    client.force_login(cast.town_a_admin)
    assert (
        "查看完整信息"
        in client.get(reverse("people:detail", args=[people["a"].pk])).content.decode()
    )


def test_create_person_and_duplicates(client, cast, people):
    client.force_login(cast.town_a_admin)
    data = {
        "org": cast.village_a2.pk,
        "name": "孙淑珍",
        "gender": "F",
        "ethnicity": "01",
        "id_number": id_for(50),
        "phone": "",
    }
    response = client.post(reverse("people:create"), data)
    created = Person.objects.get(name="孙淑珍")
    assert response.status_code == 302 and response["Location"] == reverse(
        "people:detail", args=[created.pk]
    )
    response = client.post(reverse("people:create"), {**data, "name": "另一人"})
    body = response.content.decode()
    assert response.status_code == 200 and reverse("people:detail", args=[created.pk]) in body
    response = client.post(
        reverse("people:create"), {**data, "name": "另一人", "id_number": id_for(3)}
    )
    body = response.content.decode()
    assert "该人员已在其他组织登记" in body and "张红霞" not in body and "天水" not in body
    response = client.post(
        reverse("people:create"), {**data, "id_number": id_for(51), "gender": "M"}
    )
    assert "性别与身份证号不一致" in response.content.decode()
    assert Person.objects.filter(name="另一人").count() == 0


def test_edit_and_transfer_and_positions(client, cast, people):
    client.force_login(cast.district_admin)
    person = people["a"]
    data = {
        "name": "王秀英",
        "gender": "F",
        "ethnicity": "03",
        "id_number": person.masked_id_number,
        "phone": person.masked_phone,
        "education": "college",
        "political_status": "",
        "sector": "",
    }
    assert client.post(reverse("people:edit", args=[person.pk]), data).status_code == 302
    person.refresh_from_db()
    assert (person.ethnicity, person.id_number, person.phone) == ("03", id_for(1), "13800000001")
    assert (
        client.post(
            reverse("people:transfer", args=[person.pk]), {"new_org": cast.village_a2.pk}
        ).status_code
        == 302
    )
    assert Person.objects.get(pk=person.pk).org == cast.village_a2
    response = client.post(
        reverse("people:position_add", args=[person.pk]),
        {"org": cast.village_a2.pk, "kind": "chair", "start": "2021-05-01"},
    )
    assert response.status_code == 302
    position = Position.objects.get(person=person, kind="chair")
    url = reverse("people:position_end", args=[position.pk])
    check_matrix(
        client,
        cast,
        "POST",
        url,
        {
            "anonymous": 302,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 404,
            "village_editor": 404,
            "viewer": 403,
        },
        data={"end": "2023-01-01"},
        state=lambda: Position.objects.get(pk=position.pk).end,
    )
    assert Position.objects.get(pk=position.pk).end == datetime.date(2023, 1, 1)


def test_roster_page_and_org_section(client, cast, people):
    client.force_login(cast.viewer)
    body = client.get(reverse("people:roster", args=[cast.town_a.pk])).content.decode()
    assert "赵丽" in body and "主席" in body
    body = client.get(reverse("orgs:detail", args=[cast.town_a.pk])).content.decode()
    assert "班子成员" in body and "赵丽" in body


def test_list_search_and_query_count(client, cast, people, django_assert_num_queries):
    client.force_login(cast.town_a_admin)
    body = client.get(reverse("people:list")).content.decode()
    assert "王秀英" in body and "张红霞" not in body and id_for(1) not in body
    assert "王秀英" in client.get(reverse("people:list") + "?q=wxy").content.decode()
    # A full ID number in the list search finds nobody: exact search is a reveal (by POST).
    by_number = client.get(reverse("people:list") + f"?q={id_for(1)}").content.decode()
    assert "王秀英" not in by_number and 'id="personal-query"' in by_number
    with django_assert_num_queries(10):
        client.get(reverse("people:list"))
    for n in range(20, 40):
        make_person(cast.village_a, n)
    with django_assert_num_queries(10):
        client.get(reverse("people:list"))


def test_grid_list_and_dual_pages(client, cast, people, django_assert_num_queries):
    client.force_login(cast.town_a_admin)
    assert "王秀英" in client.get(reverse("people:grids")).content.decode()
    body = client.get(reverse("people:dual")).content.decode()
    assert "网格 1 个，其中网格员由执委兼任的 1 个，占 100.0%。" in body


def test_terms_due_page(client, cast, people):
    services.set_term(
        actor=cast.district_admin, org=cast.village_a, start=datetime.date(2015, 1, 1)
    )
    client.force_login(cast.viewer)
    body = client.get(reverse("people:terms_due") + "?months=3").content.decode()
    assert "下寨子居民委员会" in body and "已届满" in body
    client.force_login(cast.town_b_admin)
    assert "下寨子居民委员会" not in client.get(reverse("people:terms_due")).content.decode()


def test_import_page_preview_then_confirm(client, cast):
    client.force_login(cast.village_editor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = roster_bytes([roster_row(n, "620502103005") for n in range(3)])
    response = client.post(reverse("people:import"), {"file": SimpleUploadedFile("r.xlsx", data)})
    body = response.content.decode()
    assert "共 3 行，其中新增人员 3 人。" in body and id_for(1000) not in body
    assert id_for(1000)[:4] + "**********" + id_for(1000)[-4:] in body
    assert Person.objects.count() == 0
    response = client.post(reverse("people:import_confirm"))
    assert response.status_code == 302 and Person.objects.count() == 3
    assert client.post(reverse("people:import_confirm")).status_code == 302
    assert Person.objects.count() == 3
    bad = roster_bytes([roster_row(9, "620502108202")])
    body = client.post(
        reverse("people:import"), {"file": SimpleUploadedFile("r.xlsx", bad)}
    ).content.decode()
    assert "第2行「所属组织代码」：未找到该组织，或不在您的管辖范围内。" in body
    body = client.post(
        reverse("people:import"), {"file": SimpleUploadedFile("r.xlsx", b"hello")}
    ).content.decode()
    assert "请上传 .xlsx 格式的文件。" in body


def test_import_confirm_matrix(client, cast):
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:import_confirm"),
        {
            **EDITORS,
            "district_admin": 302,
            "town_a_admin": 302,
            "town_b_admin": 302,
            "village_editor": 302,
            "anonymous": 302,
        },
        state=lambda: Person.objects.count(),
    )


def test_export_is_scoped_and_masked(client, cast, people):
    from fulian.people.roster import read_rows

    client.force_login(cast.town_b_admin)
    rows = read_rows(client.get(reverse("people:export")).content)
    assert rows[0][0] == "天水镇妇联花名册"
    assert [r[0] for r in rows[3:]] == ["张红霞"]
    assert rows[3][3] == people["b"].masked_id_number


def test_tags_page(client, cast):
    client.force_login(cast.district_admin)
    assert client.post(reverse("people:tags"), {"name": "巾帼志愿者"}).status_code == 302
    assert "巾帼志愿者" in client.get(reverse("people:tags")).content.decode()


def test_congress_page_shows_composition_and_chart_data(client, cast, congress):
    client.force_login(cast.district_admin)
    body = client.get(reverse("people:congress", args=[congress.pk])).content.decode()
    assert 'id="composition-data"' in body and body.count('class="text-end total">3<') == 6
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:target_set", args=[congress.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        data={"dimension": "frontline", "category": "yes", "min_share": "50"},
        state=lambda: list(CompositionTarget.objects.values_list("category", "min_share")),
    )
    assert CompositionTarget.objects.get().min_share == 50


def test_congress_create_and_delegate_add(client, cast, people):
    client.force_login(cast.town_a_admin)
    response = client.post(
        reverse("people:congress_create"),
        {
            "number": 3,
            "name": "皂郊镇第三次妇女代表大会",
            "start_date": "2021-06-01",
            "delegates_due": 80,
        },
    )
    congress = cast.town_a.congresses.get()
    assert response["Location"] == reverse("people:congress", args=[congress.pk])
    response = client.post(
        reverse("people:delegate_add", args=[congress.pk]),
        {"person": people["a"].pk, "delegation": "下寨子"},
    )
    assert response.status_code == 302 and congress.delegates.count() == 1
    response = client.post(
        reverse("people:delegate_add", args=[congress.pk]),
        {"person": people["b"].pk, "delegation": "x"},
    )
    assert response.status_code == 200 and congress.delegates.count() == 1


def test_election_flow_through_pages(client, cast, election, people):
    candidates = list(election.candidates.order_by("pk"))

    def state():
        return (
            Election.objects.get(pk=election.pk).status,
            list(Candidate.objects.values_list("votes", "outcome")),
        )

    tally = {
        "ballots_issued": 5,
        "ballots_returned": 5,
        **{f"votes_{c.pk}": v for c, v in zip(candidates, [5, 4, 1], strict=True)},
    }
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:election_tally", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        data=tally,
        state=state,
    )
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:election_count", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        state=state,
    )
    assert state() == ("counted", [(5, "elected"), (4, "elected"), (1, "not_elected")])
    # Reopening clears the tally: a GET only asks, and changes nothing.
    check_matrix(
        client,
        cast,
        "GET",
        reverse("people:election_reopen", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 200},
        state=state,
    )
    client.force_login(cast.district_admin)
    asked = client.get(reverse("people:election_reopen", args=[election.pk])).content.decode()
    assert "已计算的当选结果和名次被清除，需要重新计票" in asked and 'id="confirm-form"' in asked
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:election_reopen", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        state=state,
    )
    client.force_login(cast.district_admin)
    client.post(reverse("people:election_count", args=[election.pk]))
    # Confirming is final: a GET only asks, and changes nothing.
    check_matrix(
        client,
        cast,
        "GET",
        reverse("people:election_confirm", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 200},
        state=state,
    )
    client.force_login(cast.district_admin)
    asked = client.get(reverse("people:election_confirm", args=[election.pk])).content.decode()
    assert "2 名当选者任执委，任期自选举之日起" in asked and "确认后结果不能再退回修改" in asked
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:election_confirm", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        state=state,
    )
    assert Position.objects.filter(election=election, kind="executive").count() == 2
    client.force_login(cast.district_admin)
    body = client.get(reverse("people:election_print", args=[election.pk])).content.decode()
    assert "王秀英" in body and "当选" in body
    from fulian.people.roster import read_rows

    rows = read_rows(client.get(reverse("people:election_xlsx", args=[election.pk])).content)
    assert rows[11:] == [
        ["名次", "姓名", "所属组织", "得票", "结果"],
        [1, "王秀英", "下寨子居民委员会", 5, "当选"],
        [2, "李桂兰", "杨家沟村民委员会", 4, "当选"],
        [3, "张红霞", "李尧村民委员会", 1, "未当选"],
    ]


def test_candidate_add_and_remove(client, cast, election, people):
    extra = people["town"]
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:candidate_add", args=[election.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        data={"person": extra.pk},
        state=lambda: election.candidates.count(),
    )
    candidate = election.candidates.get(person=extra)
    check_matrix(
        client,
        cast,
        "POST",
        reverse("people:candidate_remove", args=[candidate.pk]),
        {**DISTRICT_ONLY_MANAGE, "district_admin": 302},
        state=lambda: election.candidates.count(),
    )
    assert election.candidates.count() == 3


def test_long_lists_open_by_town_for_the_district(client, cast, people):
    """The district sees a row per town with counts, not every village; a town opens its
    own rows (paginated); a town out of scope is a 404; a town's user sees rows at once."""
    for org in (cast.village_a, cast.village_a2, cast.village_b, cast.district):
        services.set_term(actor=cast.district_admin, org=org, start=datetime.date(2015, 1, 1))
    client.force_login(cast.district_admin)
    body = client.get(reverse("people:terms_due")).content.decode()
    assert 'id="terms-towns"' in body and 'id="terms-due"' not in body
    rows = re.findall(
        r'<tr data-town="(\d+)"><td><a [^>]+>([^<]+)</a></td>'
        r'<td class="text-end">(\d+)</td><td class="text-end">(\d+)</td>',
        body,
    )
    assert rows == [
        (str(cast.district.pk), "秦州区", "1", "1"),
        (str(cast.town_a.pk), "皂郊镇", "2", "2"),
        (str(cast.town_b.pk), "天水镇", "1", "1"),
    ]
    assert "需要换届的组织共 4 个。" in body
    town = client.get(reverse("people:terms_due") + f"?town={cast.town_a.pk}").content.decode()
    assert town.count('<tr><td><a href="/people/org/') == 2 and "杨家沟村民委员会" in town
    client.force_login(cast.town_b_admin)
    assert client.get(reverse("people:terms_due") + f"?town={cast.town_a.pk}").status_code == 404
    assert client.get(reverse("people:terms_due") + "?town=x").status_code == 404
    client.force_login(cast.town_a_admin)
    body = client.get(reverse("people:terms_due")).content.decode()
    assert 'id="terms-towns"' not in body and body.count('<tr><td><a href="/people/org/') == 2
    # The dual-appointment page opens the same way, once grids are in two towns.
    client.force_login(cast.district_admin)
    assert 'id="dual-villages"' in client.get(reverse("people:dual")).content.decode()
    services.create_grid(actor=cast.district_admin, org=cast.village_b, name="一组")
    body = client.get(reverse("people:dual")).content.decode()
    assert 'id="dual-towns"' in body and 'id="dual-villages"' not in body
    body = client.get(reverse("people:dual") + f"?town={cast.town_a.pk}").content.decode()
    assert 'id="dual-villages"' in body and "王秀英" in body
