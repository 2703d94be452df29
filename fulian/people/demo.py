"""Demo data of 全: people, positions, committee terms and grids for every town, street,
village and community of the real 秦州区 tree; the 8th congress of 秦州区 with 167
delegates and its election of the 8th executive committee with 41 executives.

Deterministic (a fixed seed) and idempotent (nothing is created when the congress is
already there). Names are generated from common surnames and given-name characters, never
taken from real people; ID numbers are well-formed but made up (region 620502, check digit
right). People are created in bulk, so this takes seconds.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog

from fulian.accounts.models import User
from fulian.core.text import search_key
from fulian.orgs.models import Org, OrgKind
from fulian.people import services
from fulian.people.models import (
    CommitteeTerm,
    Congress,
    Delegate,
    Grid,
    Person,
    Position,
    PositionKind,
    TalentTag,
    add_years,
    birth_month,
)
from fulian.people.validators import make_id_number

SEED = 20230829
DELEGATES = 167
EXECUTIVES = 41
CANDIDATES = 44  # 5% margin over 41 seats, rounded up: 3 more candidates
CONGRESS_DATE = datetime.date(2021, 9, 26)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶贺顾毛郝龚邵"
)
GIVEN = (
    "秀英兰芳红霞丽玲娟燕萍梅琴华艳敏静婷雪慧淑珍莉佳颖洁倩荣翠凤桂春"
    "月云晓亚玉彩娜宁娥雯琳蓉瑞欣怡悦"
)
ETHNICITY_WEIGHTS = [("01", 900), ("03", 70), ("04", 10), ("11", 10), ("02", 5), ("15", 5)]
EDUCATION_WEIGHTS = [
    ("postgraduate", 4),
    ("bachelor", 30),
    ("college", 30),
    ("secondary", 24),
    ("junior", 12),
]
POLITICAL_WEIGHTS = [
    ("cpc", 55),
    ("cpc_probationary", 3),
    ("league", 6),
    ("democratic", 2),
    ("masses", 34),
]
VILLAGE_SECTORS = [
    ("farmer", 70),
    ("worker", 6),
    ("professional", 8),
    ("new_sector", 6),
    ("other", 10),
]
TOWN_SECTORS = [("other", 60), ("professional", 25), ("new_sector", 10), ("worker", 5)]
SYSTEM_DELEGATIONS = [
    ("区直机关代表团", 18, [("other", 70), ("professional", 30)]),
    ("教育卫健代表团", 16, [("professional", 100)]),
    ("非公经济和社会组织代表团", 18, [("new_sector", 70), ("worker", 30)]),
]


class _Maker:
    """Generates people deterministically and collects them for one bulk insert."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_ids: set[str] = set()
        self.used_phones: set[str] = set()
        self.people: list[Person] = []
        self.tags = TalentTag.ensure_defaults()

    def pick(self, weights: list[tuple[str, int]]) -> str:
        values, w = zip(*weights, strict=True)
        return self.rng.choices(values, weights=w)[0]

    def name(self) -> str:
        given = self.rng.choice(GIVEN) + (
            self.rng.choice(GIVEN) if self.rng.random() < 0.75 else ""
        )
        return self.rng.choice(SURNAMES) + given

    def person(self, org: Org, sectors: list[tuple[str, int]], *, young: bool = False) -> Person:
        rng = self.rng
        while True:
            birth = datetime.date(
                rng.randint(1988 if young else 1966, 2000), rng.randint(1, 12), rng.randint(1, 28)
            )
            number = make_id_number("620502", birth, rng.randrange(0, 1000, 2))
            if number not in self.used_ids:
                break
        self.used_ids.add(number)
        while True:
            phone = (
                rng.choice(["138", "139", "151", "177", "187", "189"])
                + f"{rng.randrange(10**8):08d}"
            )
            if phone not in self.used_phones:
                break
        self.used_phones.add(phone)
        name = self.name()
        person = Person(
            org=org,
            name=name,
            gender="F",
            ethnicity=self.pick(ETHNICITY_WEIGHTS),
            birth_date=birth_month(birth),
            education=self.pick(EDUCATION_WEIGHTS),
            political_status=self.pick(POLITICAL_WEIGHTS),
            sector=self.pick(sectors),
            search_text=search_key(name),
        )
        person.id_number = number
        person.phone = phone
        self.people.append(person)
        return person


