"""Writes and sensitive reads of people, positions, grids, congresses and elections.

Each write is a keyword-only function in one transaction, checked against the actor's
scope and role; errors are ``ValidationError`` with Chinese messages. Reads of personal
data in full go through :func:`reveal` only (permission + access-log row).
"""

from __future__ import annotations

import datetime
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from fulian.core import periods, workflow
from fulian.core import personal_data as pd
from fulian.core.integrity import unique_or
from fulian.core.models import log_access
from fulian.core.ratelimit import user_over_limit
from fulian.core.text import label as stored_label
from fulian.orgs.models import Org
from fulian.people.models import (
    ETHNICITY_NAMES_BY_CODE,
    Candidate,
    CandidateOutcome,
    CommitteeTerm,
    CompositionDimension,
    CompositionTarget,
    Congress,
    Delegate,
    Education,
    Election,
    ElectionStatus,
    Grid,
    Person,
    PoliticalStatus,
    Position,
    PositionKind,
    Sector,
    TalentTag,
    add_years,
    birth_month,
)
from fulian.people.validators import check_id_number, parse_phone


def term_years_default() -> int:
    return int(settings.FULIAN_COMMITTEE_TERM_YEARS)


# --- access ---------------------------------------------------------------------------------


def _require(actor: Any, perm: str, org: Org) -> None:
    """The actor holds ``perm`` and ``org`` is in the actor's subtree."""
    if not actor.has_perm(perm) or not Org.objects.for_user(actor).filter(pk=org.pk).exists():
        raise PermissionDenied


def find_person_by_phone(phone: str, scope_org: Org) -> Person | None:
    """The person in ``scope_org``'s subtree with this phone (exact match on the blind
    index; the first by id if several share it), or None."""
    index = pd.index_of(pd.PHONE, phone)
    if not index:
        return None
    return Person.objects.in_subtree(scope_org).filter(phone_index=index).order_by("pk").first()


def find_person_by_id_number(id_number: str, scope_org: Org | None = None) -> Person | None:
    """The person with this ID number, in ``scope_org``'s subtree (anywhere if None)."""
    index = pd.index_of(pd.ID_NUMBER, id_number)
    if not index:
        return None
    queryset: Any = Person.objects.all()
    if scope_org is not None:
        queryset = queryset.in_subtree(scope_org)
    return queryset.filter(id_number_index=index).first()


@dataclass(frozen=True)
class Duplicate:
    """An ID number already registered: ``person`` when the actor may see them; otherwise
    only ``elsewhere`` (nothing about where or who)."""

    person: Person | None
    elsewhere: bool


def find_duplicate(
    *, actor: Any, id_number: str, exclude: Person | None = None
) -> Duplicate | None:
    index = pd.index_of(pd.ID_NUMBER, id_number)
    if not index:
        return None
    existing = Person.objects.filter(id_number_index=index)
    if exclude is not None:
        existing = existing.exclude(pk=exclude.pk)
    found = existing.first()
    if found is None:
        return None
    if Person.objects.for_user(actor).filter(pk=found.pk).exists():
        return Duplicate(found, False)
    return Duplicate(None, True)


ELSEWHERE_MESSAGE = gettext_lazy("该人员已在其他组织登记。如需调入本组织，请联系区妇联办理调转。")


def duplicate_error(duplicate: Duplicate) -> ValidationError:
    if duplicate.person is not None:
        return ValidationError(
            {
                "id_number": _("该身份证号已登记：%(name)s（%(org)s）。")
                % {"name": duplicate.person.name, "org": duplicate.person.org.name}
            }
        )
    return ValidationError({"id_number": str(ELSEWHERE_MESSAGE)})


def reveal(*, actor: Any, person: Person, field: str, reason: str = "", request: Any = None) -> str:
    """The plaintext of ``field`` ("id_number" or "phone") for an actor allowed to see it;
    writes an access-log row. Out of scope is PermissionDenied like a missing permission."""
    if field not in pd.KINDS:
        raise ValueError(field)
    _require(actor, "people.reveal_personal", person.org)
    value = str(getattr(person, field))
    log_access(user=actor, obj=person, field=field, reason=reason, request=request)
    return value


class SearchThrottled(ValidationError):
    """Too many exact searches by one user in the window (the views answer 429)."""


