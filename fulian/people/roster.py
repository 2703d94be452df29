"""Roster import and export (.xlsx).

The template's columns, in this order: 姓名, 性别, 民族, 身份证号, 手机号, 学历, 政治面貌,
职业类别, 所属组织代码 (NBS code or the org's id), 职务, 任职开始.

Import is all-or-nothing: :func:`parse_roster` reads and checks every row and returns a plan
with errors that name the row and the column in Chinese; :func:`apply_plan` writes the plan
in one transaction only when there is no error. A person is matched by the blind index of
the ID number, so importing the same file again creates nobody and no position twice.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fulian.core import exports, periods
from fulian.core import personal_data as pd
from fulian.core.spreadsheets import (
    RowError,
    body_rows,
    compact_text,
    find_header,
    number_text,
    read_rows,
)
from fulian.core.text import search_key
from fulian.orgs.models import Org
from fulian.people.models import (
    ETHNICITY_NAMES_BY_CODE,
    Education,
    Gender,
    Person,
    PoliticalStatus,
    Position,
    PositionKind,
    RosterImport,
    Sector,
    birth_month,
)
from fulian.people.validators import parse_id_number, parse_phone

COLUMNS = [
    "姓名",
    "性别",
    "民族",
    "身份证号",
    "手机号",
    "学历",
    "政治面貌",
    "职业类别",
    "所属组织代码",
    "职务",
    "任职开始",
]
MAX_ROWS = 20000

GENDERS = {"女": Gender.FEMALE, "女性": Gender.FEMALE, "男": Gender.MALE, "男性": Gender.MALE}
ETHNICITIES: dict[str, str] = {}
for _code, _name in ETHNICITY_NAMES_BY_CODE:
    ETHNICITIES[_name] = _code
    if _name.endswith("族"):
        ETHNICITIES[_name[:-1]] = _code
ETHNICITIES["汉"] = "01"
EDUCATIONS = {str(c.label): c.value for c in Education} | {
    "博士": "postgraduate",
    "硕士": "postgraduate",
    "博士研究生": "postgraduate",
    "硕士研究生": "postgraduate",
    "本科": "bachelor",
    "大学": "bachelor",
    "大专": "college",
    "专科": "college",
    "高中": "secondary",
    "中专": "secondary",
    "中职": "secondary",
    "技校": "secondary",
    "职高": "secondary",
    "高中及中专": "secondary",
    "初中": "junior",
    "小学": "junior",
    "初中及以下": "junior",
    "小学及以下": "junior",
}
POLITICAL = {str(c.label): c.value for c in PoliticalStatus} | {
    "党员": "cpc",
    "中国共产党党员": "cpc",
    "预备党员": "cpc_probationary",
    "团员": "league",
    "共青团员": "league",
    "群众": "masses",
    "无党派人士": "masses",
    "民革": "democratic",
    "民盟": "democratic",
    "民建": "democratic",
    "民进": "democratic",
    "农工党": "democratic",
    "致公党": "democratic",
    "九三学社": "democratic",
    "台盟": "democratic",
}
SECTORS = {str(c.label): c.value for c in Sector} | {
    "专技人员": "professional",
    "专业技术": "professional",
    "三新": "new_sector",
    "三新组织": "new_sector",
    "新兴领域": "new_sector",
}
POSITIONS = {str(c.label): (c.value, False) for c in PositionKind} | {
    "专职副主席": ("vice_chair", False),
    "兼职副主席": ("vice_chair", True),
    "执行委员": ("executive", False),
    "执委委员": ("executive", False),
    "妇联主席": ("chair", False),
    "妇联副主席": ("vice_chair", False),
    "妇联执委": ("executive", False),
    "妇联专干": ("staff_officer", False),
}
DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y%m%d",
    "%Y年%m月%d日",
    "%Y-%m",
    "%Y/%m",
    "%Y.%m",
    "%Y年%m月",
)


@dataclass
class RosterRow:
    row: int
    name: str
    gender: str
    ethnicity: str
    id_number: str
    birth_date: datetime.date
    phone: str
    education: str
    political_status: str
    sector: str
    org: Org
    position: tuple[str, bool] | None
    start: datetime.date | None
    existing: Person | None = None

    @property
    def masked_id_number(self) -> str:
        return pd.mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return pd.mask_phone(self.phone)


@dataclass
class RosterPlan:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_people(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)


@dataclass
class ImportResult:
    rows: int
    created: int
    updated: int
    positions: int


def _text(value: Any) -> str:
    """A cell as written, without whitespace (ID numbers, phones, codes)."""
    return re.sub(r"\s+", "", number_text(value))


_cell_text = compact_text  # a text cell: normalised width, Traditional to Simplified, no spaces


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 80000:  # an Excel serial day number
            return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
        value = str(int(value))
    text = _cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise ValueError(text)


def _org_resolver(actor: Any) -> Any:
    scope = Org.objects.for_user(actor) if actor is not None else Org.objects.all()
    by_code = {o.code: o for o in scope.exclude(code=None)}
    by_id = {str(o.pk): o for o in scope}

    def resolve(value: Any) -> Org | None:
        text = _text(value)
        return by_code.get(text) or by_id.get(text)

    return resolve


def parse_roster(
    data: bytes, *, actor: Any = None, today: datetime.date | None = None
) -> RosterPlan:
    """Read and check a roster. ``actor`` None is the system (command line): every org."""
    plan = RosterPlan()
    rows = read_rows(data, max_rows=MAX_ROWS)
    if not rows:
        plan.errors.append(RowError(1, _("表头"), _("文件是空的。")))
        return plan
    start = find_header(rows, lambda r: [_cell_text(v) for v in r][: len(COLUMNS)] == COLUMNS)
    if start is None:
        plan.errors.append(
            RowError(1, _("表头"), _("表头应依次为：%(cols)s。") % {"cols": "、".join(COLUMNS)})
        )
        return plan
    body = body_rows(rows, start)
    if len(body) > MAX_ROWS:
        plan.errors.append(RowError(1, _("表头"), _("一次最多导入%(n)d行。") % {"n": MAX_ROWS}))
        return plan
    resolve_org = _org_resolver(actor)
    today = today or periods.today()
    seen: dict[str, int] = {}
    for offset, raw in body:
        cells = (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]
        if all(_text(c) == "" for c in cells):
            continue
        row = _parse_row(offset, cells, resolve_org, today, plan.errors)
        if row is None:
            continue
        first = seen.get(row.id_number)
        if first is not None:
            plan.errors.append(
                RowError(offset, "身份证号", _("与第%(row)d行的身份证号重复。") % {"row": first})
            )
            continue
        seen[row.id_number] = offset
        plan.rows.append(row)
    _match_existing(plan, actor)
    return plan


def _parse_row(
    offset: int, cells: list[Any], resolve_org: Any, today: datetime.date, errors: list[RowError]
) -> RosterRow | None:
    name_v, gender_v, eth_v, id_v, phone_v, edu_v, pol_v, sec_v, org_v, pos_v, start_v = cells
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(offset, column, message))

    name = re.sub(r"\s+", "", "" if name_v is None else str(name_v)).strip()
    if not name:
        err("姓名", _("不能为空。"))
    elif len(name) > 50:
        err("姓名", _("不能超过50个字。"))
    info = None
    try:
        info = parse_id_number(id_v if isinstance(id_v, float) else _text(id_v), today=today)
    except ValidationError as error:
        err("身份证号", error.messages[0])
    gender = ""
    gender_text = _cell_text(gender_v)
    if gender_text:
        gender = GENDERS.get(gender_text, "")
        if not gender:
            err("性别", _("应为“女”或“男”。"))
        elif info is not None and gender != info.gender:
            err("性别", _("与身份证号不一致。"))
    ethnicity = ETHNICITIES.get(_cell_text(eth_v), "")
    if not _cell_text(eth_v):
        err("民族", _("不能为空。"))
    elif not ethnicity:
        err("民族", _("“%(v)s”不是国家标准中的民族名称。") % {"v": _cell_text(eth_v)[:20]})
    phone = ""
    if _text(phone_v):
        try:
            phone = parse_phone(phone_v)
        except ValidationError as error:
            err("手机号", error.messages[0])

    def choice(column: str, value: Any, table: dict[str, str]) -> str:
        text = _cell_text(value)
        if not text:
            return ""
        if text not in table:
            err(column, _("“%(v)s”不是可选值。") % {"v": text[:20]})
            return ""
        return table[text]

    education = choice("学历", edu_v, EDUCATIONS)
    political = choice("政治面貌", pol_v, POLITICAL)
    sector = choice("职业类别", sec_v, SECTORS)
    org = None
    if not _text(org_v):
        err("所属组织代码", _("不能为空。"))
    else:
        org = resolve_org(org_v)
        if org is None:
            err("所属组织代码", _("未找到该组织，或不在您的管辖范围内。"))
    position = None
    if _cell_text(pos_v):
        position = POSITIONS.get(_cell_text(pos_v))
        if position is None:
            err("职务", _("“%(v)s”不是可选的职务。") % {"v": _cell_text(pos_v)[:20]})
        # A grid worker comes in without a grid (the roster has no grid column): the
        # village assigns the grid on the grids page; the roster shows the worker meanwhile.
    start = None
    if _text(start_v):
        try:
            start = _date(start_v)
        except (ValueError, OverflowError):
            err("任职开始", _("日期格式不正确，应如 2023-01-05。"))
        else:
            if not datetime.date(1949, 10, 1) <= start <= today + datetime.timedelta(days=366):
                err("任职开始", _("日期超出合理范围。"))
                start = None
    elif position is not None:
        pass  # an unknown start date is allowed
    if len(errors) > before or info is None or org is None:
        return None
    return RosterRow(
        offset,
        name,
        gender or info.gender,
        ethnicity,
        info.number,
        birth_month(info.birth_date),
        phone,
        education,
        political,
        sector,
        org,
        position,
        start,
    )


def _match_existing(plan: RosterPlan, actor: Any) -> None:
    """Attach the existing person of each row (by blind index). A person registered outside
    the actor's scope is an error that says only that they exist elsewhere."""
    indexes = {pd.blind_index(pd.ID_NUMBER, r.id_number): r for r in plan.rows}
    found: dict[str, Person] = {}
    keys = list(indexes)
    for i in range(0, len(keys), 500):
        for person in Person.objects.filter(id_number_index__in=keys[i : i + 500]).select_related(
            "org"
        ):
            found[person.id_number_index] = person
    visible: set[int] = set()
    if actor is not None and found:
        ids = [p.pk for p in found.values()]
        for i in range(0, len(ids), 500):
            visible |= set(
                Person.objects.for_user(actor)
                .filter(pk__in=ids[i : i + 500])
                .values_list("pk", flat=True)
            )
    kept = []
    for index, row in indexes.items():
        existing = found.get(index)
        if existing is not None and actor is not None and existing.pk not in visible:
            plan.errors.append(
                RowError(
                    row.row,
                    "身份证号",
                    _("该人员已在其他组织登记。如需调入，请联系区妇联办理调转。"),
                )
            )
            continue
        row.existing = existing
        kept.append(row)
    plan.rows = sorted(kept, key=lambda r: r.row)
    plan.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))


