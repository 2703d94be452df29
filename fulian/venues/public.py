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
from fulian.venues.models import Venue, VenueStatus

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
    return Venue.objects.filter(listed_publicly=True, status=VenueStatus.OPEN).select_related("org")


def find(
    *,
    area: Org | None = None,
    type: str = "",
    lat: Decimal | float | None = None,
    lng: Decimal | float | None = None,
) -> list[PublicVenue]:
    """Venues in an area (a town or village subtree) and of a type; with a location, the
    nearest first (at most NEAR_LIMIT), otherwise by name."""
    qs = public_queryset()
    if area is not None:
        qs = qs.filter(org__path__range=subtree_bounds(area.path))
    if type:
        qs = qs.filter(type=type)
    venues = list(qs.order_by("name", "pk"))
    areas = _areas(v.org.path for v in venues)
    rows = []
    for v in venues:
        dist = None
        if lat is not None and lng is not None and v.has_location:
            dist = round(
                distance_km(float(lat), float(lng), float(v.latitude), float(v.longitude)), 2
            )
        town, village = _area_names(v.org.path, areas)
        rows.append(
            PublicVenue(
                id=v.pk,
                name=v.name,
                type=v.type,
                type_label=str(v.get_type_display()),
                host=v.host,
                host_label=str(v.get_host_display()),
                shared=v.shared,
                address=v.address,
                latitude=float(v.latitude) if v.latitude is not None else None,
                longitude=float(v.longitude) if v.longitude is not None else None,
                opening_hours=v.opening_hours,
                contact_phone=v.contact_phone,
                town=town,
                village=village,
                distance_km=dist,
            )
        )
    if lat is not None and lng is not None:
        rows = sorted(
            (r for r in rows if r.distance_km is not None), key=lambda r: r.distance_km or 0
        )
        rows = rows[:NEAR_LIMIT]
    return rows


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