def find_by_personal(
    *, actor: Any, field: str, value: str, reason: str, request: Any = None
) -> list[Person]:
    """The people in the actor's scope whose ID number or phone is exactly ``value``.

    An exact search confirms a guess of a full number, so it is a reveal: it needs
    ``people.reveal_personal``, is limited per user (``FULIAN_EXACT_SEARCH_RATE``), and
    writes an access-log row for each person found, or one for the search that found
    nobody. The views take it by POST only, so the number is never in a URL or a log."""
    if field not in pd.KINDS:
        raise ValueError(field)
    if not actor.has_perm("people.reveal_personal"):
        raise PermissionDenied
    limit, window = settings.FULIAN_EXACT_SEARCH_RATE
    if user_over_limit(actor, "exact-search", limit=limit, window=window):
        raise SearchThrottled(_("精确查找过于频繁，请稍后再试。"))
    index = pd.index_of(field, value)
    found = list(
        Person.objects.for_user(actor)
        .filter(**{f"{field}_index": index or "-"})
        .select_related("org")
        .order_by("org__path", "name", "pk")
    )
    for person in found:
        log_access(user=actor, obj=person, field=f"search:{field}", reason=reason, request=request)
    if not found:
        log_access(
            user=actor,
            obj=None,
            model=Person,
            field=f"search:{field}",
            reason=reason,
            request=request,
        )
    return found


# --- people ---------------------------------------------------------------------------------


PERSON_FIELDS = ("name", "gender", "ethnicity", "education", "political_status", "sector")


def _check_person_fields(
    *, id_number: str, phone: str, birth_date: datetime.date | None, gender: str
) -> tuple[str, str, datetime.date]:
    errors: dict[str, list[str]] = {}
    info = None
    try:
        info = check_id_number(id_number, birth_date=birth_date, gender=gender or None)
    except ValidationError as error:
        errors["id_number"] = error.messages
    number_phone = ""
    if phone:
        try:
            number_phone = parse_phone(phone)
        except ValidationError as error:
            errors["phone"] = error.messages
    if errors or info is None:
        raise ValidationError(errors)
    return info.number, number_phone, birth_month(info.birth_date)  # type: ignore[return-value]


@transaction.atomic
def create_person(
    *,
    actor: Any,
    org: Org,
    name: str,
    id_number: str,
    gender: str = "",
    ethnicity: str = "01",
    phone: str = "",
    birth_date: datetime.date | None = None,
    education: str = "",
    political_status: str = "",
    sector: str = "",
    talent_tags: Iterable[TalentTag] = (),
) -> Person:
    _require(actor, "fulian.edit", org)
    number, phone_number, birth = _check_person_fields(
        id_number=id_number, phone=phone, birth_date=birth_date, gender=gender
    )
    duplicate = find_duplicate(actor=actor, id_number=number)
    if duplicate is not None:
        raise duplicate_error(duplicate)
    info = check_id_number(number)
    person = Person(
        org=org,
        name=name.strip(),
        gender=gender or info.gender,
        ethnicity=ethnicity,
        birth_date=birth,
        education=education,
        political_status=political_status,
        sector=sector,
    )
    person.id_number = number
    person.phone = phone_number
    person.refresh_search_text()
    with unique_or(lambda: _raced(actor, number)):
        person.save()
    person.talent_tags.set(list(talent_tags))
    return person


def _raced(actor: Any, number: str, exclude: Person | None = None) -> ValidationError:
    """The duplicate error, for a person saved by someone else since the check."""
    duplicate = find_duplicate(actor=actor, id_number=number, exclude=exclude)
    return duplicate_error(duplicate or Duplicate(None, True))