@transaction.atomic
def apply_plan(plan: RosterPlan, *, actor: Any = None, filename: str = "") -> ImportResult:
    """Write a checked plan: new people in bulk, changed people updated, positions added
    unless the person already holds the same current position in the same org."""
    if not plan.ok:
        raise ValidationError([str(e) for e in plan.errors])
    if actor is not None and not actor.has_perm("fulian.edit"):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    new: list[Person] = []
    changed: list[Person] = []
    fields = [
        "org",
        "name",
        "gender",
        "ethnicity",
        "birth_date",
        "education",
        "political_status",
        "sector",
        "search_text",
        "phone_cipher",
        "phone_index",
        "updated_at",
    ]
    for row in plan.rows:
        person = row.existing
        if person is None:
            person = Person(
                org=row.org,
                name=row.name,
                gender=row.gender,
                ethnicity=row.ethnicity,
                birth_date=row.birth_date,
                education=row.education,
                political_status=row.political_status,
                sector=row.sector,
                search_text=search_key(row.name),
            )
            person.id_number = row.id_number
            person.phone = row.phone
            new.append(person)
            row.existing = person
            continue
        before = _snapshot(person)
        person.org, person.name, person.gender = row.org, row.name, row.gender
        person.ethnicity, person.birth_date = row.ethnicity, row.birth_date
        person.education = row.education or person.education
        person.political_status = row.political_status or person.political_status
        person.sector = row.sector or person.sector
        if row.phone and pd.blind_index(pd.PHONE, row.phone) != person.phone_index:
            person.phone = row.phone
        if _snapshot(person) != before:
            person.search_text = search_key(person.name)
            person.updated_at = _now()
            changed.append(person)
    Person.objects.bulk_create(new, batch_size=500)
    if changed:
        Person.objects.bulk_update(changed, fields, batch_size=500)
    positions = _new_positions(plan.rows)
    Position.objects.bulk_create(positions, batch_size=500)
    orgs = {r.org.pk: r.org for r in plan.rows}
    record_org = actor.org if actor is not None else _common_ancestor(list(orgs.values()))
    RosterImport.objects.create(
        org=record_org,
        actor=actor,
        filename=filename[:200],
        rows=len(plan.rows),
        created=len(new),
        updated=len(changed),
        positions=len(positions),
    )
    return ImportResult(len(plan.rows), len(new), len(changed), len(positions))


