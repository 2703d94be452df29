"""Writes of the notices app, each one transaction checked against the actor's scope and
role. Reports change status only through ``core.workflow.move`` (row lock, stale-status
check, history row)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Min, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from fulian.core import workflow
from fulian.core.indicators import REGISTRY
from fulian.core.periods import Period, now, today
from fulian.core.scope import subtree_bounds, user_org
from fulian.core.uploads import check_upload, safe_name
from fulian.notices.figures import indicator_name, indicator_value
from fulian.notices.models import (
    EDITABLE_STATUSES,
    Attachment,
    Figure,
    Notice,
    Reading,
    Recipient,
    RecipientRole,
    Reply,
    Report,
    ReportStatus,
    Round,
    TaskKind,
    Urgency,
)
from fulian.orgs.models import DIVISION_KINDS, Org, OrgKind

MAX_ATTACHMENTS = 10

# --- checks ----------------------------------------------------------------------------------


def _require_edit(actor: Any) -> Org:
    org = user_org(actor)
    if org is None or not actor.has_perm("fulian.edit"):
        raise PermissionDenied
    return org


def _below(org: Org, other: Org) -> bool:
    """``other`` is a strict descendant of ``org``."""
    return other.path != org.path and other.path.startswith(org.path)


# --- notices ---------------------------------------------------------------------------------


class Audience:
    CHILDREN = "children"
    TOWNS = "towns"
    VILLAGES = "villages"
    ALL = "all"
    CHOSEN = "chosen"


def resolve_targets(
    *, actor: Any, audience: str, chosen: Iterable[Org] = (), codes: str = ""
) -> list[Org]:
    """The orgs a notice goes to: all direct children, all towns and streets, all villages
    and communities, every org below, or the chosen ones (direct children and NBS codes of
    orgs at any depth). A code outside the actor's subtree is refused by name."""
    org = _require_edit(actor)
    below = Org.objects.in_subtree(org).exclude(pk=org.pk).filter(status="active")
    if audience == Audience.CHILDREN:
        return list(Org.objects.get_children(org).filter(status="active"))
    if audience == Audience.TOWNS:
        return list(below.filter(kind__in=[OrgKind.TOWN, OrgKind.STREET]))
    if audience == Audience.VILLAGES:
        return list(below.filter(kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]))
    if audience == Audience.ALL:
        return list(below)
    targets = {o.pk: o for o in chosen}
    wanted = [c for c in codes.replace("，", ",").replace("、", ",").replace(",", " ").split() if c]
    if wanted:
        # Only the sender's own subtree is searched: a code outside it reads exactly like
        # one that does not exist, so the answer tells nothing about other subtrees.
        found = {o.code: o for o in below.filter(code__in=wanted)}
        for code in wanted:
            other = found.get(code)
            if other is None:
                raise ValidationError(
                    {
                        "codes": _(
                            "没有代码为 %(code)s 的下级组织：只能向本组织的下级组织发送通知。"
                        )
                        % {"code": code[:20]}
                    }
                )
            targets[other.pk] = other
    return sorted(targets.values(), key=lambda o: o.path)


def _orgs_with_roles(orgs: list[Org], roles: Sequence[str], day: datetime.date) -> list[Org]:
    """The orgs where someone holds one of ``roles`` on ``day``."""
    from fulian.people.models import Position

    holding = set(
        Position.objects.current(day)
        .filter(org__in=orgs, kind__in=list(roles))
        .values_list("org_id", flat=True)
    )
    return [o for o in orgs if o.pk in holding]


