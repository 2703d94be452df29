"""Documents out of attendance: the attendance sheet (.xlsx) and completion certificates
(PDF, WeasyPrint with a CJK font)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import exports
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
    people = sorted(rows.values(), key=lambda r: (r["org"], r["name"]))
    first = timezone.localtime(activity.start).date()
    last = timezone.localtime(activity.end).date() if activity.end else first
    dates = f"{first:%Y-%m-%d}" if last == first else f"{first:%Y-%m-%d} – {last:%Y-%m-%d}"
    book = exports.new_book()
    exports.add_table(
        book,
        sheet=_("签到表"),
        title=_("%(title)s签到表") % {"title": activity.title},
        facts=[
            (_("举办单位"), exports.federation(activity.org)),
            (_("举办日期"), dates),
        ],
        columns=[
            exports.Column(_("序号"), exports.INT),
            exports.Column(_("姓名")),
            exports.Column(_("单位")),
            exports.Column(_("手机号码")),
            *[
                exports.Column(f"{timezone.localtime(s.start):%m-%d %H:%M} {s.title}", width=12)
                for s in sessions
            ],
            exports.Column(_("出勤场次"), exports.INT),
        ],
        rows=[
            [number, row["name"], row["org"], row["phone"]]
            + [row["marks"].get(s.pk, "") for s in sessions]
            + [len(row["marks"])]
            for number, row in enumerate(people, 1)
        ],
        # Per session: how many came (人次 of the session); the last column sums them.
        total_row=[
            None,
            None,
            None,
            None,
            *[sum(1 for r in people if s.pk in r["marks"]) for s in sessions],
            sum(len(r["marks"]) for r in people),
        ],
    )
    counts = services.activity_counts(activity)
    exports.add_table(
        book,
        sheet=_("汇总"),
        title=_("%(title)s签到汇总") % {"title": activity.title},
        columns=[
            exports.Column(_("场次")),
            exports.Column(_("开始时间"), exports.DATETIME),
            exports.Column(_("人次"), exports.INT),
            exports.Column(_("人数"), exports.INT),
        ],
        rows=[[s.title, s.start, s.attendance_count, s.people_count] for s in sessions],
        # 人数 of the whole activity counts each person once: it is not the column's sum.
        total_row=[None, None, counts.attendances, counts.people],
    )
    return exports.to_bytes(book)


def certificate_number(training: TrainingClass, person: Any) -> str:
    """Stable for a person in a class, whoever prints it and when: year, class, person."""
    year = timezone.localtime(training.activity.start).year
    return f"{year}-{training.pk:04d}-{person.pk:06d}"


def certificates_html(training: TrainingClass) -> str:
    activity = training.activity
    return render_to_string(
        "events/certificate.html",
        {
            "training": training,
            "activity": activity,
            "issuer": exports.federation(activity.org),
            "completers": [
                (person, attended, total, certificate_number(training, person))
                for person, attended, total in services.completers(training)
            ],
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