def _now() -> datetime.datetime:

    return periods.now()


def _snapshot(p: Person) -> tuple[Any, ...]:
    return (
        p.org_id,
        p.name,
        p.gender,
        p.ethnicity,
        p.birth_date,
        p.education,
        p.political_status,
        p.sector,
        p.phone_index,
    )


def _new_positions(rows: Iterable[RosterRow]) -> list[Position]:
    wanted = [r for r in rows if r.position is not None]
    if not wanted:
        return []
    person_ids = [r.existing.pk for r in wanted if r.existing is not None]
    held: set[tuple[int, int, str]] = set()
    for i in range(0, len(person_ids), 500):
        held |= set(
            Position.objects.current()
            .filter(person_id__in=person_ids[i : i + 500])
            .values_list("person_id", "org_id", "kind")
        )
    created = []
    for r in wanted:
        assert r.existing is not None and r.position is not None
        kind, part_time = r.position
        key = (r.existing.pk, r.org.pk, kind)
        if key in held:
            continue
        held.add(key)
        created.append(
            Position(person=r.existing, org=r.org, kind=kind, part_time=part_time, start=r.start)
        )
    return created


def _common_ancestor(orgs: list[Org]) -> Org:
    if not orgs:
        return Org.objects.order_by("path").first()  # type: ignore[return-value]
    prefix = orgs[0].path
    for org in orgs[1:]:
        while not org.path.startswith(prefix):
            prefix = prefix[: -Org.steplen]
    prefix = prefix or orgs[0].path[: Org.steplen]
    return Org.objects.get(path=prefix)


