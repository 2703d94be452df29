"""Pages of activities, campaigns, training classes, sessions and the public QR check-in."""

from __future__ import annotations

import calendar
import datetime
import io
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.core import exports, periods
from fulian.core.confirm import confirm_page
from fulian.core.forms import SpreadsheetForm, add_service_errors
from fulian.core.http import HtmxHttpRequest
from fulian.core.params import parse_id, parse_year
from fulian.core.ratelimit import limit_posts
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.core.uploads import serve
from fulian.events import documents, queries, services
from fulian.events.forms import (
    ActivityFilterForm,
    ActivityForm,
    CampaignForm,
    CheckinForm,
    KindForm,
    PhotoUploadForm,
    QuickRecordForm,
    SeriesForm,
    SessionForm,
    TrainingForm,
    default_month,
)
from fulian.events.models import (
    RECYCLE_DAYS,
    Activity,
    ActivityKind,
    ActivityPhoto,
    Attendance,
    Campaign,
    Enrolment,
    Session,
    TrainingClass,
    TrainingSeries,
)
from fulian.orgs.models import Org
from fulian.people.models import Person, Position, PositionKind

PAGE_SIZE = 50


def _activity(request: HttpRequest, pk: int) -> Activity:
    return get_for_user_or_404(
        Activity.objects.select_related("org", "kind", "campaign", "venue"), request.user, pk=pk
    )


def _training(request: HttpRequest, pk: int) -> TrainingClass:
    return get_for_user_or_404(
        TrainingClass.objects.select_related("activity__org", "activity__kind", "series"),
        request.user,
        pk=pk,
    )


def _session(request: HttpRequest, pk: int) -> Session:
    return get_for_user_or_404(
        Session.objects.select_related("activity__org", "activity__kind"), request.user, pk=pk
    )


def _filtered(request: HttpRequest) -> tuple[ActivityFilterForm, Any]:
    form = ActivityFilterForm(request.GET or None, actor=request.user)
    queryset = Activity.objects.for_user(request.user)
    if form.is_valid():
        queryset = queries.filter_activities(queryset, **form.cleaned_data)
    return form, queryset


# --- activities ---------------------------------------------------------------------------


@require_safe
def activity_list(request: HtmxHttpRequest) -> HttpResponse:
    form, queryset = _filtered(request)
    queryset = queryset.select_related("org", "kind", "campaign").order_by("-start", "-pk")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    if request.htmx:
        return render(request, "events/list.html#results", context)
    return render(request, "events/list.html", context)