def load(stdout: Any) -> None:
    district = Org.objects.filter(code="620502").first()
    if district is None:
        stdout.write("people: no 秦州区 tree, skipped")
        return
    if Congress.objects.filter(org=district, number=8).exists():
        stdout.write("people: demo already loaded, nothing created")
        return
    actor = User.objects.filter(username="qinzhou-admin").first()
    if actor is None:
        stdout.write("people: no qinzhou-admin account, skipped")
        return
    rng = random.Random(SEED)
    maker = _Maker(rng)
    towns = list(
        Org.objects.filter(kind__in=[OrgKind.TOWN, OrgKind.STREET])
        .in_subtree(district)
        .order_by("path")
    )
    villages = list(
        Org.objects.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
        .in_subtree(district)
        .order_by("path")
    )
    plan: list[
        tuple[Person, Org, str, bool, datetime.date, Any]
    ] = []  # person, org, kind, part_time, start, grid key
    town_chairs: dict[int, list[Person]] = {}
    for town in towns:
        start = datetime.date(2021, rng.randint(3, 6), rng.randint(1, 28))
        chair = maker.person(town, TOWN_SECTORS)
        vice = maker.person(town, TOWN_SECTORS)
        vice_part = maker.person(town, TOWN_SECTORS)
        plan += [(chair, town, PositionKind.CHAIR, False, start, None)]
        plan += [(vice, town, PositionKind.VICE_CHAIR, False, start, None)]
        plan += [(vice_part, town, PositionKind.VICE_CHAIR, True, start, None)]
        for _i in range(6):
            plan.append(
                (maker.person(town, TOWN_SECTORS), town, PositionKind.EXECUTIVE, False, start, None)
            )
        plan.append(
            (
                maker.person(town, TOWN_SECTORS, young=True),
                town,
                PositionKind.STAFF_OFFICER,
                False,
                start,
                None,
            )
        )
        town_chairs[town.pk] = [chair, vice]
    grids: list[Grid] = []
    grid_people: list[tuple[int, Person, datetime.date]] = []  # index into grids
    village_chairs: dict[str, list[Person]] = {}
    for village in villages:
        # One village in ten has an old term (2018) that has ended: the "term due" list.
        year = 2018 if rng.random() < 0.1 else 2021
        start = datetime.date(year, rng.randint(3, 6), rng.randint(1, 28))
        chair = maker.person(village, VILLAGE_SECTORS)
        plan.append((chair, village, PositionKind.CHAIR, False, start, None))
        executives = [maker.person(village, VILLAGE_SECTORS) for _i in range(4)]
        for person in executives:
            plan.append((person, village, PositionKind.EXECUTIVE, False, start, None))
        plan.append((executives[0], village, PositionKind.CHILDREN_DIRECTOR, False, start, None))
        village_chairs.setdefault(village.path[: -Org.steplen], []).append(chair)
        n_grids = rng.randint(2, 5)
        for g in range(n_grids):
            grids.append(
                Grid(org=village, name=f"第{'一二三四五'[g]}网格", households=rng.randint(80, 260))
            )
            # Two grids in three are served by an executive (dual appointment).
            worker = (
                executives[1 + g % 3]
                if rng.random() < 0.67
                else maker.person(village, VILLAGE_SECTORS)
            )
            grid_people.append((len(grids) - 1, worker, start))
    # The system delegations' people belong to the district.
    system_people = {
        name: [maker.person(district, sectors) for _i in range(size)]
        for name, size, sectors in SYSTEM_DELEGATIONS
    }
    with disable_auditlog():
        Person.objects.bulk_create(maker.people, batch_size=1000)
        for person in rng.sample(maker.people, len(maker.people) // 12):
            person.talent_tags.add(rng.choice(maker.tags))
        Grid.objects.bulk_create(grids, batch_size=1000)
        positions = [
            Position(person=p, org=o, kind=k, part_time=pt, start=s) for p, o, k, pt, s, _g in plan
        ]
        positions += [
            Position(
                person=p, org=grids[i].org, kind=PositionKind.GRID_WORKER, grid=grids[i], start=s
            )
            for i, p, s in grid_people
        ]
        Position.objects.bulk_create(positions, batch_size=1000)
        terms = {}
        for _p, o, k, _pt, s, _g in plan:
            if k == PositionKind.CHAIR:
                terms[o.pk] = CommitteeTerm(
                    org=o, number=None, start=s, years=5, end=add_years(s, 5)
                )
        CommitteeTerm.objects.bulk_create(terms.values())
    congress, delegates = _congress(
        district, towns, town_chairs, village_chairs, system_people, actor, rng
    )
    election = _election(congress, delegates, actor, rng)
    stdout.write(
        f"people: {len(maker.people)} people, {len(positions)} positions, {len(grids)} grids; "
        f"{congress.name}: {len(delegates)} delegates; {election.name}: "
        f"{election.candidates.filter(outcome='elected').count()} executives elected"
    )


def _congress(
    district: Org,
    towns: list[Org],
    town_chairs: dict[int, list[Person]],
    village_chairs: dict[str, list[Person]],
    system_people: dict[str, list[Person]],
    actor: Any,
    rng: random.Random,
) -> tuple[Congress, list[Delegate]]:
    congress = services.create_congress(
        actor=actor,
        org=district,
        number=8,
        name="秦州区第八次妇女代表大会",
        start_date=CONGRESS_DATE,
        end_date=CONGRESS_DATE + datetime.timedelta(days=1),
        delegates_due=DELEGATES,
        delegates_present=160,
    )
    town_seats = DELEGATES - sum(len(v) for v in system_people.values())
    chosen: list[tuple[Person, str, bool]] = []
    per_town = [town_seats // len(towns)] * len(towns)
    for i in range(town_seats - sum(per_town)):
        per_town[i] += 1
    for town, seats in zip(towns, per_town, strict=True):
        delegation = f"{town.name}代表团"
        pool = town_chairs[town.pk] + village_chairs.get(town.path, [])
        for person in pool[:seats]:
            chosen.append((person, delegation, person.org_id != town.pk))
    for delegation, people in system_people.items():
        chosen += [(p, delegation, rng.random() < 0.3) for p in people]
    delegates = [
        Delegate(congress=congress, person=p, delegation=d, frontline=f) for p, d, f in chosen
    ]
    if len(delegates) != DELEGATES:
        raise AssertionError(f"demo congress has {len(delegates)} delegates, not {DELEGATES}")
    Delegate.objects.bulk_create(delegates)
    for dimension, category, share in [
        ("ethnicity", "03", 5),
        ("political", "masses", 30),
        ("frontline", "yes", 60),
        ("age", "le35", 20),
        ("sector", "new_sector", 10),
    ]:
        services.set_target(
            actor=actor,
            congress=congress,
            dimension=dimension,
            category=category,
            min_share=Decimal(share),
        )
    return congress, delegates


def _election(congress: Congress, delegates: list[Delegate], actor: Any, rng: random.Random) -> Any:
    election = services.create_election(
        actor=actor,
        congress=congress,
        name="秦州区妇联第八届执行委员会选举",
        seats=EXECUTIVES,
        held_on=CONGRESS_DATE + datetime.timedelta(days=1),
        margin_percent=5,
    )
    pool = [d.person for d in delegates]
    candidates = services.add_candidates(
        actor=actor, election=election, people=rng.sample(pool, CANDIDATES)
    )
    # Distinct tallies: 41 candidates well above half of 167 delegates (84), 3 below.
    high = rng.sample(range(118, 161), EXECUTIVES)
    low = rng.sample(range(40, 80), CANDIDATES - EXECUTIVES)
    votes = dict(zip([c.pk for c in candidates], high + low, strict=True))
    services.record_tally(
        actor=actor, election=election, ballots_issued=160, ballots_returned=160, votes=votes
    )
    services.count_election(actor=actor, election=election)
    services.confirm_election(actor=actor, election=election)
    # The committee's first plenary chose the chair and vice-chairs from the executives.
    elected = list(election.candidates.filter(outcome="elected").order_by("rank", "pk"))
    start = election.held_on
    end = add_years(start, election.term_years) - datetime.timedelta(days=1)
    for candidate, kind, part_time in [
        (elected[0], PositionKind.CHAIR, False),
        (elected[1], PositionKind.VICE_CHAIR, False),
        (elected[2], PositionKind.VICE_CHAIR, True),
    ]:
        services.add_position(
            actor=actor,
            person=candidate.person,
            org=congress.org,
            kind=kind,
            start=start,
            end=end,
            part_time=part_time,
        )
    return election
