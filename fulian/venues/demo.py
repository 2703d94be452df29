"""Demo data for 2023: creation standards; women's homes on village Party-service centres
and civilisation-practice stations; 10 marriage-mediation workrooms established in 2023 in
towns, streets and district organs; 10 micro-homes established in 2023 in enterprises and
interest groups; the model sites (天水镇's women's industry base, the 文化大院 micro-home,
the women's home of 下寨子) and the 2023 study tour to them.

Deterministic (fixed lists, seeded coordinates) and idempotent: a venue is known by its
name, a standard by its org and type. Coordinates are synthetic points around 秦州区,
good enough for the map, not surveyed locations. Contact numbers are made-up office
numbers of the venues, never a person's.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from fulian.accounts.models import User
from fulian.orgs.models import Org, OrgKind
from fulian.venues import services
from fulian.venues.models import (
    Standard,
    Venue,
    VenueHost,
    VenueStatus,
    VenueType,
)
from fulian.venues.services import ItemResult, ItemSpec

SEED = 620502
D = datetime.date
CENTRE = (34.58, 105.72)  # 秦州区, roughly

SIX = ["有场所", "有标识", "有制度", "有队伍", "有活动", "有台账"]
STANDARDS = [
    (VenueType.WOMENS_HOME, "妇女之家创建标准", 50, [ItemSpec(x, "pass_fail", 10) for x in SIX]),
    (VenueType.MICRO_HOME, "妇女微家创建标准", 48, [ItemSpec(x, "scored", 10) for x in SIX]),
    (
        VenueType.MEDIATION_WORKROOM,
        "执委婚调工作室创建标准",
        50,
        [
            ItemSpec(x, "pass_fail", 10)
            for x in ["有场所", "有标识", "有制度", "有调解队伍", "有案例记录", "有台账"]
        ],
    ),
    (VenueType.CHILDRENS_HOME, "儿童之家创建标准", 50, [ItemSpec(x, "pass_fail", 10) for x in SIX]),
]

# name, org code, host, host name, established
WORKROOMS = [
    (
        "皂郊镇执委婚调工作室",
        "620502103",
        VenueHost.PARTY_SERVICE_CENTRE,
        "皂郊镇党群服务中心",
        D(2023, 3, 28),
    ),
    (
        "天水镇执委婚调工作室",
        "620502108",
        VenueHost.PARTY_SERVICE_CENTRE,
        "天水镇党群服务中心",
        D(2023, 4, 11),
    ),
    (
        "大城街道执委婚调工作室",
        "620502001",
        VenueHost.CIVILISATION_PRACTICE,
        "大城街道新时代文明实践所",
        D(2023, 4, 25),
    ),
    (
        "七里墩街道执委婚调工作室",
        "620502002",
        VenueHost.CIVILISATION_PRACTICE,
        "七里墩街道新时代文明实践所",
        D(2023, 5, 16),
    ),
    (
        "中梁镇执委婚调工作室",
        "620502110",
        VenueHost.PARTY_SERVICE_CENTRE,
        "中梁镇党群服务中心",
        D(2023, 6, 6),
    ),
    (
        "太京镇执委婚调工作室",
        "620502101",
        VenueHost.PARTY_SERVICE_CENTRE,
        "太京镇党群服务中心",
        D(2023, 6, 27),
    ),
    (
        "玉泉镇执委婚调工作室",
        "620502100",
        VenueHost.PARTY_SERVICE_CENTRE,
        "玉泉镇党群服务中心",
        D(2023, 7, 18),
    ),
    (
        "秦州区婚姻登记处执委婚调工作室",
        "620502",
        VenueHost.OTHER,
        "秦州区婚姻登记处",
        D(2023, 8, 8),
    ),
    (
        "秦州区人民法院执委婚调工作室",
        "620502",
        VenueHost.OTHER,
        "秦州区人民法院诉讼服务中心",
        D(2023, 9, 5),
    ),
    (
        "秦州区司法局执委婚调工作室",
        "620502",
        VenueHost.OTHER,
        "秦州区公共法律服务中心",
        D(2023, 10, 17),
    ),
]

# name; where: a founded org's name (enterprise) or an org code (interest group);
# host, host name, established
MICRO_HOMES = [
    (
        "快递小哥妇女微家",
        "秦州城区快递服务站联合会妇联",
        VenueHost.ENTERPRISE,
        "城区快递服务站",
        D(2023, 6, 9),
    ),
    (
        "电商协会妇女微家",
        "秦州区电子商务协会妇联",
        VenueHost.ENTERPRISE,
        "电子商务协会办公室",
        D(2023, 5, 12),
    ),
    (
        "花牛苹果合作社妇女微家",
        "中梁镇花牛苹果专业合作社妇联",
        VenueHost.ENTERPRISE,
        "合作社服务大厅",
        D(2023, 8, 3),
    ),
    (
        "家政协会妇女微家",
        "秦州区家政服务行业协会妇联",
        VenueHost.ENTERPRISE,
        "家政服务培训基地",
        D(2023, 10, 10),
    ),
    (
        "网约车驾驶员妇女微家",
        "秦州区网约车驾驶员协会妇联",
        VenueHost.ENTERPRISE,
        "驾驶员服务驿站",
        D(2023, 7, 6),
    ),
    (
        "文化大院妇女微家",
        "620502108010",
        VenueHost.INTEREST_GROUP,
        "天水村文化大院",
        D(2023, 4, 20),
    ),
    ("广场舞队妇女微家", "620502003", VenueHost.INTEREST_GROUP, "东关街道广场舞队", D(2023, 5, 30)),
    (
        "刺绣兴趣小组妇女微家",
        "620502109",
        VenueHost.INTEREST_GROUP,
        "娘娘坝镇刺绣兴趣小组",
        D(2023, 7, 25),
    ),
    ("读书会妇女微家", "620502005", VenueHost.INTEREST_GROUP, "西关街道巾帼读书会", D(2023, 9, 14)),
    (
        "秦腔兴趣小组妇女微家",
        "620502112",
        VenueHost.INTEREST_GROUP,
        "齐寿镇秦腔兴趣小组",
        D(2023, 11, 2),
    ),
]

MODEL_SITES = ["天水镇妇女产业基地", "文化大院妇女微家", "下寨子居民委员会妇女之家"]
STUDY_TOUR_TITLE = "赴天水镇、皂郊镇观摩学习妇女阵地建设"


def _point(
    rng: random.Random, centre: tuple[float, float], spread: float
) -> tuple[Decimal, Decimal]:
    lat = centre[0] + rng.uniform(-spread, spread)
    lng = centre[1] + rng.uniform(-spread, spread) * 1.2
    return Decimal(f"{lat:.6f}"), Decimal(f"{lng:.6f}")


def _phone(rng: random.Random) -> str:
    return f"0938-{rng.randint(2100000, 8999999)}"


class Loader:
    def __init__(self, admin: User) -> None:
        self.admin = admin
        self.rng = random.Random(SEED)
        self.towns = {
            o.code: o
            for o in Org.objects.filter(
                kind__in=[OrgKind.TOWN, OrgKind.STREET], code__startswith="620502"
            )
        }
        self.centres = {
            code: (
                CENTRE[0] + random.Random(code).uniform(-0.22, 0.22),
                CENTRE[1] + random.Random(code + "x").uniform(-0.3, 0.3),
            )
            for code in self.towns
        }
        self.existing = set(Venue.objects.values_list("name", flat=True))
        self.created = 0

    def centre_of(self, org: Org) -> tuple[float, float]:
        code = (org.code or "")[:9]
        if code in self.centres:
            return self.centres[code]
        for town in self.towns.values():
            if org.path.startswith(town.path):
                return self.centres[town.code or ""]
        return CENTRE

    def venue(
        self,
        *,
        org: Org,
        name: str,
        type: str,
        host: str,
        host_name: str,
        established: datetime.date,
        shared: bool = True,
        address: str = "",
        hours: str = "周一至周五 9:00-17:00",
    ) -> Venue | None:
        # Draw the random values first, so each run consumes the same sequence.
        lat, lng = _point(self.rng, self.centre_of(org), 0.02)
        phone = _phone(self.rng)
        if name in self.existing:
            return None
        venue = services.create_venue(
            actor=self.admin,
            org=org,
            name=name,
            type=type,
            host=host,
            host_name=host_name,
            shared=shared,
            address=address or host_name,
            latitude=lat,
            longitude=lng,
            opening_hours=hours,
            contact_phone=phone,
            established=established,
            status=VenueStatus.OPEN,
            listed_publicly=True,
            description="",
        )
        self.existing.add(name)
        self.created += 1
        return venue


def load_standards(admin: User) -> int:
    created = 0
    for venue_type, name, threshold, items in STANDARDS:
        if Standard.objects.filter(org=admin.org, venue_type=venue_type).exists():
            continue
        services.save_standard(
            actor=admin, venue_type=venue_type, name=name, threshold=threshold, items=items
        )
        created += 1
    return created


def load_venues(loader: Loader) -> None:
    rng = random.Random(SEED + 1)
    district = Org.objects.get(code="620502")
    # Women's homes: the first two villages or communities of every town and street, on the
    # village's Party-service centre (or a community's civilisation-practice station).
    for town in sorted(loader.towns.values(), key=lambda o: o.code or ""):
        villages = list(
            Org.objects.get_children(town)
            .filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY])
            .order_by("code")[:2]
        )
        for village in villages:
            community = village.kind == OrgKind.COMMUNITY and rng.random() < 0.5
            host = VenueHost.CIVILISATION_PRACTICE if community else VenueHost.PARTY_SERVICE_CENTRE
            host_name = f"{village.name}{'新时代文明实践站' if community else '党群服务中心'}"
            loader.venue(
                org=village,
                name=f"{village.name}妇女之家",
                type=VenueType.WOMENS_HOME,
                host=host,
                host_name=host_name,
                established=D(rng.choice([2019, 2020, 2021, 2022, 2023]), rng.randint(1, 12), 1),
                hours="周二、周四 9:00-17:00",
            )
    xiazhaizi = Org.objects.get(code="620502103005")
    loader.venue(
        org=xiazhaizi,
        name="下寨子居民委员会妇女之家",
        type=VenueType.WOMENS_HOME,
        host=VenueHost.PARTY_SERVICE_CENTRE,
        host_name="下寨子社区党群服务中心",
        established=D(2021, 6, 1),
        hours="周一至周五 9:00-17:30",
    )
    loader.venue(
        org=loader.towns["620502108"],
        name="天水镇妇女产业基地",
        type=VenueType.INDUSTRY_BASE,
        host=VenueHost.ENTERPRISE,
        host_name="天水镇巾帼手工编织合作社",
        established=D(2022, 9, 1),
        shared=False,
        hours="周一至周六 8:30-18:00",
    )
    for name, code, host, host_name, established in WORKROOMS:
        org = district if code == "620502" else loader.towns[code]
        loader.venue(
            org=org,
            name=name,
            type=VenueType.MEDIATION_WORKROOM,
            host=host,
            host_name=host_name,
            established=established,
        )
    for name, where, host, host_name, established in MICRO_HOMES:
        org = (
            Org.objects.filter(code=where).first()
            if where.isdigit()
            else Org.objects.filter(name=where).first()
        )
        if org is None:  # the founded org comes from the building demo
            continue
        loader.venue(
            org=org,
            name=name,
            type=VenueType.MICRO_HOME,
            host=host,
            host_name=host_name,
            established=established,
            shared=host == VenueHost.INTEREST_GROUP,
            hours="每周三 14:00-17:00",
        )
    for venue in Venue.objects.filter(name__in=MODEL_SITES, is_model_site=False):
        services.set_model_site(actor=loader.admin, venue=venue, is_model_site=True)


def load_assessments(admin: User) -> int:
    """2023 assessments of the model sites, the workrooms and a few women's homes; some
    fall below the standard."""
    rng = random.Random(SEED + 2)
    created = 0
    venues = (
        Venue.objects.filter(
            type__in=[VenueType.WOMENS_HOME, VenueType.MICRO_HOME, VenueType.MEDIATION_WORKROOM]
        )
        .select_related("org")
        .order_by("name")
    )
    for n, venue in enumerate(venues):
        if n % 3 and venue.name not in MODEL_SITES:
            continue
        draw = [rng.random() for _ in range(6)]
        if venue.assessments.exists():
            continue
        standard = services.standard_for(venue)
        if standard is None:
            continue
        strong = venue.name in MODEL_SITES or n % 2 == 0
        results = {}
        for item, r in zip(standard.items.all(), draw, strict=False):
            ok = strong or r < 0.6
            results[item.pk] = (
                ItemResult(passed=ok)
                if item.kind == "pass_fail"
                else ItemResult(score=10 if ok else 5)
            )
        date = max(venue.established or D(2023, 1, 1), D(2023, 11, 1)) + datetime.timedelta(
            days=n % 20
        )
        services.assess(
            actor=admin,
            venue=venue,
            date=min(date, D(2023, 12, 28)),
            results=results,
            note="年度阵地创建标准评估",
        )
        created += 1
    return created


def load_study_tour(admin: User) -> str:
    """The 2023 study tour to the model sites, through the events app's service."""
    try:
        from fulian.events import services as events
        from fulian.events.models import Activity
    except ImportError:
        return "events app not ready: study tour not linked"
    if not hasattr(events, "create_activity"):
        return "events app not ready: study tour not linked"
    sites = list(Venue.objects.filter(name__in=MODEL_SITES, is_model_site=True))
    district = admin.org
    assert district is not None
    tours = Activity.objects.filter(kind__code="study_tour", start__year=2023, org=admin.org)
    tour = (
        tours.filter(title=STUDY_TOUR_TITLE).first()
        or tours.filter(destinations__isnull=True).first()
    )
    if tour is None:
        events.create_activity(
            actor=admin,
            org=district,
            kind="study_tour",
            title=STUDY_TOUR_TITLE,
            start=datetime.datetime(2023, 9, 14, 9, 0, tzinfo=timezone.get_current_timezone()),
            end=datetime.datetime(2023, 9, 14, 17, 0, tzinfo=timezone.get_current_timezone()),
            place="天水镇、皂郊镇",
            destinations=sites,
            head_count=46,
            description="组织各镇、街道妇联主席观摩天水镇妇女产业基地、文化大院妇女微家和皂郊镇下寨子社区妇女之家。",
        )
        return "study tour created"
    if set(tour.destinations.values_list("pk", flat=True)) != {v.pk for v in sites}:
        events.update_activity(actor=admin, activity=tour, destinations=sites)
        return "study tour linked to the model sites"
    return "study tour unchanged"


def load(stdout: Any) -> None:
    admin = User.objects.get(username="qinzhou-admin")
    standards = load_standards(admin)
    loader = Loader(admin)
    load_venues(loader)
    assessments = load_assessments(admin)
    tour = load_study_tour(admin)
    stdout.write(
        f"venues: {standards} standards, {loader.created} venues, "
        f"{assessments} assessments created; {tour}"
    )
