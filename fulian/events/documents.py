"""Documents out of attendance: the attendance sheet (.xlsx) and completion certificates
(PDF, WeasyPrint with a CJK font)."""

from __future__ import annotations

import io
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from fulian.events import services
from fulian.events.models import Activity, Attendance, AttendanceStatus, TrainingClass

CJK_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
)


class MissingCJKFont(RuntimeError):
    """No Chinese font: WeasyPrint would print boxes instead of characters."""


@cache
def cjk_font_family() -> str:
    """The first installed CJK font family, or raise MissingCJKFont with what to install."""
    fc_list = shutil.which("fc-list")
    if fc_list is not None:
        result = subprocess.run(  # noqa: S603 - fixed arguments, no user input
            [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10, check=False
        )
        installed = {f.strip() for line in result.stdout.splitlines() for f in line.split(",")}
        for family in CJK_FAMILIES:
            if family in installed:
                return family
        if installed - {""}:
            return sorted(installed - {""})[0]
    raise MissingCJKFont(
        _(
            "服务器缺少中文字体，无法生成 PDF。请安装 Noto CJK 字体（Debian：apt-get install fonts-noto-cjk）。"  # noqa: E501
        )
    )


def attendance_workbook(activity: Activity) -> bytes:
    """Sheet 签到表: one row per person (or pending name), one column per session
    (✓, 迟到 when late), then sessions attended; sheet 汇总: 人次 and 人数 per session."""
    sessions = list(services.with_counts(activity.sessions.all()))
    attendances = (
        Attendance.objects.filter(session__activity=activity, status=AttendanceStatus.CONFIRMED)
        .select_related("person__org")
        .order_by("person__name", "name", "pk")
    )
    rows: dict[Any, dict[str, Any]] = {}
    for a in attendances:
        key = a.person_id or f"phone:{a.phone_index or a.pk}"
        row = rows.setdefault(
            key,
            {
                "name": a.person.name if a.person else a.name,
                "org": a.person.org.name if a.person else "",
                "phone": a.person.masked_phone if a.person else a.masked_phone,
                "marks": {},
            },
        )
        row["marks"][a.session_id] = _("迟到") if a.late else "✓"
    book = Workbook()
    sheet = book.active
    sheet.title = _("签到表")
    sheet.append([activity.title])
    sheet.append(
        [_("序号"), _("姓名"), _("单位"), _("手机号码")]
        + [f"{timezone.localtime(s.start):%m-%d %H:%M} {s.title}" for s in sessions]
        + [_("出勤场次")]
    )
    for number, row in enumerate(sorted(rows.values(), key=lambda r: (r["org"], r["name"])), 1):
        sheet.append(
            [number, row["name"], row["org"], row["phone"]]
            + [row["marks"].get(s.pk, "") for s in sessions]
            + [len(row["marks"])]
        )
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for column in range(1, 5 + len(sessions) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 14 if column > 1 else 6
    summary = book.create_sheet(_("汇总"))
    summary.append([_("场次"), _("开始时间"), _("人次"), _("人数")])
    for s in sessions:
        summary.append(
            [
                s.title,
                f"{timezone.localtime(s.start):%Y-%m-%d %H:%M}",
                s.attendance_count,
                s.people_count,
            ]
        )
    counts = services.activity_counts(activity)
    summary.append([_("合计"), "", counts.attendances, counts.people])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def certificates_html(training: TrainingClass) -> str:
    activity = training.activity
    return render_to_string(
        "events/certificate.html",
        {
            "training": training,
            "activity": activity,
            "completers": services.completers(training),
            "start": timezone.localtime(activity.start).date(),
            "end": timezone.localtime(activity.end).date() if activity.end else None,
        },
    )


CERTIFICATE_CSS = Path(__file__).parent / "static" / "events" / "certificate.css"


def certificates_document(training: TrainingClass) -> Any:
    """The rendered WeasyPrint document (its pages can be inspected before writing)."""
    from weasyprint import CSS, HTML

    family = cjk_font_family()
    return HTML(string=certificates_html(training)).render(
        stylesheets=[
            CSS(filename=str(CERTIFICATE_CSS)),
            CSS(string=f'body {{ font-family: "{family}", serif; }}'),
        ]
    )


def certificates_pdf(training: TrainingClass) -> bytes:
    return bytes(certificates_document(training).write_pdf())