@transaction.atomic
def update_person(
    *,
    actor: Any,
    person: Person,
    name: str,
    gender: str,
    ethnicity: str,
    education: str,
    political_status: str,
    sector: str,
    id_number: str | None = None,
    phone: str | None = None,
    talent_tags: Iterable[TalentTag] | None = None,
) -> Person:
    """Update a person. ``id_number``/``phone`` of None (or masked input) keep the stored
    value: a masked form never round-trips into the database."""
    _require(actor, "fulian.edit", person.org)
    new_id = id_number if id_number and "*" not in id_number else person.id_number
    new_phone = person.phone if phone is None or "*" in phone else phone
    number, phone_number, birth = _check_person_fields(
        id_number=new_id, phone=new_phone, birth_date=None, gender=gender
    )
    if pd.index_of(pd.ID_NUMBER, number) != person.id_number_index:
        duplicate = find_duplicate(actor=actor, id_number=number, exclude=person)
        if duplicate is not None:
            raise duplicate_error(duplicate)
        person.id_number = number
        person.birth_date = birth
    if pd.index_of(pd.PHONE, phone_number) != person.phone_index:
        person.phone = phone_number
    person.name, person.gender, person.ethnicity = name.strip(), gender, ethnicity
    person.education, person.political_status, person.sector = education, political_status, sector
    person.refresh_search_text()
    with unique_or(lambda: _raced(actor, number, exclude=person)):
        person.save()
    if talent_tags is not None:
        person.talent_tags.set(list(talent_tags))
    return person


@transaction.atomic
def transfer_person(*, actor: Any, person: Person, new_org: Org) -> Person:
    """Move a person to another org (the district's job when the orgs are not both in an
    org admin's scope)."""
    if not (actor.has_perm("people.transfer") or actor.has_perm("fulian.manage_orgs")):
        raise PermissionDenied
    _require(actor, "fulian.edit", person.org)
    _require(actor, "fulian.edit", new_org)
    person.org = new_org
    person.save(update_fields=["org", "updated_at"])
    return person


# --- positions and terms --------------------------------------------------------------------


@transaction.atomic
def add_position(
    *,
    actor: Any,
    person: Person,
    org: Org,
    kind: str,
    start: datetime.date | None,
    end: datetime.date | None = None,
    part_time: bool = False,
    grid: Grid | None = None,
    election: Election | None = None,
) -> Position:
    _require(actor, "fulian.edit", org)
    _require(actor, "fulian.view", person.org)
    if kind not in PositionKind.values:
        raise ValidationError({"kind": _("职务无效。")})
    if start and end and end < start:
        raise ValidationError({"end": _("任职结束不能早于任职开始。")})
    if kind == PositionKind.GRID_WORKER:
        if grid is None:
            raise ValidationError({"grid": _("网格员须指定网格。")})
    elif grid is not None:
        raise ValidationError({"grid": _("只有网格员需要指定网格。")})
    if grid is not None and grid.org_id != org.pk:
        raise ValidationError({"grid": _("网格不属于该组织。")})
    if part_time and kind != PositionKind.VICE_CHAIR:
        raise ValidationError({"part_time": _("只有副主席区分专职和兼职。")})
    return Position.objects.create(
        person=person,
        org=org,
        kind=kind,
        start=start,
        end=end,
        part_time=part_time,
        grid=grid,
        election=election,
    )


@transaction.atomic
def end_position(*, actor: Any, position: Position, end: datetime.date) -> Position:
    _require(actor, "fulian.edit", position.org)
    if position.start and end < position.start:
        raise ValidationError({"end": _("任职结束不能早于任职开始。")})
    position.end = end
    position.save(update_fields=["end"])
    return position


@transaction.atomic
def set_term(
    *,
    actor: Any,
    org: Org,
    start: datetime.date,
    years: int | None = None,
    number: int | None = None,
) -> CommitteeTerm:
    """Record a new committee term of ``org`` (5 years unless said otherwise)."""
    _require(actor, "fulian.edit", org)
    years = years or term_years_default()
    if not 1 <= years <= 10:
        raise ValidationError({"years": _("任期应为1至10年。")})
    return CommitteeTerm.objects.create(
        org=org, number=number, start=start, years=years, end=add_years(start, years)
    )


@dataclass
class TermDue:
    org: Org
    term: CommitteeTerm | None
    overdue: bool


def terms_due(user: Any, *, months: int, today: datetime.date | None = None) -> list[TermDue]:
    """Orgs in scope whose latest committee term has ended or ends within ``months``."""
    today = today or periods.today()
    horizon = _add_months(today, months)
    latest: dict[int, CommitteeTerm] = {}
    for term in CommitteeTerm.objects.for_user(user).order_by("org_id", "start", "pk"):
        latest[term.org_id] = term
    due = []
    for org in Org.objects.for_user(user).filter(status="active").order_by("path"):
        org_term = latest.get(org.pk)
        if org_term is not None and org_term.end <= horizon:
            due.append(TermDue(org, org_term, org_term.end < today))
    return due


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