@require_safe
def activity_calendar(request: HttpRequest) -> HttpResponse:
    """A month of activities in the user's subtree, with the list's filters."""
    form, queryset = _filtered(request)
    first = default_month(request.GET.get("month"), periods.current_period(request))
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    in_month = (
        queries.filter_activities(queryset, since=first, until=last)
        .select_related("org", "kind")
        .order_by("start", "pk")
    )
    by_day: dict[datetime.date, list[Activity]] = {}
    for activity in in_month:
        by_day.setdefault(timezone.localtime(activity.start).date(), []).append(activity)
    weeks = [
        [(day, day.month == first.month, by_day.get(day, [])) for day in week]
        for week in calendar.Calendar().monthdatescalendar(first.year, first.month)
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = last + datetime.timedelta(days=1)
    return render(
        request,
        "events/calendar.html",
        {
            "form": form,
            "month": first,
            "weeks": weeks,
            "days": sorted(by_day.items()),
            "previous": f"{previous:%Y-%m}",
            "next": f"{following:%Y-%m}",
        },
    )


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def record(request: HttpRequest) -> HttpResponse:
    """Recording on a phone: campaign, date, place, head count, photos, a few lines.

    ``static/events/record.js`` keeps the form in the browser until the server has it and
    submits with ``Accept: application/json``; the idempotency key makes repeats harmless.
    """
    org = user_org(request.user)
    form = QuickRecordForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign, kind = data["campaign"], data["kind"]
        title = data["title"] or "·".join(
            str(p) for p in (campaign.name if campaign else kind.name, data["place"]) if p
        )
        # fulian.edit is granted only with an org (accounts.rules); a superuser without one
        # fails here, as it failed in the service before (a 500 either way).
        assert org is not None
        try:
            activity = services.create_activity(
                actor=request.user,
                org=org,
                kind=kind,
                campaign=campaign,
                title=title,
                start=data["date"],
                place=data["place"],
                head_count=data["head_count"],
                description=data["description"],
                photos=data["photos"],
                idempotency_key=data["idempotency_key"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            url = reverse("events:detail", args=[activity.pk])
            if _wants_json(request):
                return JsonResponse({"id": activity.pk, "url": url}, status=201)
            messages.success(request, _("活动已记录。"))
            return redirect(url)
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    return render(request, "events/record.html", {"form": form})


def _activity_initial(activity: Activity) -> dict[str, Any]:
    return {
        "org": activity.org,
        "kind": activity.kind,
        "campaign": activity.campaign,
        "title": activity.title,
        "start": timezone.localtime(activity.start),
        "end": timezone.localtime(activity.end) if activity.end else None,
        "place": activity.place,
        "venue": activity.venue,
        "destinations": list(activity.destinations.all()),
        "co_organisers": list(activity.co_organisers.all()),
        "audiences": activity.audiences,
        "head_count": activity.head_count,
        "description": activity.description,
        "meeting_type": activity.meeting_type,
        "agenda": activity.agenda,
        "minutes": activity.minutes,
    }


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def activity_create(request: HttpRequest) -> HttpResponse:
    form = ActivityForm(
        request.POST or None,
        actor=request.user,
        initial={"org": user_org(request.user), "kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.create_activity(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:detail", pk=activity.pk)
    return render(request, "events/form.html", {"form": form, "title": _("新建活动")})


@require_safe
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    sessions = services.with_counts(activity.sessions.all())
    training = TrainingClass.objects.filter(activity=activity).first()
    return render(
        request,
        "events/detail.html",
        {
            "activity": activity,
            "training": training,
            "sessions": sessions,
            "counts": services.activity_counts(activity),
            "photos": list(activity.photos.all()),
            "co_organisers": list(activity.co_organisers.all()),
            "destinations": list(activity.destinations.all()),
            "photo_form": PhotoUploadForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = ActivityForm(
        request.POST or None, actor=request.user, initial=_activity_initial(activity)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_activity(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:detail", pk=activity.pk)
    return render(
        request, "events/form.html", {"form": form, "title": _("编辑活动"), "activity": activity}
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what goes with the activity; POST: into the recycle bin."""
    activity = _activity(request, pk)
    if request.method == "GET":
        sessions = activity.sessions.count()
        attendances = Attendance.objects.filter(session__activity=activity).count()
        lost = [
            _("活动“%(t)s”（%(d)s）从列表、日历和统计中移除")
            % {"t": activity.title, "d": f"{timezone.localtime(activity.start):%Y-%m-%d %H:%M}"},
            _("%(n)d 张照片") % {"n": activity.photos.count()},
        ]
        if sessions:
            lost.append(_("%(s)d 个场次及其 %(a)d 条签到记录") % {"s": sessions, "a": attendances})
        if hasattr(activity, "training"):
            lost.append(_("培训班及其报名名单"))
        return confirm_page(
            request,
            title=_("删除活动"),
            subject=activity.title,
            lost=lost,
            button=_("删除活动"),
            cancel_url=reverse("events:detail", args=[activity.pk]),
            note=_("删除后 %(n)d 天内，区妇联管理员可以在回收站恢复。") % {"n": RECYCLE_DAYS},
        )
    services.delete_activity(actor=request.user, activity=activity)
    messages.success(
        request,
        _("活动“%(t)s”已移入回收站，%(n)d 天内可恢复。") % {"t": activity.title, "n": RECYCLE_DAYS},
    )
    return redirect("events:list")


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    form = PhotoUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photos(
                actor=request.user, activity=activity, uploads=form.cleaned_data["photos"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
    else:
        for errors in form.errors.values():
            # Iterating an ErrorList yields message strings; the stubs say ValidationError too.
            for text in errors:
                messages.error(request, text)  # type: ignore[arg-type]
    return redirect("events:detail", pk=activity.pk)


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def photo_delete(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_for_user_or_404(
        ActivityPhoto.objects.select_related("activity__org"), request.user, pk=pk
    )
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("删除照片"),
            subject=photo.activity.title,
            lost=[_("这张照片从活动“%(t)s”中移除") % {"t": photo.activity.title}],
            button=_("删除照片"),
            cancel_url=reverse("events:detail", args=[photo.activity_id]),
            note=_("删除后 %(n)d 天内，区妇联管理员可以在回收站恢复。") % {"n": RECYCLE_DAYS},
        )
    services.delete_photo(actor=request.user, photo=photo)
    messages.success(request, _("照片已移入回收站。"))
    return redirect("events:detail", pk=photo.activity_id)


# --- the recycle bin ---------------------------------------------------------------------------


@require_safe
@permission_required("fulian.configure", raise_exception=True)
def recycle_bin(request: HttpRequest) -> HttpResponse:
    """What was deleted in the last 30 days, in the admin's subtree, to restore."""
    cutoff = services.recycle_cutoff()
    activities = (
        Activity.all_objects.for_user(request.user)
        .filter(deleted_at__gte=cutoff)
        .select_related("org", "deleted_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-deleted_at", "-pk")
    )
    photos = (
        ActivityPhoto.all_objects.for_user(request.user)
        .filter(deleted_at__gte=cutoff, activity__deleted_at__isnull=True)
        .select_related("activity__org", "deleted_by")
        .order_by("-deleted_at", "-pk")
    )
    return render(
        request,
        "events/recycle_bin.html",
        {
            "activities": Paginator(activities, PAGE_SIZE).get_page(request.GET.get("page")),
            "photos": list(photos[:PAGE_SIZE]),
            "days": RECYCLE_DAYS,
        },
    )


@require_POST
@permission_required("fulian.configure", raise_exception=True)
def activity_restore(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_for_user_or_404(
        Activity.all_objects.filter(deleted_at__isnull=False), request.user, pk=pk
    )
    try:
        services.restore_activity(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:recycle_bin")
    messages.success(request, _("活动“%(t)s”已恢复。") % {"t": activity.title})
    return redirect("events:detail", pk=activity.pk)


@require_POST
@permission_required("fulian.configure", raise_exception=True)
def photo_restore(request: HttpRequest, pk: int) -> HttpResponse:
    photo = get_for_user_or_404(
        ActivityPhoto.all_objects.filter(deleted_at__isnull=False).select_related("activity"),
        request.user,
        pk=pk,
    )
    try:
        services.restore_photo(actor=request.user, photo=photo)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("events:recycle_bin")
    messages.success(request, _("照片已恢复。"))
    return redirect("events:detail", pk=photo.activity_id)


@require_safe
def photo(request: HttpRequest, pk: int) -> FileResponse:
    """A photo, only for users whose scope holds its activity (never from MEDIA_URL)."""
    item = get_for_user_or_404(ActivityPhoto.objects, request.user, pk=pk)
    stored = item.thumbnail if request.GET.get("size") == "thumb" else item.image
    return serve(
        stored, content_type="image/jpeg", name=stored.name.rsplit("/", 1)[-1], cache_seconds=3600
    )


# --- campaigns ----------------------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    """The year of the current period (the header's choice, or the page's ``?year=``)."""
    return periods.current_period(request).start.year


@require_safe
def campaign_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    counts = queries.campaign_counts(Activity.objects.for_user(request.user), year)
    campaigns = list(Campaign.objects.select_related("parent"))
    ordered = [c for c in campaigns if c.parent_id is None]
    rows = []
    for root in ordered:
        rows.append((root, 0, counts.get(root.pk, 0)))
        rows += [(c, 1, counts.get(c.pk, 0)) for c in campaigns if c.parent_id == root.pk]
    return render(request, "events/campaigns.html", {"rows": rows, "year": year})


@require_safe
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's activities in the user's subtree: by month and by child org (chart)."""
    campaign = Campaign.objects.filter(code=code).first()
    if campaign is None:
        raise Http404
    year = _year(request)
    root = user_org(request.user)
    org_id = request.GET.get("org", "")
    org = (
        Org.objects.for_user(request.user).filter(pk=parse_id(org_id)).first()
        if parse_id(org_id)
        else None
    ) or root
    if org is None:
        raise Http404
    queryset = Activity.objects.in_subtree(org).in_year(year).in_campaign(campaign)
    by_month = queries.month_counts(queryset)
    by_org = queries.child_org_counts(queryset, org)
    recent = queryset.select_related("org", "kind").order_by("-start", "-pk")[:20]
    months = [_("%(m)d月") % {"m": m} for m in range(1, 13)]
    chart = {
        "months": months,
        "byMonth": by_month,
        "orgs": [o.name for o, _n in by_org],
        "byOrg": [n for _o, n in by_org],
    }
    return render(
        request,
        "events/campaign.html",
        {
            "campaign": campaign,
            "year": year,
            "org": org,
            "total": sum(by_month),
            "participants": queries.participant_total(queryset),
            "by_org": by_org,
            "recent": recent,
            "chart": chart,
            "month_rows": list(zip(months, by_month, strict=True)),
            "children": list(campaign.children.all()),
        },
    )


# --- configuration (district) -------------------------------------------------------------


@require_safe
@permission_required("fulian.configure", raise_exception=True)
def config(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/config.html",
        {
            "kinds": ActivityKind.objects.all(),
            "campaigns": Campaign.objects.select_related("parent"),
            "series": TrainingSeries.objects.all(),
        },
    )


def _config_edit(
    request: HttpRequest, form_class: Any, instance: Any, save: Any, name: str, title: str
) -> HttpResponse:
    initial = {f: getattr(instance, f) for f in form_class.base_fields} if instance else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(actor=request.user, **{name: instance}, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:config")
    return render(request, "events/form.html", {"form": form, "title": title})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def kind_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    kind = ActivityKind.objects.filter(pk=pk).first() if pk else None
    if pk and kind is None:
        raise Http404
    return _config_edit(request, KindForm, kind, services.save_kind, "kind", _("活动类型"))


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def campaign_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    campaign = Campaign.objects.filter(pk=pk).first() if pk else None
    if pk and campaign is None:
        raise Http404
    return _config_edit(
        request, CampaignForm, campaign, services.save_campaign, "campaign", _("活动品牌")
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def series_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    series = TrainingSeries.objects.filter(pk=pk).first() if pk else None
    if pk and series is None:
        raise Http404
    return _config_edit(
        request, SeriesForm, series, services.save_series, "series", _("培训班系列")
    )


# --- training classes ---------------------------------------------------------------------


@require_safe
def training_list(request: HttpRequest) -> HttpResponse:
    year_text = request.GET.get("year", "")
    trainings = TrainingClass.objects.for_user(request.user).select_related(
        "activity__org", "series"
    )
    if (year := parse_year(year_text)) is not None:
        trainings = trainings.filter(activity__in=Activity.objects.in_year(year))
    trainings = trainings.order_by("-activity__start", "-pk")
    page = Paginator(trainings, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {
        a.pk: a
        for a in queries.with_activity_counts(
            Activity.objects.filter(pk__in=[t.pk for t in page.object_list])
        )
    }
    rows = [(t, counts[t.pk]) for t in page.object_list]
    return render(request, "events/trainings.html", {"page": page, "rows": rows, "year": year_text})


def _training_initial(training: TrainingClass) -> dict[str, Any]:
    a = training.activity
    return {
        "org": a.org,
        "title": a.title,
        "series": training.series,
        "number": training.number,
        "start": timezone.localtime(a.start).date(),
        "end": timezone.localtime(a.end).date() if a.end else None,
        "place": a.place,
        "audiences": a.audiences,
        "topics": training.topics,
        "methods": training.methods,
        "description": a.description,
        "completion_percent": training.completion_percent,
        "self_registration": training.self_registration,
    }


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def training_create(request: HttpRequest) -> HttpResponse:
    form = TrainingForm(
        request.POST or None, actor=request.user, initial={"org": user_org(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            training = services.create_training(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:training", pk=training.pk)
    return render(request, "events/form.html", {"form": form, "title": _("新建培训班")})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    form = TrainingForm(
        request.POST or None, actor=request.user, initial=_training_initial(training)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_training(actor=request.user, training=training, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:training", pk=training.pk)
    return render(request, "events/form.html", {"form": form, "title": _("编辑培训班")})


@require_safe
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    sessions = services.with_counts(training.activity.sessions.all())
    enrolments = training.enrolments.select_related("person__org").order_by("status", "name", "pk")
    can_edit = request.user.has_perm("fulian.edit")
    return render(
        request,
        "events/training.html",
        {
            "training": training,
            "activity": training.activity,
            "sessions": sessions,
            "counts": services.activity_counts(training.activity),
            "enrolments": enrolments,
            "completers": services.completers(training),
            "register_url": (
                request.build_absolute_uri(
                    reverse("events:register", args=[services.registration_token(training)])
                )
                if can_edit and training.self_registration
                else ""
            ),
            "position_kinds": PositionKind.choices,
            "scope_orgs": Org.objects.in_subtree(training.activity.org).filter(
                depth__lte=training.activity.org.depth + 1
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _activity(request, pk)
    start = timezone.localtime(activity.start)
    form = SessionForm(
        request.POST or None,
        initial={
            "title": activity.title,
            "place": activity.place,
            "start": start,
            "end": start + datetime.timedelta(hours=3),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_session(actor=request.user, activity=activity, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:detail", pk=activity.pk)
    return render(request, "events/form.html", {"form": form, "title": _("新增场次")})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    initial = {
        "title": session.title,
        "start": timezone.localtime(session.start),
        "end": timezone.localtime(session.end),
        "place": session.place,
        "method": session.method,
        "instructor_name": session.instructor_name,
        "instructor_unit": session.instructor_unit,
    }
    form = SessionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(actor=request.user, session=session, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("events:session", pk=session.pk)
    return render(request, "events/form.html", {"form": form, "title": _("编辑场次")})


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def enrol_roster(request: HttpRequest, pk: int) -> HttpResponse:
    """Enrol the current holders of the chosen positions under the chosen org."""
    training = _training(request, pk)
    kinds = [k for k in request.POST.getlist("kinds") if k in PositionKind.values]
    org_id = request.POST.get("org", "")
    org = (
        Org.objects.for_user(request.user).filter(pk=parse_id(org_id)).first()
        if parse_id(org_id)
        else None
    )
    if not kinds or org is None:
        messages.error(request, _("请选择职务和组织。"))
        return redirect("events:training", pk=training.pk)
    people = (
        Person.objects.for_user(request.user)
        .in_subtree(org)
        .filter(positions__in=Position.objects.current(periods.today()).filter(kind__in=kinds))
        .distinct()
    )
    created = services.enrol_people(actor=request.user, training=training, people=list(people))
    messages.success(request, _("已从花名册报名 %(n)d 人。") % {"n": created})
    return redirect("events:training", pk=training.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def enrol_import(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    form = SpreadsheetForm(request.POST, request.FILES)
    if not form.is_valid():
        for message in form.errors.get_json_data().get("file", []):
            messages.error(request, message["message"])
        return redirect("events:training", pk=training.pk)
    try:
        created, matched = services.import_enrolments(
            actor=request.user, training=training, data=form.cleaned_data["file"].read()
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("已导入 %(n)d 人，其中 %(m)d 人匹配到人员库。") % {"n": created, "m": matched},
        )
    return redirect("events:training", pk=training.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def enrolment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = get_for_user_or_404(
        Enrolment.objects.select_related("training__activity__org"), request.user, pk=pk
    )
    status = request.POST.get("status", "")
    try:
        services.decide_enrolment(actor=request.user, enrolment=enrolment, status=status)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("events:training", pk=enrolment.training_id)


@require_safe
def attendance_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    training = _training(request, pk)
    return _attendance_xlsx(training.activity)


@require_safe
def session_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    return _attendance_xlsx(_activity(request, pk))


def _attendance_xlsx(activity: Activity) -> HttpResponse:
    return exports.xlsx_response(
        documents.attendance_workbook(activity),
        exports.filename(activity.org, _("%(title)s签到表") % {"title": activity.title}),
    )


@require_safe
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """Completion certificates (one page each) of those who attended enough sessions."""
    training = _training(request, pk)
    try:
        pdf = documents.certificates_pdf(training)
    except documents.MissingCJKFont as error:
        return render(request, "events/error.html", {"message": str(error)}, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(  # type: ignore[assignment]
        False,
        exports.filename(
            training.activity.org,
            _("%(title)s结业证书") % {"title": training.activity.title},
            ext="pdf",
        ),
    )
    return response


# --- sessions: the organiser's side of check-in -------------------------------------------


def checkin_url(request: HttpRequest, session: Session) -> str:
    return request.build_absolute_uri(
        reverse("events:checkin", args=[services.checkin_token(session)])
    )


def _session_context(request: HttpRequest, session: Session) -> dict[str, Any]:
    counted = services.with_counts(Session.objects.filter(pk=session.pk)).get()
    now = periods.now()
    return {
        "session": session,
        "activity": session.activity,
        "counts": counted,
        "closes": session.end + services.checkin_grace(),
        "open": session.start - services.checkin_lead()
        <= now
        <= session.end + services.checkin_grace(),
    }


@require_safe
def session_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    attendances = session.attendances.select_related("person__org").order_by("checked_in_at", "pk")
    query = request.GET.get("q", "").strip()
    found = []
    if query and request.user.has_perm("fulian.edit"):
        found = list(
            Person.objects.for_user(request.user)
            .in_subtree(session.activity.org)
            .search(query)
            .select_related("org")[:20]
        )
    context = {
        **_session_context(request, session),
        "attendances": attendances,
        "query": query,
        "found": found,
        "link": checkin_url(request, session) if request.user.has_perm("fulian.edit") else "",
        "scope_orgs": Org.objects.for_user(request.user).filter(status="active").order_by("path"),
    }
    if request.htmx and request.GET.get("part") == "search":
        return render(request, "events/session.html#search", context)
    return render(request, "events/session.html", context)


@require_safe
def session_count(request: HttpRequest, pk: int) -> HttpResponse:
    """The live count (htmx polls it every few seconds)."""
    session = _session(request, pk)
    return render(request, "events/session.html#count", _session_context(request, session))


@require_safe
@permission_required("fulian.edit", raise_exception=True)
def session_qr(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    out = io.BytesIO()
    segno.make(checkin_url(request, session), error="m").save(
        out, kind="svg", scale=10, border=2, xmldecl=True, svgns=True, title=session.title
    )
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="checkin-{session.pk}.svg"'
    return response


@require_safe
@permission_required("fulian.edit", raise_exception=True)
def session_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code full-screen, for a projector; the count under it updates live."""
    session = _session(request, pk)
    return render(request, "events/screen.html", _session_context(request, session))


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def session_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser checks a person in by hand."""
    session = _session(request, pk)
    person_id = request.POST.get("person", "")
    person = (
        get_for_user_or_404(Person.objects, request.user, pk=person_id)
        if person_id.isdigit()
        else None
    )
    if person is None:
        raise Http404
    result = services.check_in_person(
        actor=request.user, session=session, person=person, late=request.POST.get("late") == "1"
    )
    if result.created:
        messages.success(request, _("%(name)s 已签到。") % {"name": person.name})
    else:
        messages.info(request, _("%(name)s 本场次已签到。") % {"name": person.name})
    return redirect("events:session", pk=session.pk)


def _attendance(request: HttpRequest, pk: int) -> Attendance:
    return get_for_user_or_404(
        Attendance.objects.select_related("session__activity__org"), request.user, pk=pk
    )


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def attendance_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = _attendance(request, pk)
    person_id = request.POST.get("person", "")
    org_id = request.POST.get("org", "")
    person = (
        get_for_user_or_404(Person.objects, request.user, pk=person_id)
        if person_id.isdigit()
        else None
    )
    new_org = (
        get_for_user_or_404(Org.objects, request.user, pk=org_id)
        if org_id.isdigit() and person is None
        else None
    )
    try:
        services.confirm_attendance(
            actor=request.user, attendance=attendance, person=person, new_person_org=new_org
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("events:session", pk=attendance.session_id)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def attendance_reject(request: HttpRequest, pk: int) -> HttpResponse:
    attendance = _attendance(request, pk)
    try:
        services.reject_attendance(actor=request.user, attendance=attendance)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    return redirect("events:session", pk=attendance.session_id)


# --- public pages: check-in and self-registration -----------------------------------------


@require_http_methods(["GET", "POST"])
@login_not_required
@limit_posts("checkin", limit=600, window=600)  # a hall of trainees may share one address
def checkin(request: HttpRequest, token: str) -> HttpResponse:
    """The phone-width page a trainee reaches by scanning the session's QR code."""
    session = services.session_for_token(token)
    if session is None:
        return render(request, "events/checkin.html", {"invalid": True}, status=404)
    context: dict[str, Any] = {"session": session, "activity": session.activity}
    closes = session.end + services.checkin_grace()
    now = periods.now()
    if now > closes:
        return render(request, "events/checkin.html", {**context, "closed": closes}, status=410)
    if now < session.start - services.checkin_lead():
        return render(
            request,
            "events/checkin.html",
            {**context, "not_yet": session.start - services.checkin_lead()},
        )
    form = CheckinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.check_in(session=session, **form.cleaned_data)
        except services.CheckinClosed:
            return render(request, "events/checkin.html", {**context, "closed": closes}, status=410)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "events/checkin.html", {**context, "result": result})
    return render(request, "events/checkin.html", {**context, "form": form})


@require_http_methods(["GET", "POST"])
@login_not_required
@limit_posts("register", limit=120, window=600)
def register(request: HttpRequest, token: str) -> HttpResponse:
    """Self-registration for a class (approved by the organiser)."""
    training = services.training_for_token(token)
    if training is None or not training.self_registration:
        return render(request, "events/register.html", {"invalid": True}, status=404)
    form = CheckinForm(request.POST or None)
    context: dict[str, Any] = {"training": training, "activity": training.activity, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            enrolment, created = services.register_self(
                training=training, unit=request.POST.get("unit", ""), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            context.update({"enrolment": enrolment, "created": created})
    return render(request, "events/register.html", context)
