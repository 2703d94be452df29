"""Pages of notices (with receipts, replies and tasks) and of reporting rounds."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.core.forms import add_service_errors
from fulian.core.periods import today
from fulian.core.scope import get_for_user_or_404, subtree_bounds, user_org
from fulian.core.uploads import serve
from fulian.notices import exports, services
from fulian.notices.figures import indicator_name, indicator_unit
from fulian.notices.forms import (
    NoticeForm,
    ReopenForm,
    ReplyForm,
    ReportForm,
    RoundForm,
)
from fulian.notices.models import (
    Attachment,
    Notice,
    Reading,
    Recipient,
    Reply,
    Report,
    ReportStatus,
    Round,
    Timeliness,
)
from fulian.orgs.models import Org

PAGE_SIZE = 30


def _try(form: Any, call: Any) -> Any:
    try:
        return call()
    except ValidationError as error:
        add_service_errors(form, error)
        return None


# --- notices ---------------------------------------------------------------------------------


@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    """The notices to the user's org (unread first), or those it sent (``?box=sent``)."""
    org = user_org(request.user)
    box = "sent" if request.GET.get("box") == "sent" else "inbox"
    if box == "sent":
        qs = (
            Notice.objects.for_user(request.user)
            .filter(org=org)
            .annotate(
                n_recipients=Count("recipients"),
                n_read=Count("recipients", filter=Q(recipients__read_at__isnull=False)),
            )
            .order_by("-sent_at", "-pk")
        )
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, "notices/inbox.html", {"page": page, "box": box})
    mine = Reading.objects.filter(recipient=OuterRef("pk"), user_id=request.user.pk or 0)
    received = (
        Recipient.objects.filter(org=org)
        .select_related("notice", "notice__org")
        .annotate(seen=Exists(mine))
        .order_by("seen", "-notice__sent_at", "-pk")
    )
    received_page = Paginator(received, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/inbox.html", {"page": received_page, "box": box})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def notice_create(request: HttpRequest) -> HttpResponse:
    org = user_org(request.user)
    form = NoticeForm(request.POST or None, request.FILES or None, org=org)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def send() -> Notice:
            targets = services.resolve_targets(
                actor=request.user,
                audience=data["audience"],
                chosen=data["chosen"],
                codes=data["codes"],
            )
            return services.send_notice(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                targets=targets,
                urgency=data["urgency"],
                roles=data["roles"],
                reply_required=data["reply_required"],
                reply_deadline=data["reply_deadline"],
                task_kind=data["task_kind"] or "",
                task_campaign=data["task_campaign"],
                task_due=data["task_due"],
                files=data["attachments"],
                idempotency_key=data["idempotency_key"],
            )

        notice = _try(form, send)
        if notice is not None:
            messages.success(
                request,
                _("通知已发送至 %(n)d 个组织。") % {"n": notice.recipients.count()},
            )
            return redirect("notices:notice", notice.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/notice_form.html", {"form": form}, status=status)


def _progress(notice: Notice) -> dict[str, Any]:
    """For the sender's side: read rate per org directly below the sender (each counting
    its recipients at any depth), who has not read, replies and task progress."""
    recipients = list(
        notice.recipients.select_related("org", "read_by").prefetch_related("replies")
    )
    progress = services.task_progress(notice, recipients)
    groups: dict[int, dict[str, Any]] = {}
    children = {c.path: c for c in Org.objects.get_children(notice.org)}
    steplen = notice.org.steplen
    for r in recipients:
        r.task_done_on = progress.get(r.pk)  # type: ignore[attr-defined]
        r.task_late = bool(  # type: ignore[attr-defined]
            notice.task_due and r.pk in progress and progress[r.pk] > notice.task_due
        )
        head = children.get(r.org.path[: len(notice.org.path) + steplen], r.org)
        group = groups.setdefault(head.pk, {"org": head, "total": 0, "read": 0, "done": 0})
        group["total"] += 1
        group["read"] += r.is_read
        group["done"] += r.pk in progress
    for g in groups.values():
        g["rate"] = round(100 * g["read"] / g["total"]) if g["total"] else 0
    replied = {r.pk for r in recipients if r.replies.all()}
    for r in recipients:
        r.has_replied = r.pk in replied  # type: ignore[attr-defined]
    read = sum(r.is_read for r in recipients)
    replies = [(r, rep) for r in recipients for rep in r.replies.all()]
    return {
        "recipients": recipients,
        "groups": sorted(groups.values(), key=lambda g: g["org"].path),
        # Sent to the orgs directly below only: one row per org says everything.
        "flat": all(r.org.depth == notice.org.depth + 1 for r in recipients),
        "unread": [r for r in recipients if not r.is_read],
        "n_total": len(recipients),
        "n_read": read,
        "read_rate": round(100 * read / len(recipients)) if recipients else 0,
        "n_done": len(progress),
        "replies": replies,
        "n_replied": len(replied),
        "n_late_replies": sum(1 for _r, rep in replies if rep.late),
    }


def _notice(request: HttpRequest, pk: int) -> Notice:
    return get_for_user_or_404(
        Notice.objects.select_related("org", "sent_by", "task_campaign"), request.user, pk=pk
    )


@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a notice records the read receipt of the user's org (who, when)."""
    notice = _notice(request, pk)
    return _notice_page(request, notice, services.open_notice(actor=request.user, notice=notice))


def _refused(request: HttpRequest, notice: Notice, error: ValidationError) -> HttpResponse:
    """A refused action on a notice: the page again, with the reason, answering 400."""
    messages.error(request, " ".join(error.messages))
    return _notice_page(request, notice, services.recipient_for(request.user, notice), 400)


def _notice_page(
    request: HttpRequest, notice: Notice, recipient: Recipient | None, status: int = 200
) -> HttpResponse:
    org = user_org(request.user)
    assert org is not None
    is_sender_side = notice.org.path.startswith(org.path)
    context: dict[str, Any] = {
        "notice": notice,
        "recipient": recipient,
        "attachments": list(notice.attachments.all()),
        "is_sender": notice.org_id == org.pk and request.user.has_perm("fulian.edit"),
        "reply_form": ReplyForm(),
        "reply_late": bool(notice.reply_deadline and today() > notice.reply_deadline),
        "show_progress": is_sender_side,
    }
    if recipient is not None:
        context["my_replies"] = list(recipient.replies.all())
        if notice.task_kind:
            done_on = services.task_progress(notice, [recipient]).get(recipient.pk)
            context["my_task_done_on"] = done_on
            context["my_task_late"] = bool(
                done_on and notice.task_due and done_on > notice.task_due
            )
    if is_sender_side:
        context.update(_progress(notice))
    return render(request, "notices/notice.html", context, status=status)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def notice_remind(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        n = services.remind(actor=request.user, notice=notice)
    except ValidationError as error:
        return _refused(request, notice, error)
    messages.success(request, _("已提醒 %(n)d 个未读组织。") % {"n": n})
    return redirect("notices:notice", notice.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def notice_reply(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        return _refused(request, notice, ValidationError(problems))
    try:
        answer = services.reply(
            actor=request.user,
            notice=notice,
            text=form.cleaned_data["text"],
            upload=form.cleaned_data["file"],
        )
    except ValidationError as error:
        return _refused(request, notice, error)
    if answer.late:
        messages.warning(request, _("回执已提交（已过截止日期，标记为逾期）。"))
    else:
        messages.success(request, _("回执已提交。"))
    return redirect("notices:notice", notice.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def notice_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        services.mark_task_done(actor=request.user, notice=notice)
    except ValidationError as error:
        return _refused(request, notice, error)
    messages.success(request, _("任务已标记完成。"))
    return redirect("notices:notice", notice.pk)


@require_safe
def attachment_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    notices = Notice.objects.for_user(request.user).values("pk")
    try:
        attachment = Attachment.objects.get(pk=pk, notice__in=notices)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    return serve(attachment.file, content_type=attachment.content_type, name=attachment.name)


@require_safe
def reply_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """A reply's file: for the replying org and the sender's side."""
    org = user_org(request.user)
    if org is None:
        raise Http404
    bounds = subtree_bounds(org.path)
    try:
        answer = Reply.objects.exclude(file="").get(
            Q(recipient__org=org) | Q(recipient__notice__org__path__range=bounds), pk=pk
        )
    except Reply.DoesNotExist as exc:
        raise Http404 from exc
    return serve(answer.file, content_type=answer.content_type, name=answer.file_name)


# --- reporting rounds ------------------------------------------------------------------------


@require_safe
def rounds(request: HttpRequest) -> HttpResponse:
    qs = Round.objects.for_user(request.user).select_related("org")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/rounds.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = _try(
            form,
            lambda: services.create_round(
                actor=request.user,
                title=data["title"],
                period_code=data["period_code"],
                indicators=data["indicators"],
                due=data["due"],
                narrative_prompt=data["narrative_prompt"],
                depth=data["depth"],
            ),
        )
        if created is not None:
            messages.success(request, _("报送轮次已创建。"))
            return redirect("notices:round", created.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "notices/round_form.html", {"form": form}, status=status)


def _round_context(request: HttpRequest, round: Round) -> dict[str, Any]:
    """Every participant in the user's subtree with its status and timeliness; for the
    district (and a town whose villages report), the totals of the accepted reports of
    the orgs directly below beside the live figures of its own subtree."""
    org = user_org(request.user)
    assert org is not None
    everyone = services.participants(round)
    lo, hi = subtree_bounds(org.path)
    visible = [o for o in everyone if lo <= o.path <= hi]
    rows = services.round_rows(round, visible)
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row["status"]] += 1
        counts[row["timeliness"]] += 1
    own = next((row for row in rows if row["org"].pk == org.pk), None)
    if round.org.path.startswith(org.path):
        base: Org | None = round.org
    elif own is not None and org.depth < round.org.depth + round.depth:
        base = org
    else:
        base = None
    statuses = [("not_started", _("未开始")), *ReportStatus.choices]
    context: dict[str, Any] = {
        "round": round,
        "rows": rows,
        "own": own,
        "can_start": own is not None
        and own["report"] is None
        and request.user.has_perm("fulian.edit"),
        "can_sum": own is not None and org.depth < round.org.depth + round.depth,
        "indicators": [
            {"code": c, "name": indicator_name(c), "unit": indicator_unit(c)}
            for c in round.indicators
        ],
        "status_counts": [(v, label, counts.get(v, 0)) for v, label in statuses],
        "timeliness_counts": [(v, label, counts.get(v, 0)) for v, label in Timeliness.choices],
        "base": base,
    }
    if base is not None:
        totals = services.accepted_totals(round, base)
        live = services.live_figures(round, base)
        context["totals"] = [(totals[c], live[c]) for c in round.indicators]
    return context


@require_safe
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_for_user_or_404(Round.objects.select_related("org"), request.user, pk=pk)
    return render(request, "notices/round.html", _round_context(request, round))


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def round_start(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_for_user_or_404(Round.objects.select_related("org"), request.user, pk=pk)
    try:
        report = services.start_report(
            actor=request.user, round=round, from_children=request.POST.get("from_children") == "1"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return render(request, "notices/round.html", _round_context(request, round), status=400)
    return redirect("notices:report", report.pk)


def _attachment(data: bytes, content_type: str, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response


@require_safe
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    round = get_for_user_or_404(Round.objects.select_related("org"), request.user, pk=pk)
    context = _round_context(request, round)
    base = context["base"]
    data = exports.round_workbook(
        round, context["rows"], context.get("totals"), base.name if base else ""
    )
    return _attachment(data, exports.XLSX, exports.round_filename(round), f"round-{round.pk}.xlsx")


# --- reports ---------------------------------------------------------------------------------


def _report(request: HttpRequest, pk: int) -> Report:
    return get_for_user_or_404(
        Report.objects.select_related("round", "round__org", "org"), request.user, pk=pk
    )


def _report_page(
    request: HttpRequest, report: Report, status: int = 200, **extra: Any
) -> HttpResponse:
    user = request.user
    figures = report.ordered_figures()
    wf = Report.workflow
    editable = (
        not report.locked
        and report.org_id == getattr(user, "org_id", None)
        and user.has_perm("fulian.edit")
    )
    form = extra.pop("form", None) or ReportForm(
        initial={"narrative": report.narrative}, figures=figures
    )
    # While the org still edits, say where the records have moved since the figures
    # were filled (a new activity): it may fill them again.
    live = (
        services.live_figures(report.round, report.org)
        if editable and not report.from_children
        else {}
    )
    history = list(report.history.select_related("actor"))
    rows = [
        {
            "figure": f,
            "name": indicator_name(f.code),
            "unit": indicator_unit(f.code),
            "value_field": form[f"value_{f.code}"],
            "reason_field": form[f"reason_{f.code}"],
            "live": live.get(f.code) if live.get(f.code) != f.computed else None,
        }
        for f in figures
    ]
    context = {
        "report": report,
        "rows": rows,
        "form": form,
        "editable": editable,
        "stale": any(row["live"] is not None for row in rows),
        "can_review": wf.may(user, report, ReportStatus.ACCEPTED),
        "can_reopen": wf.may(user, report, ReportStatus.REOPENED),
        "can_sum": editable and report.org.depth < report.round.org.depth + report.round.depth,
        "summed": services.children_summed(report) if report.from_children else None,
        "history": history,
        "reopen_note": next(
            (h.note for h in reversed(history) if h.to_status == ReportStatus.REOPENED), ""
        )
        if report.status == ReportStatus.REOPENED
        else "",
        "timeliness": report.timeliness(),
        **extra,
    }
    return render(request, "notices/report.html", context, status=status)


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _report_page(request, _report(request, pk))


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the report; with ``submit`` also submit it (both or neither: a refused
    submission saves nothing, and the form shows what was typed)."""
    report = _report(request, pk)
    form = ReportForm(request.POST, figures=list(report.figures.all()))
    if form.is_valid():

        @transaction.atomic
        def save() -> Report:
            saved = services.save_report(
                actor=request.user,
                report=report,
                narrative=form.cleaned_data["narrative"],
                corrections=form.corrections(),
            )
            if "submit" in request.POST:
                services.submit_report(actor=request.user, report=saved)
            return saved

        saved = _try(form, save)
        if saved is not None:
            messages.success(
                request, _("报表已报送。") if "submit" in request.POST else _("已保存。")
            )
            return redirect("notices:report", report.pk)
    report.refresh_from_db()
    return _report_page(request, report, status=400, form=form)


def _action(request: HttpRequest, report: Report, call: Any, done: str) -> HttpResponse:
    """Do an action on a report; refused, the page again with the reason, answering 400."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        report.refresh_from_db()
        return _report_page(request, report, status=400)
    messages.success(request, done)
    return redirect("notices:report", report.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    from_children = {"1": True, "0": False}.get(request.POST.get("from_children", ""))
    return _action(
        request,
        report,
        lambda: services.refresh_figures(
            actor=request.user, report=report, from_children=from_children
        ),
        _("已按最新记录重新取数。"),
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    accept = request.POST.get("decision") == "accept"
    return _action(
        request,
        report,
        lambda: services.review_report(
            actor=request.user,
            report=report,
            accept=accept,
            comment=request.POST.get("comment", "")[:300],
        ),
        _("报表已采纳并锁定。") if accept else _("报表已退回。"),
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def report_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation and a reason (a locked report opens for changes again and
    must be reviewed again), POST reopens."""
    report = _report(request, pk)
    if not Report.workflow.may(request.user, report, ReportStatus.REOPENED):
        if report.status != ReportStatus.ACCEPTED:
            messages.error(request, _("只有已采纳的报表可以重新打开。"))
            return redirect("notices:report", report.pk)
        raise PermissionDenied
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _try(
            form,
            lambda: services.reopen_report(
                actor=request.user, report=report, note=form.cleaned_data["note"]
            ),
        )
        if done is not None:
            messages.success(request, _("报表已重新打开，报送组织可以修改后重新报送。"))
            return redirect("notices:report", report.pk)
    return render(
        request,
        "notices/confirm.html",
        {
            "form": form,
            "title": _("重新打开报表：%(org)s") % {"org": report.org.name},
            "intro": _(
                "该报表已采纳并锁定。重新打开后，%(org)s 可以修改数据和文字报告，须重新报送、"
                "重新审核；已采纳的数据在重新采纳前不再计入合计。重新打开的理由记入状态记录。"
            )
            % {"org": report.org.name},
            "submit": _("确认重新打开"),
            "back": reverse("notices:report", args=[report.pk]),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    from fulian.events.documents import MissingCJKFont

    try:
        data = exports.report_pdf(report)
    except MissingCJKFont as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="report-{report.pk}.pdf"; '
        f"filename*=UTF-8''{quote(exports.report_filename(report))}"
    )
    return response