# --- grids ----------------------------------------------------------------------------------


@transaction.atomic
def create_grid(*, actor: Any, org: Org, name: str, households: int | None = None) -> Grid:
    _require(actor, "fulian.edit", org)
    if org.kind not in ("village", "community"):
        raise ValidationError({"org": _("网格只能建在村或社区。")})
    if Grid.objects.filter(org=org, name=name.strip()).exists():
        raise ValidationError({"name": _("该村/社区已有同名网格。")})
    return Grid.objects.create(org=org, name=name.strip(), households=households)


@dataclass
class DualRow:
    org: Org
    grids: int
    grids_with_executive: int

    @property
    def share(self) -> float:
        return round(100 * self.grids_with_executive / self.grids, 1) if self.grids else 0.0


def dual_appointment(
    user: Any, *, on: datetime.date | None = None
) -> tuple[list[Person], list[DualRow]]:
    """Executives who are also grid workers, and per village the share of grids whose
    current grid worker is a current executive (of any org)."""
    day = on or periods.today()
    positions = Position.objects.for_user(user).current(day)
    executive_ids = set(
        Position.objects.current(day)
        .filter(kind=PositionKind.EXECUTIVE)
        .values_list("person_id", flat=True)
    )
    grid_workers = list(
        positions.filter(kind=PositionKind.GRID_WORKER).values_list("grid_id", "person_id")
    )
    dual_people_ids = {p for _g, p in grid_workers if p in executive_ids}
    dual_grids = {g for g, p in grid_workers if p in executive_ids}
    people = list(
        Person.objects.for_user(user)
        .filter(pk__in=dual_people_ids)
        .select_related("org")
        .order_by("org__path", "name")
    )
    rows = []
    grids_by_org: dict[int, list[int]] = {}
    for grid_id, org_id in Grid.objects.for_user(user).values_list("pk", "org_id"):
        grids_by_org.setdefault(org_id, []).append(grid_id)
    for org in Org.objects.filter(pk__in=grids_by_org).order_by("path"):
        ids = grids_by_org[org.pk]
        rows.append(DualRow(org, len(ids), sum(1 for g in ids if g in dual_grids)))
    return people, rows


# --- congresses and composition -------------------------------------------------------------


@transaction.atomic
def create_congress(
    *,
    actor: Any,
    org: Org,
    number: int,
    name: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    delegates_due: int = 0,
    delegates_present: int | None = None,
) -> Congress:
    _require(actor, "people.manage_congress", org)
    if Congress.objects.filter(org=org, number=number).exists():
        raise ValidationError({"number": _("该组织已有该届次的代表大会。")})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("闭幕日期不能早于开幕日期。")})
    if delegates_present is not None and delegates_present > delegates_due:
        raise ValidationError({"delegates_present": _("实到代表不能多于应到代表。")})
    return Congress.objects.create(
        org=org,
        number=number,
        name=name.strip(),
        start_date=start_date,
        end_date=end_date,
        delegates_due=delegates_due,
        delegates_present=delegates_present,
    )


@transaction.atomic
def add_delegate(
    *, actor: Any, congress: Congress, person: Person, delegation: str, frontline: bool = False
) -> Delegate:
    _require(actor, "people.manage_congress", congress.org)
    _require(actor, "fulian.view", person.org)
    if Delegate.objects.filter(congress=congress, person=person).exists():
        raise ValidationError({"person": _("该人员已是本次大会代表。")})
    return Delegate.objects.create(
        congress=congress, person=person, delegation=delegation.strip(), frontline=frontline
    )


@transaction.atomic
def set_target(
    *, actor: Any, congress: Congress, dimension: str, category: str, min_share: Decimal | None
) -> CompositionTarget | None:
    """Set (or with ``min_share`` None, remove) a target share of delegates."""
    _require(actor, "people.manage_congress", congress.org)
    if category not in dict(composition_categories(dimension)):
        raise ValidationError({"category": _("类别无效。")})
    if min_share is None:
        CompositionTarget.objects.filter(
            congress=congress, dimension=dimension, category=category
        ).delete()
        return None
    if not 0 <= min_share <= 100:
        raise ValidationError({"min_share": _("目标比例应在0至100之间。")})
    target, _created = CompositionTarget.objects.update_or_create(
        congress=congress, dimension=dimension, category=category, defaults={"min_share": min_share}
    )
    return target


