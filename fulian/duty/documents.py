"""Documents of 干 duty: evaluation results (PDF, .xlsx) and the duty file (PDF), with
WeasyPrint and the CJK font the certificates use."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from fulian.duty import services
from fulian.duty.models import EvaluationRound, Grade
from fulian.events.documents import MissingCJKFont, cjk_font_family

__all__ = ["MissingCJKFont", "duty_file_pdf", "results_pdf", "results_workbook"]

PRINT_CSS = Path(__file__).parent / "static" / "duty" / "print.css"


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML

    family = cjk_font_family()
    html = render_to_string(template, context)
    return bytes(
        HTML(string=html)
        .render(
            stylesheets=[
                CSS(filename=str(PRINT_CSS)),
                CSS(string=f'body {{ font-family: "{family}", serif; }}'),
            ]
        )
        .write_pdf()
    )


def results_pdf(rnd: EvaluationRound) -> bytes:
    return _pdf(
        "duty/results_print.html",
        {"round": rnd, "results": services.results(rnd=rnd), "turnout": services.turnout(rnd),
         "grades": Grade.choices},
    )  # fmt: skip


def results_workbook(rnd: EvaluationRound) -> bytes:
    results = services.results(rnd=rnd)
    turnout = services.turnout(rnd)
    book = Workbook()
    sheet = book.active
    sheet.title = _("测评结果")
    sheet.append([rnd.title])
    sheet.append([_("发放投票码"), turnout.issued, _("收回选票"), turnout.used])
    header = [_("序号"), _("姓名"), _("单位")]
    for _code, label in Grade.choices:
        header += [f"{label}{_('（票）')}", f"{label}{_('（%）')}"]
    header += [_("有效票"), _("测评结果")]
    sheet.append(header)
    for number, r in enumerate(results, start=1):
        row: list[Any] = [number, r.evaluee.person.name, r.evaluee.person.org.name]
        for code, _label in Grade.choices:
            row += [r.counts.get(code, 0), float(r.share(code))]
        row += [r.total, r.outcome_label]
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def duty_file_pdf(file: services.DutyFile) -> bytes:
    return _pdf("duty/file_print.html", {"file": file})
