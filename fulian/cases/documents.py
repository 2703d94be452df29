"""Documents out of cases: the mediation agreement (.docx from a docxtpl template) and the
case list workbook (anonymous unless the reader opens every case in it)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from docxtpl import DocxTemplate
from openpyxl import Workbook
from openpyxl.styles import Font

from fulian.cases import access
from fulian.cases.models import Case, CaseParty

TEMPLATE = Path(__file__).parent / "documents" / "agreement.docx"


def agreement_docx(case: Case) -> bytes:
    """The agreement from the template: adult parties only (a minor is named in no
    document that leaves the system)."""
    template = DocxTemplate(str(TEMPLATE))
    parties = [
        {"role": p.get_role_display(), "name": p.name} for p in case.parties.filter(is_minor=False)
    ]
    mediators = "、".join(m.name for m in case.mediators.all())
    template.render(
        {
            "number": case.number,
            "workroom": case.venue.name,
            "parties": parties,
            "dispute": case.get_dispute_type_display(),
            "summary": case.summary,
            "agreement": case.agreement_text or case.outcome_note or "",
            "mediators": mediators,
            "date": f"{(case.concluded_on or case.opened_on):%Y年%m月%d日}",
        }
    )
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def case_workbook(user: Any, cases: Any) -> bytes:
    """One row per case. Party names (adults only) appear only when the user opens every
    case in the list without needing a reason."""
    cases = cases.select_related("venue", "org")
    ids = [c.pk for c in cases]
    named = bool(ids) and len(access.openable_ids(user, Case.objects.filter(pk__in=ids))) == len(
        ids
    )
    names: dict[int, list[str]] = {}
    if named:
        for case_id, name in CaseParty.objects.filter(case_id__in=ids, is_minor=False).values_list(
            "case_id", "name"
        ):
            names.setdefault(case_id, []).append(name)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("婚调案件")
    header = [
        _("案件编号"),
        _("婚调工作室"),
        _("所属组织"),
        _("纠纷类型"),
        _("风险等级"),
        _("涉及家庭暴力"),
        _("涉及未成年人"),
        _("状态"),
        _("调解结果"),
        _("受理日期"),
        _("结果日期"),
        _("结案日期"),
    ]
    if named:
        header.append(_("当事人"))
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    yes, no = _("是"), _("否")
    for c in cases:
        row = [
            c.number,
            c.venue.name,
            c.org.name,
            c.get_dispute_type_display(),
            c.get_risk_display(),
            yes if c.domestic_violence else no,
            yes if c.minors_involved else no,
            c.get_status_display(),
            c.get_outcome_display() if c.outcome else "",
            c.opened_on,
            c.concluded_on,
            c.closed_on,
        ]
        if named:
            row.append("、".join(names.get(c.pk, [])))
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