def import_roster(
    data: bytes, *, actor: Any = None, filename: str = ""
) -> tuple[RosterPlan, ImportResult | None]:
    """Parse and, if every row is good, apply; otherwise import nothing."""
    plan = parse_roster(data, actor=actor)
    if not plan.ok:
        return plan, None
    try:
        with transaction.atomic():
            return plan, apply_plan(plan, actor=actor, filename=filename)
    except IntegrityError:
        # The same people were imported by someone else between our check and our write
        # (two confirms at once): read the file again, now finding them, as if it had
        # come second.
        plan = parse_roster(data, actor=actor)
        if not plan.ok:
            return plan, None
        return plan, apply_plan(plan, actor=actor, filename=filename)


# --- template and export ---------------------------------------------------------------------


def template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "花名册"
    ws.append(COLUMNS)
    for col, width in zip("ABCDEFGHIJK", (10, 6, 10, 22, 14, 12, 14, 14, 16, 12, 12), strict=True):
        ws.column_dimensions[col].width = width
        ws[f"{col}1"].font = Font(bold=True)
    # ID numbers, phones and codes are text, or Excel turns them into rounded numbers.
    for col in "DEI":
        for row in range(2, 2002):
            ws[f"{col}{row}"].number_format = "@"
    lists = {
        "B": ["女", "男"],
        "F": [str(c.label) for c in Education],
        "G": [str(c.label) for c in PoliticalStatus],
        "H": [str(c.label) for c in Sector],
        "J": ["主席", "专职副主席", "兼职副主席", "执委", "儿童主任", "专干"],
    }
    for col, options in lists.items():
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        dv.add(f"{col}2:{col}2001")
        ws.add_data_validation(dv)
    help_sheet = wb.create_sheet("说明")
    help_sheet.append(["列", "说明"])
    for col, text in [
        ("所属组织代码", "12位统计用区划代码（村、社区）或9位（乡镇、街道），或组织编号"),
        ("身份证号", "18位，港澳台居民居住证号码（810000、820000、830000开头）亦可"),
        ("民族", "如 汉族、回族"),
        ("职务", "主席、专职副主席、兼职副主席、执委、儿童主任、专干；网格员请在网格页面设置"),
        ("任职开始", "日期，如 2023-01-05"),
    ]:
        help_sheet.append([col, text])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_workbook(
    people: Iterable[Person], *, org: Org | None = None, reveal: bool = False
) -> bytes:
    """The people as a printable roster in the template's columns, then the org's name (ID
    numbers and phones masked unless ``reveal``, which the caller has checked and logged).
    It imports back: the reader finds the header under the title and stops at 合计."""
    from django.utils import translation

    with translation.override("zh-hans"):  # the template's own words, so it re-imports
        book = exports.new_book()
        exports.add_table(
            book,
            sheet="花名册",
            title=exports.title(org, "花名册"),
            columns=EXPORT_COLUMNS,
            rows=_export_rows(people, reveal=reveal),
            totals=False,
        )
        return exports.to_bytes(book)