UNKNOWN = ""
AGE_BANDS = [
    ("le35", gettext_noop("35岁及以下"), 0, 35),
    ("36_45", gettext_noop("36至45岁"), 36, 45),
    ("46_55", gettext_noop("46至55岁"), 46, 55),
    ("ge56", gettext_noop("56岁及以上"), 56, 200),
]


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for key, _label, low, high in AGE_BANDS:
        if low <= age <= high:
            return key
    return UNKNOWN


def composition_categories(dimension: str) -> list[tuple[str, str]]:
    """Every category of a dimension, with its label, in display order (unknown last)."""
    unknown = (UNKNOWN, _("未填"))
    if dimension == CompositionDimension.ETHNICITY:
        return [(code, stored_label(name)) for code, name in ETHNICITY_NAMES_BY_CODE] + [unknown]
    if dimension == CompositionDimension.AGE:
        return [(key, stored_label(band)) for key, band, _lo, _hi in AGE_BANDS] + [
            (UNKNOWN, _("未知"))
        ]
    if dimension == CompositionDimension.EDUCATION:
        return [(c.value, str(c.label)) for c in Education] + [unknown]
    if dimension == CompositionDimension.POLITICAL:
        return [(c.value, str(c.label)) for c in PoliticalStatus] + [unknown]
    if dimension == CompositionDimension.SECTOR:
        return [(c.value, str(c.label)) for c in Sector] + [unknown]
    if dimension == CompositionDimension.FRONTLINE:
        return [("yes", _("基层一线")), ("no", _("非基层一线"))]
    raise ValueError(dimension)


@dataclass
class CompositionRow:
    category: str
    label: str
    count: int
    percent: float
    target: float | None = None

    @property
    def shortfall(self) -> float | None:
        if self.target is None or self.percent >= self.target:
            return None
        return round(self.target - self.percent, 1)


@dataclass
class CompositionTable:
    dimension: str
    label: str
    rows: list[CompositionRow] = field(default_factory=list)
    total: int = 0


def composition(congress: Congress) -> list[CompositionTable]:
    """Counts and percentages of the congress's delegates in every dimension. Each table
    adds up to the number of delegates (unknown values have their own row)."""
    delegates = list(
        Delegate.objects.filter(congress=congress).values_list(
            "frontline",
            "person__ethnicity",
            "person__birth_date",
            "person__education",
            "person__political_status",
            "person__sector",
        )
    )
    targets = {
        (t.dimension, t.category): float(t.min_share)
        for t in CompositionTarget.objects.filter(congress=congress)
    }
    day = congress.start_date
    values: dict[str, list[str]] = {d: [] for d in CompositionDimension.values}
    for frontline, ethnicity, birth, education, political, sector in delegates:
        age = None
        if birth is not None:
            age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        values["ethnicity"].append(ethnicity or UNKNOWN)
        values["age"].append(age_band(age))
        values["education"].append(education or UNKNOWN)
        values["political"].append(political or UNKNOWN)
        values["sector"].append(sector or UNKNOWN)
        values["frontline"].append("yes" if frontline else "no")
    total = len(delegates)
    tables = []
    for dimension in CompositionDimension:
        counts: dict[str, int] = {}
        for value in values[dimension.value]:
            counts[value] = counts.get(value, 0) + 1
        table = CompositionTable(dimension.value, str(dimension.label), total=total)
        for category, label in composition_categories(dimension.value):
            target = targets.get((dimension.value, category))
            count = counts.get(category, 0)
            # Show the categories present, and any with a target; hide empty others.
            if count or target is not None:
                percent = round(100 * count / total, 1) if total else 0.0
                table.rows.append(CompositionRow(category, str(label), count, percent, target))
        tables.append(table)
    return tables


# --- elections ------------------------------------------------------------------------------


def required_candidates(election: Election) -> int:
    """The fewest candidates: for a contested election more than the seats, by at least
    ``margin_percent`` of them (rounded up, at least one)."""
    if not election.contested:
        return election.seats
    return election.seats + max(1, math.ceil(election.seats * election.margin_percent / 100))


