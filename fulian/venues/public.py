"""The public directory: open venues anyone may find, by area or near a location.

Only the venue's own fields leave here (name, type, host, address, location, opening
hours, the venue's office phone, and its town and village): never a person's name, phone
or ID, and no internal ids of orgs or users.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from fulian.core.scope import subtree_bounds
from fulian.orgs.models import Org, OrgKind
from fulian.venues.models import Venue, VenueHost, VenueStatus, VenueType

TOWN_KINDS = (OrgKind.TOWN, OrgKind.STREET)
VILLAGE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)
NEAR_LIMIT = 20


@dataclass(frozen=True)
class PublicVenue:
    id: int
    name: str
    type: str
    type_label: str
    host: str
    host_label: str
    shared: bool
    address: str
    latitude: float | None
    longitude: float | None
    opening_hours: str
    contact_phone: str
    town: str
    village: str
    distance_km: float | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance on the WGS-84 mean radius."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def public_queryset() -> Any:
    return Venue.objects.filter(listed_publicly=True, status=VenueStatus.OPEN)


FIELDS = (
    "id",
    "name",
    "type",
    "host",
    "shared",
    "address",
    "latitude",
    "longitude",
    "opening_hours",
    "contact_phone",
    "org__path",
)
LIST_LIMIT = 200
KM_PER_DEGREE = 111.0
MAX_SPAN = 5.0  # degrees: beyond about 550 km, search everything


def find(
    *,
    area: Org | None = None,
    type: str = "",
    lat: Decimal | float | None = None,
    lng: Decimal | float | None = None,
) -> list[PublicVenue]:
    """Venues in an area (a town or village subtree) and of a type; with a location, the
    nearest first (at most NEAR_LIMIT), otherwise by name (at most LIST_LIMIT)."""
    qs = public_queryset()
    if area is not None:
        qs = qs.filter(org__path__range=subtree_bounds(area.path))
    if type:
        qs = qs.filter(type=type)
    rows: list[tuple[tuple[Any, ...], float | None]]
    if lat is not None and lng is not None:
        rows = list(_nearest(qs, float(lat), float(lng)))
    else:
        rows = [(row, None) for row in qs.order_by("name", "pk").values_list(*FIELDS)[:LIST_LIMIT]]
    areas = _areas(row[10] for row, _d in rows)
    types, hosts = dict(VenueType.choices), dict(VenueHost.choices)
    result = []
    for row, dist in rows:
        town, village = _area_names(row[10], areas)
        result.append(
            PublicVenue(
                id=row[0],
                name=row[1],
                type=row[2],
                type_label=str(types.get(row[2], "")),
                host=row[3],
                host_label=str(hosts.get(row[3], "")),
                shared=row[4],
                address=row[5],
                latitude=float(row[6]) if row[6] is not None else None,
                longitude=float(row[7]) if row[7] is not None else None,
                opening_hours=row[8],
                contact_phone=row[9],
                town=town,
                village=village,
                distance_km=None if dist is None else round(dist, 2),
            )
        )
    return result


def _nearest(qs: Any, lat: float, lng: float) -> list[tuple[tuple[Any, ...], float]]:
    """The NEAR_LIMIT venues nearest to a point. A box around the point grows until it
    holds enough venues within the circle it encloses, so distances are computed for few
    rows and the result is exact."""
    located = qs.filter(latitude__isnull=False, longitude__isnull=False)
    span = 0.05
    while True:
        lng_span = span / max(math.cos(math.radians(lat)), 0.01)
        box = located
        if span < MAX_SPAN:
            box = located.filter(
                latitude__range=(Decimal(f"{lat - span:.6f}"), Decimal(f"{lat + span:.6f}")),
                longitude__range=(
                    Decimal(f"{lng - lng_span:.6f}"),
                    Decimal(f"{lng + lng_span:.6f}"),
                ),
            )
        scored = sorted(
            (
                (row, distance_km(lat, lng, float(row[6]), float(row[7])))
                for row in box.values_list(*FIELDS)
            ),
            key=lambda pair: (pair[1], pair[0][0]),
        )
        radius = span * KM_PER_DEGREE * 0.99
        inside = [pair for pair in scored if pair[1] <= radius]
        if span >= MAX_SPAN:
            return scored[:NEAR_LIMIT]
        if len(inside) >= NEAR_LIMIT:
            return inside[:NEAR_LIMIT]
        span *= 4


def _areas(paths: Any) -> dict[str, Org]:
    """The division orgs above the given paths, by path, in one query."""
    step = Org.steplen
    prefixes = {p[:i] for p in paths for i in range(step, len(p) + 1, step)}
    if not prefixes:
        return {}
    return {
        o.path: o
        for o in Org.objects.filter(path__in=prefixes, kind__in=[*TOWN_KINDS, *VILLAGE_KINDS])
    }


def _area_names(path: str, areas: dict[str, Org]) -> tuple[str, str]:
    step = Org.steplen
    town = village = ""
    for i in range(step, len(path) + 1, step):
        org = areas.get(path[:i])
        if org is None:
            continue
        if org.kind in TOWN_KINDS:
            town = org.name
        elif org.kind in VILLAGE_KINDS:
            village = org.name
    return town, village
