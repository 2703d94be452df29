"""The unit register (应建未建单位) as .xlsx: template, reading and checking an import, export.

The columns, in this order: 单位名称, 统一社会信用代码, 单位类型 (the kind's Chinese label),
所属区域代码 (the NBS code of the area, or the org's id), 女职工（成员）人数. The export adds
所在区域 and 状态 after them for the reader; the import ignores columns after the fifth, so
an exported file imports back.

Reading is all-or-nothing: :func:`parse_units` checks every row and returns a plan whose
errors name the row and the column in Chinese; ``services.import_units`` writes a plan only
when it has no error. A row is the same unit as a registered one when the credit code
matches (within the actor's scope), or else when the name and the area match, so importing
the same file again creates nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from fulian.building.models import Unit, UnitKind, UnitStatus
from fulian.core import exports
from fulian.core.scope import subtree_bounds, user_org
from fulian.core.spreadsheets import (
    RowError,
    body_rows,
    compact_text,
    find_header,
    number_text,
    read_rows,
)
from fulian.orgs.models import DIVISION_KINDS, Org

COLUMNS = ["单位名称", "统一社会信用代码", "单位类型", "所属区域代码", "女职工（成员）人数"]
EXPORT_COLUMNS = [*COLUMNS, "所在区域", "状态"]
MAX_ROWS = 5000
MAX_COUNT = 1_000_000

# Words registers use for a kind, besides its Chinese label and its code.
KIND_ALIASES: dict[str, str] = {
    "机关单位": UnitKind.INSTITUTION,
    "党政机关": UnitKind.INSTITUTION,
    "国家机关": UnitKind.INSTITUTION,
    "企业单位": UnitKind.ENTERPRISE,
    "新经济": UnitKind.NEW_ECONOMIC,
    "新社会": UnitKind.NEW_SOCIAL,
    "新就业": UnitKind.NEW_EMPLOYMENT,
    "新就业形态群体": UnitKind.NEW_EMPLOYMENT,
}


def _kind_labels() -> list[str]:
    with translation.override("zh-hans"):
        return [str(k.label) for k in UnitKind]


def _kinds() -> dict[str, str]:
    """Label (as the template's list offers), code and aliases to the kind's code."""
    labels = dict(zip(_kind_labels(), UnitKind.values, strict=True))
    return labels | {k.value: k.value for k in UnitKind} | KIND_ALIASES


@dataclass
class UnitRow:
    row: int
    name: str
    credit_code: str | None
    kind: str
    org: Org
    women_count: int
    existing: Unit | None = None

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label)

    def changes(self) -> dict[str, Any]:
        """The fields an existing unit would take from this row (empty when the same).
        A blank credit code in the file keeps the registered one."""
        unit = self.existing
        if unit is None:
            return {}
        wanted: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "org": self.org,
            "women_count": self.women_count,
        }
        if self.credit_code:
            wanted["credit_code"] = self.credit_code
        return {k: v for k, v in wanted.items() if getattr(unit, k) != v}


@dataclass
class UnitPlan:
    rows: list[UnitRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_units(self) -> int:
        return sum(1 for r in self.rows if r.existing is None)

    @property
    def changed_units(self) -> int:
        return sum(1 for r in self.rows if r.existing is not None and r.changes())


# --- cells -----------------------------------------------------------------------------------


def _name(value: Any) -> str:
    """A unit's name as written, without surrounding spaces and with inner runs of spaces
    (full-width ones too) made one."""
    return re.sub(r"[\s\u3000]+", " ", number_text(value)).strip()


def name_key(name: str) -> str:
    """What two names must share to be the same unit: width, script and spaces ignored."""
    return compact_text(name)


def is_blank(value: Any) -> bool:
    return compact_text(value) == ""


# --- checking a file -------------------------------------------------------------------------


def _area_resolver(actor: Any) -> Callable[[Any], Org | None]:
    """Areas the actor may import into, by NBS code or by id (``actor`` None: every org)."""
    scope = Org.objects.for_user(actor) if actor is not None else Org.objects.all()
    orgs = list(scope.only("pk", "code", "name", "kind", "status", "path", "depth"))
    by_code = {o.code: o for o in orgs if o.code}
    by_id = {str(o.pk): o for o in orgs}

    def resolve(value: Any) -> Org | None:
        text = compact_text(value)
        return by_code.get(text) or by_id.get(text)

    return resolve


def _credit_code(value: Any) -> str:
    text = compact_text(value).upper()
    try:
        return str(uscc.validate(text))
    except uscc.InvalidLength as exc:
        raise ValueError(_("应为18位，现为%(n)d位。") % {"n": len(text)}) from exc
    except uscc.InvalidChecksum as exc:
        if isinstance(value, (int, float)):
            raise ValueError(
                _("校验位不正确（该单元格是数字格式，末几位可能已被 Excel 改变，请设为文本格式）。")
            ) from exc
        raise ValueError(_("校验位不正确，请核对。")) from exc
    except uscc.ValidationError as exc:
        raise ValueError(_("格式不正确。")) from exc


def _count(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, (int, float)):
        if float(value) != int(value):
            raise ValueError
        number = int(value)
    else:
        text = compact_text(value)
        if text == "":
            return 0
        if not re.fullmatch(r"\d+(\.0+)?", text):
            raise ValueError
        number = int(text.split(".")[0])
    if number < 0 or number > MAX_COUNT:
        raise ValueError
    return number


def _parse_row(
    number: int,
    cells: list[Any],
    resolve_area: Callable[[Any], Org | None],
    kinds: dict[str, str],
    errors: list[RowError],
) -> UnitRow | None:
    name_v, code_v, kind_v, area_v, count_v = cells
    before = len(errors)

    def err(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    name = _name(name_v)
    if not name:
        err("单位名称", _("不能为空。"))
    elif len(name) > 100:
        err("单位名称", _("不能超过100个字。"))
    code = None
    if not is_blank(code_v):
        try:
            code = _credit_code(code_v)
        except ValueError as exc:
            err("统一社会信用代码", str(exc))
    kind = ""
    kind_text = compact_text(kind_v)
    if not kind_text:
        err("单位类型", _("不能为空。"))
    else:
        kind = kinds.get(kind_text) or kinds.get(kind_text.lower(), "")
        if not kind:
            err(
                "单位类型",
                _("“%(v)s”不是可选的单位类型（%(options)s）。")
                % {"v": kind_text[:20], "options": "、".join(_kind_labels())},
            )
    area = None
    if is_blank(area_v):
        err("所属区域代码", _("不能为空。"))
    else:
        area = resolve_area(area_v)
        if area is None:
            err("所属区域代码", _("未找到该区域，或不在您的管辖范围内。"))
        elif area.kind not in DIVISION_KINDS:
            err("所属区域代码", _("应为区县、乡镇（街道）或村（社区）的区划，不能是单位组织。"))
        elif area.status != "active":
            err("所属区域代码", _("该区域已撤销。"))
    count = 0
    try:
        count = _count(count_v)
    except (ValueError, OverflowError):
        err("女职工（成员）人数", _("应为0到%(max)d之间的整数。") % {"max": MAX_COUNT})
    if len(errors) > before or area is None:
        return None
    return UnitRow(number, name, code, kind, area, count)


def _header_key(value: Any) -> str:
    return compact_text(value)


def parse_units(data: bytes, *, actor: Any = None) -> UnitPlan:
    """Read and check a unit register. ``actor`` None is the system (command line)."""
    plan = UnitPlan()
    rows = read_rows(data, max_rows=MAX_ROWS)
    if not rows or all(all(is_blank(c) for c in r) for r in rows):
        plan.errors.append(RowError(1, _("表头"), _("文件是空的。")))
        return plan
    wanted = [_header_key(c) for c in COLUMNS]
    start = find_header(rows, lambda r: [_header_key(v) for v in r][: len(COLUMNS)] == wanted)
    if start is None:
        plan.errors.append(
            RowError(1, _("表头"), _("表头应依次为：%(cols)s。") % {"cols": "、".join(COLUMNS)})
        )
        return plan
    body = body_rows(rows, start)
    if len(body) > MAX_ROWS:
        plan.errors.append(RowError(1, _("表头"), _("一次最多导入%(n)d行。") % {"n": MAX_ROWS}))
        return plan
    resolve_area = _area_resolver(actor)
    kinds = _kinds()
    by_code: dict[str, int] = {}
    by_name: dict[tuple[int, str], int] = {}
    for number, raw in body:
        cells = (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]
        if all(is_blank(c) for c in cells):
            continue  # blank rows anywhere are skipped
        row = _parse_row(number, cells, resolve_area, kinds, plan.errors)
        if row is None:
            continue
        if row.credit_code:
            first = by_code.get(row.credit_code)
            if first is not None:
                plan.errors.append(
                    RowError(
                        number,
                        "统一社会信用代码",
                        _("与第%(row)d行的统一社会信用代码重复。") % {"row": first},
                    )
                )
                continue
        key = (row.org.pk, name_key(row.name))
        first = by_name.get(key)
        if first is not None:
            plan.errors.append(
                RowError(
                    number, "单位名称", _("与第%(row)d行的单位名称和区域重复。") % {"row": first}
                )
            )
            continue
        if row.credit_code:
            by_code[row.credit_code] = number
        by_name[key] = number
        plan.rows.append(row)
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(2, _("数据"), _("表头之下没有可导入的行。")))
        return plan
    _match_existing(plan, actor)
    plan.errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return plan


def _match_existing(plan: UnitPlan, actor: Any) -> None:
    """Attach the registered unit each row stands for: by credit code within the actor's
    scope, else by name and area. A code registered outside the scope is an error."""
    root = user_org(actor) if actor is not None else None
    if actor is not None and root is None:
        plan.errors.extend(
            RowError(r.row, "所属区域代码", _("未找到该区域，或不在您的管辖范围内。"))
            for r in plan.rows
        )
        plan.rows = []
        return
    bounds = subtree_bounds(root.path) if root is not None else None

    def in_scope(unit: Unit) -> bool:
        return bounds is None or bounds[0] <= unit.org.path <= bounds[1]

    codes = [r.credit_code for r in plan.rows if r.credit_code]
    by_code: dict[str, Unit] = {}
    for i in range(0, len(codes), 500):
        for found in Unit.objects.filter(credit_code__in=codes[i : i + 500]).select_related("org"):
            by_code[found.credit_code or ""] = found
    area_ids = sorted({r.org.pk for r in plan.rows})
    by_name: dict[tuple[int, str], list[Unit]] = {}
    for i in range(0, len(area_ids), 500):
        for found in Unit.objects.filter(org_id__in=area_ids[i : i + 500]).select_related("org"):
            by_name.setdefault((found.org_id, name_key(found.name)), []).append(found)
    claimed: dict[int, int] = {}
    kept = []
    for row in plan.rows:

        def err(column: str, message: str, row: UnitRow = row) -> None:
            plan.errors.append(RowError(row.row, column, message))

        unit: Unit | None = by_code.get(row.credit_code or "")
        if unit is not None and not in_scope(unit):
            err("统一社会信用代码", _("该统一社会信用代码已由管辖范围以外的区域登记。"))
            continue
        if unit is None:
            same_name = by_name.get((row.org.pk, name_key(row.name)), [])
            if row.credit_code:
                # A registered unit of that name with no code is this one; with another
                # code it is a different unit of the same name, which is an error.
                unit = next((u for u in same_name if not u.credit_code), None)
                other = next((u for u in same_name if u.credit_code), None)
                if unit is None and other is not None:
                    err(
                        "统一社会信用代码",
                        _("该区域已登记同名单位，统一社会信用代码为%(code)s，与本行不同。")
                        % {"code": other.credit_code},
                    )
                    continue
            elif same_name:
                unit = same_name[0]
        if unit is not None:
            first = claimed.get(unit.pk)
            if first is not None:
                err("单位名称", _("与第%(row)d行是同一个已登记单位。") % {"row": first})
                continue
            claimed[unit.pk] = row.row
            if unit.status == UnitStatus.FOUNDED and unit.kind != row.kind:
                err("单位类型", _("该单位已建立妇女组织，不能再改类型。"))
                continue
        row.existing = unit
        kept.append(row)
    plan.rows = kept


# --- template and export ---------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDTHS = (36, 24, 14, 16, 12, 20, 10)


def template_workbook() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "应建单位"
    ws.append(COLUMNS)
    for i, width in enumerate(WIDTHS[: len(COLUMNS)]):
        col = "ABCDE"[i]
        ws.column_dimensions[col].width = width
        ws[f"{col}1"].font = Font(bold=True)
    # Codes are text, or Excel turns them into rounded numbers.
    for col in "BD":
        for row in range(2, 2002):
            ws[f"{col}{row}"].number_format = "@"
    kinds = DataValidation(
        type="list", formula1='"' + ",".join(_kind_labels()) + '"', allow_blank=True
    )
    kinds.add("C2:C2001")
    counts = DataValidation(
        type="whole", operator="between", formula1="0", formula2=str(MAX_COUNT), allow_blank=True
    )
    counts.add("E2:E2001")
    ws.add_data_validation(kinds)
    ws.add_data_validation(counts)
    notes = wb.create_sheet("说明")
    notes.append(["列", "说明"])
    for col, text in [
        ("单位名称", "必填，不超过100字"),
        ("统一社会信用代码", "18位，可不填；填写的须通过校验位检查"),
        ("单位类型", "、".join(_kind_labels())),
        ("所属区域代码", "单位所在区域的统计用区划代码（如乡镇9位、村社区12位），或组织编号"),
        ("女职工（成员）人数", "整数，不填为0"),
        ("重复导入", "按统一社会信用代码、其次按单位名称和区域识别已登记单位，不会重复登记"),
    ]:
        notes.append([col, text])
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["B"].width = 70
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_workbook(units: Iterable[Unit], *, org: Any = None) -> bytes:
    """The units in the template's columns, then area name and status (labels in
    Simplified Chinese, the template's own words, so the file imports back), printable,
    with the total of women."""
    with translation.override("zh-hans"):
        kinds = dict(UnitKind.choices)
        statuses = dict(UnitStatus.choices)
        book = exports.new_book()
        exports.add_table(
            book,
            sheet="应建单位",
            title=exports.title(org, "应建未建单位名单"),
            columns=[
                exports.Column(c, exports.INT, total=True) if c == COLUMNS[4] else exports.Column(c)
                for c in EXPORT_COLUMNS
            ],
            rows=(
                [
                    unit.name,
                    unit.credit_code or "",
                    str(kinds.get(unit.kind, unit.kind)),
                    unit.org.code or str(unit.org.pk),
                    unit.women_count,
                    unit.org.name,
                    str(statuses.get(unit.status, unit.status)),
                ]
                for unit in units
            ),
        )
        return exports.to_bytes(book)