def vote_threshold(election: Election) -> int:
    """Votes needed: more than half of the delegates due to attend."""
    return election.congress.delegates_due // 2 + 1


@transaction.atomic
def create_election(
    *,
    actor: Any,
    congress: Congress,
    name: str,
    seats: int,
    held_on: datetime.date,
    contested: bool = True,
    margin_percent: int = 5,
    term_years: int | None = None,
) -> Election:
    _require(actor, "people.manage_congress", congress.org)
    if seats < 1:
        raise ValidationError({"seats": _("应选名额至少为1。")})
    return Election.objects.create(
        congress=congress,
        name=name.strip(),
        seats=seats,
        held_on=held_on,
        contested=contested,
        margin_percent=margin_percent,
        term_years=term_years or term_years_default(),
    )


def _require_draft(election: Election) -> None:
    if election.status != ElectionStatus.DRAFT:
        raise ValidationError(_("只有筹备中的选举可以修改候选人和计票数据。"))


@transaction.atomic
def add_candidates(*, actor: Any, election: Election, people: Iterable[Person]) -> list[Candidate]:
    _require(actor, "people.manage_congress", election.congress.org)
    _require_draft(election)
    existing = set(election.candidates.values_list("person_id", flat=True))
    visible = Person.objects.for_user(actor)
    added = []
    for person in people:
        if person.pk in existing:
            continue
        if not visible.filter(pk=person.pk).exists():
            raise PermissionDenied
        added.append(Candidate.objects.create(election=election, person=person))
    return added


@transaction.atomic
def remove_candidate(*, actor: Any, candidate: Candidate) -> None:
    _require(actor, "people.manage_congress", candidate.election.congress.org)
    _require_draft(candidate.election)
    candidate.delete()


@transaction.atomic
def record_tally(
    *,
    actor: Any,
    election: Election,
    ballots_issued: int,
    ballots_returned: int,
    votes: dict[int, int],
) -> Election:
    """Enter the ballots and the per-candidate tallies (candidate id → votes)."""
    _require(actor, "people.manage_congress", election.congress.org)
    _require_draft(election)
    errors: dict[str, list[str]] = {}
    due = election.congress.delegates_due
    if due and ballots_issued > due:
        errors["ballots_issued"] = [_("发出选票不能多于应到代表人数。")]
    candidates = {c.pk: c for c in election.candidates.all()}
    if set(votes) != set(candidates):
        errors["votes"] = [_("须为每位候选人填写得票数。")]
    for pk, count in votes.items():
        if count < 0 or count > ballots_returned:
            errors.setdefault("votes", []).append(
                _("%(name)s的得票数不能为负数，也不能多于收回选票。")
                % {"name": candidates[pk].person.name if pk in candidates else pk}
            )
    if errors:
        raise ValidationError(errors)
    election.ballots_issued, election.ballots_returned = ballots_issued, ballots_returned
    election.save(update_fields=["ballots_issued", "ballots_returned"])
    for pk, count in votes.items():
        candidate = candidates[pk]
        candidate.votes, candidate.outcome, candidate.rank = count, "", None
        candidate.save(update_fields=["votes", "outcome", "rank"])
    return election