EXPORT_COLUMNS = [
    *[exports.Column(c) for c in COLUMNS[:-1]],
    exports.Column(COLUMNS[-1], exports.DATE),
    exports.Column("所属组织"),
]


def _export_rows(people: Iterable[Person], *, reveal: bool) -> Iterable[list[Any]]:
    labels = {
        name: {k: str(v) for k, v in Person._meta.get_field(name).choices}  # type: ignore[union-attr]
        for name in ("gender", "ethnicity", "education", "political_status", "sector")
    }
    today = periods.today()
    for p in people:
        current = [
            pos for pos in p.positions.all() if pos.is_current(today) and pos.org_id == p.org_id
        ]
        pos = current[0] if current else None
        yield [
            p.name,
            labels["gender"].get(p.gender, ""),
            labels["ethnicity"].get(p.ethnicity, ""),
            p.id_number if reveal else p.masked_id_number,
            p.phone if reveal else p.masked_phone,
            labels["education"].get(p.education, ""),
            labels["political_status"].get(p.political_status, ""),
            labels["sector"].get(p.sector, ""),
            p.org.code or str(p.org.pk),
            (_position_label(pos) if pos else ""),
            (pos.start if pos else None),
            p.org.name,
        ]


def _position_label(pos: Position) -> str:
    if pos.kind == PositionKind.VICE_CHAIR:
        return "兼职副主席" if pos.part_time else "专职副主席"
    return str(PositionKind(pos.kind).label)


def read_file(path_or_file: str | IO[bytes]) -> bytes:
    if isinstance(path_or_file, str):
        with open(path_or_file, "rb") as f:
            return f.read()
    return path_or_file.read()