@transaction.atomic
def send_notice(
    *,
    actor: Any,
    title: str,
    body: str,
    targets: Sequence[Org],
    urgency: str = Urgency.NORMAL,
    roles: Sequence[str] = (),
    reply_required: bool = False,
    reply_deadline: datetime.date | None = None,
    task_kind: str = "",
    task_campaign: Any = None,
    task_due: datetime.date | None = None,
    files: Sequence[Any] = (),
    idempotency_key: uuid.UUID | str | None = None,
    at: datetime.datetime | None = None,
) -> Notice:
    """Send a notice to orgs below the actor's org (to the holders of ``roles`` in them,
    when given). With ``idempotency_key`` a repeated submission returns the first notice.
    ``at`` is the moment of sending (now; the demo sends its 2023 notices in 2023)."""
    org = _require_edit(actor)
    at = at or now()
    day = timezone.localtime(at).date()
    key = uuid.UUID(str(idempotency_key)) if idempotency_key else None
    if key is not None:
        existing = Notice.objects.filter(idempotency_key=key).first()
        if existing is not None:
            if existing.sent_by_id != actor.pk:
                raise ValidationError(_("提交编号已被使用。"))
            return existing
    title, body = title.strip(), body.strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("请填写标题。")
    if not body:
        errors["body"] = _("请填写正文。")
    if urgency not in Urgency.values:
        errors["urgency"] = _("紧急程度无效。")
    if any(r not in RecipientRole.values for r in roles):
        errors["roles"] = _("发送对象职务无效。")
    if reply_required and reply_deadline is None:
        errors["reply_deadline"] = _("需要回执时请填写回执截止日期。")
    if task_kind not in TaskKind.values:
        errors["task_kind"] = _("任务类型无效。")
    elif task_kind and task_due is None:
        errors["task_due"] = _("布置任务时请填写完成期限。")
    if task_kind == TaskKind.ACTIVITY and task_campaign is None:
        errors["task_campaign"] = _("活动任务须选择活动品牌。")
    if reply_required and reply_deadline is not None and reply_deadline < day:
        errors["reply_deadline"] = _("回执截止日期不能早于发送日期。")
    if task_kind and task_due is not None and task_due < day:
        errors["task_due"] = _("任务完成期限不能早于发送日期。")
    if len(files) > MAX_ATTACHMENTS:
        errors["files"] = _("附件不能超过 %(n)d 个。") % {"n": MAX_ATTACHMENTS}
    if errors:
        raise ValidationError(errors)
    for target in targets:
        if not _below(org, target):
            raise ValidationError(
                {
                    "targets": _("“%(name)s”不在本组织的下级范围内，不能向其发送通知。")
                    % {"name": target.name}
                }
            )
    orgs = sorted({t.pk: t for t in targets}.values(), key=lambda o: o.path)
    if roles:
        orgs = _orgs_with_roles(orgs, roles, day)
    if not orgs:
        raise ValidationError(
            {"targets": _("没有接收组织：请选择下级组织（或所选组织中没有该职务的人员）。")}
        )
    checked = [(f, check_upload(f)) for f in files]
    notice = Notice(
        org=org,
        title=title,
        body=body,
        urgency=urgency,
        roles=list(dict.fromkeys(roles)),
        reply_required=reply_required,
        reply_deadline=reply_deadline if reply_required else None,
        task_kind=task_kind,
        task_campaign=task_campaign if task_kind in (TaskKind.ACTIVITY, TaskKind.VISIT) else None,
        task_due=task_due if task_kind else None,
        sent_by=actor,
        sent_at=at,
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            notice.save()
    except IntegrityError:
        if key is None:
            raise
        return Notice.objects.get(idempotency_key=key)
    Recipient.objects.bulk_create([Recipient(notice=notice, org=o) for o in orgs])
    for upload, info in checked:
        attachment = Attachment(
            notice=notice,
            name=safe_name(upload.name, info.extension),
            content_type=info.content_type,
            size=info.size,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{info.extension}", upload, save=False)
        attachment.save()
    return notice


def unread_count(user: Any) -> int:
    """Notices to the user's org that the user has not opened (the menu badge): one
    query."""
    org = user_org(user)
    if org is None:
        return 0
    return (
        Recipient.objects.filter(org=org)
        .exclude(Exists(Reading.objects.filter(recipient=OuterRef("pk"), user=user)))
        .count()
    )


def recipient_for(actor: Any, notice: Notice) -> Recipient | None:
    """The actor's own org's receipt of the notice, or None when it was not sent to it."""
    org = user_org(actor)
    if org is None:
        return None
    return Recipient.objects.filter(notice=notice, org=org).first()


@transaction.atomic
def open_notice(
    *, actor: Any, notice: Notice, at: datetime.datetime | None = None
) -> Recipient | None:
    """A recipient opens the notice: the first opening by each user is recorded, and the
    org's read receipt is the first of them (who, when)."""
    recipient = recipient_for(actor, notice)
    if recipient is None:
        return None
    at = at or now()
    Reading.objects.get_or_create(recipient=recipient, user=actor, defaults={"at": at})
    if recipient.read_at is None:
        updated = Recipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(
            read_at=at, read_by=actor
        )
        if updated:
            recipient.read_at, recipient.read_by = at, actor
        else:
            recipient.refresh_from_db()
    return recipient


def _require_sender(actor: Any, notice: Notice) -> None:
    org = _require_edit(actor)
    if notice.org_id != org.pk:
        raise PermissionDenied


@transaction.atomic
def remind(*, actor: Any, notice: Notice, at: datetime.datetime | None = None) -> int:
    """Remind every recipient org that has not read the notice (it comes back to the top
    of their list, marked as a reminder); returns how many."""
    _require_sender(actor, notice)
    unread = Recipient.objects.filter(notice=notice, read_at__isnull=True)
    if not unread.exists():
        raise ValidationError(_("所有接收组织均已阅读，无需提醒。"))
    at = at or now()
    count = 0
    for recipient in unread.select_for_update():
        recipient.reminders += 1
        recipient.reminded_at = at
        recipient.save(update_fields=["reminders", "reminded_at"])
        count += 1
    return count


@transaction.atomic
def reply(
    *,
    actor: Any,
    notice: Notice,
    text: str = "",
    upload: Any = None,
    at: datetime.datetime | None = None,
) -> Reply:
    """A recipient org replies (回执). After the deadline the reply is accepted and marked
    late, never refused."""
    _require_edit(actor)
    recipient = recipient_for(actor, notice)
    if recipient is None:
        raise PermissionDenied
    if not notice.reply_required:
        raise ValidationError(_("此通知无需回执。"))
    text = text.strip()
    if not text and upload is None:
        raise ValidationError({"text": _("请填写回执内容或上传文件。")})
    info = check_upload(upload) if upload is not None else None
    at = at or now()
    deadline = notice.reply_deadline
    late = deadline is not None and timezone.localtime(at).date() > deadline
    answer = Reply(recipient=recipient, text=text, by=actor, at=at, late=late)
    if upload is not None and info is not None:
        answer.file_name = safe_name(upload.name, info.extension)
        answer.content_type = info.content_type
        answer.file.save(f"{uuid.uuid4().hex}.{info.extension}", upload, save=False)
    answer.save()
    open_notice(actor=actor, notice=notice, at=at)
    return answer


@transaction.atomic
def mark_task_done(*, actor: Any, notice: Notice, at: datetime.datetime | None = None) -> Recipient:
    """For a task no record shows (kind "other"): the recipient org marks it done."""
    _require_edit(actor)
    recipient = recipient_for(actor, notice)
    if recipient is None:
        raise PermissionDenied
    if notice.task_kind != TaskKind.MANUAL:
        raise ValidationError(_("此任务按系统记录自动判断完成，无需标记。"))
    if recipient.task_done_at is None:
        recipient.task_done_at = at or now()
        recipient.save(update_fields=["task_done_at"])
    return recipient


# --- task progress (reads) -------------------------------------------------------------------


def task_progress(notice: Notice, recipients: Sequence[Recipient]) -> dict[int, datetime.date]:
    """The day each recipient org did the notice's task, for those that did: the first
    record under it dated from the notice's sending (an activity of the campaign, a visit,
    a venue assessment), or the day it marked the task done. One query for all recipients,
    so the task shows done as soon as the record exists and nobody reports twice."""
    if not notice.task_kind:
        return {}
    if notice.task_kind == TaskKind.MANUAL:
        return {
            r.pk: timezone.localtime(r.task_done_at).date()
            for r in recipients
            if r.task_done_at is not None
        }
    since = Period.between(timezone.localtime(notice.sent_at).date(), today())
    root = notice.org
    campaign = notice.task_campaign
    campaigns = campaign.family_ids() if campaign is not None else None
    firsts: dict[str, datetime.date] = {}
    if notice.task_kind == TaskKind.ACTIVITY:
        from fulian.events.models import Activity

        activities = Activity.objects.in_subtree(root).filter(start__gte=since.starts_at)
        if campaigns is not None:
            activities = activities.filter(campaign_id__in=campaigns)
        for path, first in activities.values_list("org__path").annotate(first=Min("start")):
            firsts[path] = timezone.localtime(first).date()
    elif notice.task_kind == TaskKind.VISIT:
        from fulian.duty.models import Visit

        visits = Visit.objects.in_subtree(root).filter(visited_on__gte=since.start)
        if campaigns is not None:
            visits = visits.filter(campaign_id__in=campaigns)
        firsts = dict(visits.values_list("org__path").annotate(first=Min("visited_on")))
    else:
        from fulian.venues.models import Assessment

        firsts = dict(
            Assessment.objects.filter(
                venue__org__path__range=subtree_bounds(root.path), date__gte=since.start
            )
            .values_list("venue__org__path")
            .annotate(first=Min("date"))
        )
    done: dict[int, datetime.date] = {}
    for r in recipients:
        days = [day for path, day in firsts.items() if path.startswith(r.org.path)]
        if days:
            done[r.pk] = min(days)
    return done


def task_done(notice: Notice, recipients: Sequence[Recipient]) -> dict[int, bool]:
    """Whether each recipient org has done the notice's task."""
    progress = task_progress(notice, recipients)
    return {r.pk: r.pk in progress for r in recipients} if notice.task_kind else {}


# --- reporting rounds and reports ------------------------------------------------------------


def _check_round(
    *,
    title: str,
    period_code: str,
    indicators: Sequence[str],
    due: datetime.date | None,
    depth: int,
) -> Period:
    errors: dict[str, Any] = {}
    period = None
    if not title.strip():
        errors["title"] = _("请填写名称。")
    try:
        period = Period.parse(period_code)
        if period.kind not in ("quarter", "half", "year"):
            errors["period_code"] = _("报告期须为季度、半年或年度。")
    except ValidationError as error:
        errors["period_code"] = error.messages
    unknown = [c for c in indicators if c not in REGISTRY]
    if not indicators:
        errors["indicators"] = _("请选择至少一项指标。")
    elif unknown:
        errors["indicators"] = _("指标不存在：%(codes)s") % {"codes": "、".join(unknown)}
    if due is None:
        errors["due"] = _("请填写报送截止日期。")
    if depth not in (1, 2):
        errors["depth"] = _("报送层级须为 1 或 2。")
    if errors:
        raise ValidationError(errors)
    assert period is not None
    return period


@transaction.atomic
def create_round(
    *,
    actor: Any,
    title: str,
    period_code: str,
    indicators: Sequence[str],
    due: datetime.date | None,
    narrative_prompt: str = "",
    depth: int = 1,
) -> Round:
    """The district sets a reporting round for the orgs below it."""
    org = user_org(actor)
    if org is None or not actor.has_perm("fulian.configure"):
        raise PermissionDenied
    period = _check_round(
        title=title, period_code=period_code, indicators=indicators, due=due, depth=depth
    )
    assert due is not None
    return Round.objects.create(
        org=org,
        title=title.strip(),
        period_code=period.code,
        indicators=list(dict.fromkeys(indicators)),
        narrative_prompt=narrative_prompt.strip(),
        due=due,
        depth=depth,
        created_by=actor,
    )


def participants(round: Round) -> list[Org]:
    """The divisions that report in a round: ``depth`` levels below its org, by path."""
    org = round.org
    return list(
        Org.objects.in_subtree(org)
        .filter(
            status="active",
            kind__in=DIVISION_KINDS,
            depth__gt=org.depth,
            depth__lte=org.depth + round.depth,
        )
        .order_by("path")
    )


def is_participant(round: Round, org: Org) -> bool:
    base = round.org
    return (
        org.status == "active"
        and org.kind in DIVISION_KINDS
        and _below(base, org)
        and org.depth <= base.depth + round.depth
    )


def _child_reports(report: Report) -> list[Report]:
    if not is_participant(report.round, report.org) or report.org.depth >= (
        report.round.org.depth + report.round.depth
    ):
        return []
    lo, hi = subtree_bounds(report.org.path)
    return list(
        Report.objects.filter(
            round=report.round,
            status=ReportStatus.ACCEPTED,
            org__depth=report.org.depth + 1,
            org__path__range=(lo, hi),
        ).prefetch_related("figures")
    )


def _computed(report: Report, from_children: bool) -> dict[str, Decimal | None]:
    """The records' figures for the report: its subtree's indicators for the round's
    period (None where an indicator cannot be counted for it), or the sum of the accepted
    reports of the orgs directly below."""
    codes = report.round.indicators
    if from_children:
        totals: dict[str, Decimal | None] = {code: Decimal("0.00") for code in codes}
        for child in _child_reports(report):
            for figure in child.figures.all():
                value = figure.value
                if figure.code in totals and value is not None:
                    totals[figure.code] = (totals[figure.code] or Decimal(0)) + value
        return totals
    period = report.round.period
    return {code: indicator_value(code, report.org, period) for code in codes}


def children_summed(report: Report) -> tuple[int, int]:
    """For a report summed from below: (accepted reports of the orgs directly below,
    orgs directly below that report in the round)."""
    below = [o for o in Org.objects.get_children(report.org) if is_participant(report.round, o)]
    return len(_child_reports(report)), len(below)


@transaction.atomic
def start_report(
    *, actor: Any, round: Round, from_children: bool = False, at: datetime.datetime | None = None
) -> Report:
    """The org's report in the round, pre-filled from the indicators for its subtree (or the
    sum of its children's accepted reports). Starting twice returns the same report."""
    org = _require_edit(actor)
    if not is_participant(round, org):
        raise ValidationError(_("本组织不在此轮报送范围内。"))
    existing = Report.objects.filter(round=round, org=org).first()
    if existing is not None:
        return existing
    if from_children and org.depth >= round.org.depth + round.depth:
        raise ValidationError(_("本组织的下级不在此轮报送范围内，不能按下级报表汇总。"))
    report = Report.objects.create(round=round, org=org, from_children=from_children)
    values = _computed(report, from_children)
    Figure.objects.bulk_create(
        [Figure(report=report, code=code, computed=value) for code, value in values.items()]
    )
    workflow.record(report, actor=actor, note=_("开始填报"), created=True, at=at or now())
    return report


def _require_editable(actor: Any, report: Report) -> None:
    org = _require_edit(actor)
    if report.org_id != org.pk:
        raise PermissionDenied
    if report.status not in EDITABLE_STATUSES:
        raise ValidationError(
            _("报表%(status)s，不能修改；如需更正，请区妇联重新打开。")
            % {"status": report.get_status_display()}
        )


def _parse_number(text: Any, code: str) -> Decimal | None:
    if text is None or str(text).strip() == "":
        return None
    try:
        value = Decimal(str(text).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(
            {"figures": _("“%(name)s”须为数字。") % {"name": indicator_name(code)}}
        ) from exc
    if value < 0:
        raise ValidationError(
            {"figures": _("“%(name)s”不能为负数。") % {"name": indicator_name(code)}}
        )
    return value


@transaction.atomic
def save_report(
    *,
    actor: Any,
    report: Report,
    narrative: str,
    corrections: dict[str, tuple[Any, str]] | None = None,
) -> Report:
    """Save the narrative and the figures ``{code: (value or None, reason)}``. A figure
    that differs from the records' needs a reason, and both are kept; a figure the records
    cannot give for the period is simply filled in."""
    report = Report.objects.select_for_update().select_related("round", "org").get(pk=report.pk)
    _require_editable(actor, report)
    figures = {f.code: f for f in report.figures.all()}
    for code, (raw, reason) in (corrections or {}).items():
        figure = figures.get(code)
        if figure is None:
            raise ValidationError({"figures": _("指标不在此报表中：%(code)s") % {"code": code}})
        value = _parse_number(raw, code)
        reason = (reason or "").strip()[:300]
        if value is not None and value == figure.computed:
            value = None
        if value is not None and figure.computed is not None and not reason:
            raise ValidationError(
                {"figures": _("更正“%(name)s”须填写理由。") % {"name": indicator_name(code)}}
            )
        if value is None:
            reason = ""
        if (figure.corrected, figure.reason) != (value, reason):
            figure.corrected, figure.reason = value, reason
            figure.save(update_fields=["corrected", "reason"])
    report.narrative = narrative.strip()
    report.save(update_fields=["narrative", "updated_at"])
    return report


@transaction.atomic
def refresh_figures(*, actor: Any, report: Report, from_children: bool | None = None) -> Report:
    """Fill the records' figures again from today's records (or the children's accepted
    reports); corrections and their reasons stay (a correction equal to the new figure
    is no longer one)."""
    report = Report.objects.select_for_update().select_related("round", "org").get(pk=report.pk)
    _require_editable(actor, report)
    if from_children is not None and from_children != report.from_children:
        if from_children and report.org.depth >= report.round.org.depth + report.round.depth:
            raise ValidationError(_("本组织的下级不在此轮报送范围内，不能按下级报表汇总。"))
        report.from_children = from_children
        report.save(update_fields=["from_children", "updated_at"])
    values = _computed(report, report.from_children)
    for figure in report.figures.all():
        value = values.get(figure.code, figure.computed)
        if value != figure.computed:
            figure.computed = value
            if figure.corrected == value:
                figure.corrected, figure.reason = None, ""
            figure.save(update_fields=["computed", "corrected", "reason"])
    return report


@transaction.atomic
def submit_report(*, actor: Any, report: Report, at: datetime.datetime | None = None) -> Report:
    """Submit to the org above. Every figure needs a value; the first submission's time
    decides timeliness (a report returned and resubmitted keeps it)."""
    _require_editable(actor, report)
    missing = [f.code for f in report.figures.all() if f.value is None]
    if missing:
        raise ValidationError(
            {
                "figures": _("“%(names)s”不能从记录计算，请填写后再报送。")
                % {"names": "、".join(indicator_name(c) for c in missing)}
            }
        )
    at = at or now()
    report.submitted_at = at
    fields = ["submitted_at"]
    if report.first_submitted_at is None:
        report.first_submitted_at = at
        fields.append("first_submitted_at")
    workflow.move(report, ReportStatus.SUBMITTED, actor=actor, fields=fields, at=at)
    return report


@transaction.atomic
def review_report(
    *,
    actor: Any,
    report: Report,
    accept: bool,
    comment: str = "",
    at: datetime.datetime | None = None,
) -> Report:
    """The org directly above accepts (the report is locked) or returns it with a comment.
    Two reviewers at once: the second is told the first one's result, nothing changes."""
    org = _require_edit(actor)
    if report.org_id == org.pk:
        raise ValidationError(_("不能审核本组织报送的报表，须由上级组织审核。"))
    comment = comment.strip()[:300]
    if not accept and not comment:
        raise ValidationError({"comment": _("退回时请填写退回意见。")})
    at = at or now()
    report.reviewed_at = at
    report.review_comment = comment
    workflow.move(
        report,
        ReportStatus.ACCEPTED if accept else ReportStatus.RETURNED,
        actor=actor,
        note=comment,
        fields=["reviewed_at", "review_comment"],
        at=at,
    )
    return report


@transaction.atomic
def reopen_report(
    *, actor: Any, report: Report, note: str, at: datetime.datetime | None = None
) -> Report:
    """Only the org that set the round reopens an accepted report, with a reason; the
    history keeps who and why."""
    _require_edit(actor)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("重新打开须填写理由。")})
    workflow.move(report, ReportStatus.REOPENED, actor=actor, note=note, at=at or now())
    return report


def round_rows(round: Round, orgs: Sequence[Org]) -> list[dict[str, Any]]:
    """Each participant's status, timeliness and figures (two queries)."""
    reports = {
        r.org_id: r
        for r in Report.objects.filter(round=round, org__in=list(orgs)).prefetch_related("figures")
    }
    rows = []
    for org in orgs:
        report = reports.get(org.pk)
        values = {f.code: f for f in report.figures.all()} if report else {}
        rows.append(
            {
                "org": org,
                "report": report,
                "status": report.status if report else "not_started",
                "timeliness": report.timeliness()
                if report
                else ("missing" if today() > round.due else "pending"),
                "figures": [values.get(code) for code in round.indicators],
            }
        )
    return rows


def accepted_totals(round: Round, org: Org | None = None) -> dict[str, Decimal]:
    """The sum of the accepted reports of the orgs directly below ``org`` (the round's
    org by default) in the round."""
    base = org or round.org
    totals = {code: Decimal("0.00") for code in round.indicators}
    for figure in Figure.objects.filter(
        report__round=round,
        report__status=ReportStatus.ACCEPTED,
        report__org__depth=base.depth + 1,
        report__org__path__range=subtree_bounds(base.path),
    ):
        value = figure.value
        if figure.code in totals and value is not None:
            totals[figure.code] += value
    return totals


def live_figures(round: Round, org: Org | None = None) -> dict[str, Decimal | None]:
    """The records' figures now, for the round's org (or ``org``) and period."""
    period = round.period
    target = org or round.org
    return {code: indicator_value(code, target, period) for code in round.indicators}