@transaction.atomic
def count_election(*, actor: Any, election: Election) -> Election:
    """Decide the result: void if more ballots returned than issued; otherwise seats go by
    votes to candidates above the threshold; a tie across the last seat is a run-off."""
    _require(actor, "people.manage_congress", election.congress.org)
    _require_draft(election)
    candidates = list(election.candidates.select_related("person"))
    if len(candidates) < required_candidates(election):
        raise ValidationError(
            _("差额选举的候选人须多于应选名额：至少%(n)d人（现有%(m)d人）。")
            % {"n": required_candidates(election), "m": len(candidates)}
            if election.contested
            else _("候选人数须等于应选名额（%(n)d人，现有%(m)d人）。")
            % {"n": election.seats, "m": len(candidates)}
        )
    if election.ballots_issued is None or election.ballots_returned is None:
        raise ValidationError(_("请先录入发出和收回的选票数。"))
    if any(c.votes is None for c in candidates):
        raise ValidationError(_("请先录入每位候选人的得票数。"))
    if election.ballots_returned > election.ballots_issued:
        workflow.move(
            election, ElectionStatus.VOID, actor=actor, note=_("收回选票多于发出选票，选举无效。")
        )
        return election
    threshold = vote_threshold(election)
    ordered = sorted(candidates, key=lambda c: (-(c.votes or 0), c.pk))
    rank, previous = 0, None
    for position, candidate in enumerate(ordered, start=1):
        if candidate.votes != previous:
            rank, previous = position, candidate.votes
        candidate.rank = rank
    passing = [c for c in ordered if (c.votes or 0) >= threshold]
    elected: list[Candidate]
    runoff: list[Candidate]
    if len(passing) <= election.seats:
        elected, runoff = passing, []
    else:
        boundary = passing[election.seats - 1].votes
        assert boundary is not None  # every candidate has votes (checked above)
        above = [c for c in passing if (c.votes or 0) > boundary]
        tied = [c for c in passing if c.votes == boundary]
        if len(above) + len(tied) == election.seats:
            elected, runoff = above + tied, []
        else:
            elected, runoff = above, tied
    elected_ids, runoff_ids = {c.pk for c in elected}, {c.pk for c in runoff}
    for candidate in candidates:
        candidate.outcome = (
            CandidateOutcome.ELECTED
            if candidate.pk in elected_ids
            else CandidateOutcome.RUNOFF
            if candidate.pk in runoff_ids
            else CandidateOutcome.NOT_ELECTED
        )
    Candidate.objects.bulk_update(candidates, ["outcome", "rank"])
    workflow.move(election, ElectionStatus.COUNTED, actor=actor)
    return election


@transaction.atomic
def reopen_election(*, actor: Any, election: Election, note: str = "") -> Election:
    _require(actor, "people.manage_congress", election.congress.org)
    workflow.move(election, ElectionStatus.DRAFT, actor=actor, note=note)
    election.candidates.update(outcome="", rank=None)
    return election


@transaction.atomic
def confirm_election(*, actor: Any, election: Election) -> list[Position]:
    """Make the elected candidates executive members of the congress's org for the term."""
    _require(actor, "people.manage_congress", election.congress.org)
    if election.status != ElectionStatus.COUNTED:
        raise ValidationError(_("只有已计票的选举可以确认结果。"))
    if election.candidates.filter(outcome=CandidateOutcome.RUNOFF).exists():
        raise ValidationError(_("有票数相同需另行选举的候选人，请另行选举后再确认。"))
    workflow.move(election, ElectionStatus.CONFIRMED, actor=actor)
    start = election.held_on
    end = add_years(start, election.term_years) - datetime.timedelta(days=1)
    org = election.congress.org
    positions = [
        Position(
            person_id=c.person_id,
            org=org,
            kind=PositionKind.EXECUTIVE,
            start=start,
            end=end,
            election=election,
        )
        for c in election.candidates.filter(outcome=CandidateOutcome.ELECTED).order_by("rank", "pk")
    ]
    created = Position.objects.bulk_create(positions)
    if not CommitteeTerm.objects.filter(org=org, start=start).exists():
        CommitteeTerm.objects.create(
            org=org,
            number=election.congress.number,
            start=start,
            years=election.term_years,
            end=add_years(start, election.term_years),
        )
    return created


def election_summary(election: Election) -> dict[str, Any]:
    candidates = list(
        election.candidates.select_related("person", "person__org").order_by("rank", "pk")
    )
    counts = Counter(c.outcome for c in candidates)
    return {
        "candidates": candidates,
        "threshold": vote_threshold(election),
        "required": required_candidates(election),
        "elected": counts.get(CandidateOutcome.ELECTED, 0),
        "runoff": counts.get(CandidateOutcome.RUNOFF, 0),
        "vacant": max(0, election.seats - counts.get(CandidateOutcome.ELECTED, 0))
        if election.status in (ElectionStatus.COUNTED, ElectionStatus.CONFIRMED)
        else None,
    }


def org_people_counts(org: Org) -> dict[str, int]:
    """Current positions by kind in ``org``'s subtree (for the org page and indicators)."""
    rows = (
        Position.objects.in_subtree(org)
        .current()
        .values_list("kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)
