"""Venue pages: list, map, detail, edits, photos, standards, assessments, and the public
directory (no login)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fulian.core import periods
from fulian.core.exports import filename as export_filename
from fulian.core.exports import xlsx_response
from fulian.core.forms import add_service_errors
from fulian.core.params import query_id
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.core.uploads import serve
from fulian.orgs.models import Org
from fulian.venues import exports, public, services
from fulian.venues.forms import (
    AssessmentForm,
    PhotoForm,
    PublicSearchForm,
    StandardForm,
    VenueFilterForm,
    VenueForm,
)
from fulian.venues.models import (
    Assessment,
    AssessmentEvidence,
    Standard,
    StandardItem,
    Venue,
    VenuePhoto,
    VenueStatus,
)

PAGE_SIZE = 50


def filter_venues(qs: QuerySet[Venue], data: dict[str, Any]) -> QuerySet[Venue]:
    if data.get("q"):
        qs = qs.filter(name__contains=data["q"].strip())
    if data.get("type"):
        qs = qs.filter(type=data["type"])
    if data.get("host"):
        qs = qs.filter(host=data["host"])
    if data.get("year"):
        qs = qs.filter(established__year=data["year"])
    if data.get("certified") is not None:
        qs = qs.filter(certified=data["certified"])
    if data.get("model_site"):
        qs = qs.filter(is_model_site=True)
    return qs


def filtered_venues(request: HttpRequest) -> tuple[VenueFilterForm, QuerySet[Venue]]:
    """Venues in scope as the list page's filters select them, in its order."""
    form = VenueFilterForm(request.GET or None)
    qs: QuerySet[Venue] = Venue.objects.for_user(request.user).select_related("org")
    if form.is_valid():
        qs = filter_venues(qs, form.cleaned_data)
    return form, qs.order_by("type", "name", "pk")


@require_safe
def venue_list(request: HttpRequest) -> HttpResponse:
    form, qs = filtered_venues(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "venues/list.html",
        {"page": page, "form": form, "export_query": query.urlencode()},
    )


@require_safe
def venue_export(request: HttpRequest) -> HttpResponse:
    """The list as filtered on the page, every page of it, as .xlsx."""
    _form, qs = filtered_venues(request)
    org = user_org(request.user)
    return xlsx_response(exports.venue_workbook(qs, org=org), export_filename(org, "阵地名录"))


@require_safe
def venue_map(request: HttpRequest) -> HttpResponse:
    """Venues in scope with a location, as markers on Leaflet (tiles from a setting)."""
    form = VenueFilterForm(request.GET or None)
    qs: QuerySet[Venue] = Venue.objects.for_user(request.user).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    if form.is_valid():
        qs = filter_venues(qs, form.cleaned_data)
    markers = [
        {
            "name": v.name,
            "type": v.type,
            "type_label": str(v.get_type_display()),
            "lat": float(v.latitude or 0),
            "lng": float(v.longitude or 0),
            "model": v.is_model_site,
            "url": reverse("venues:detail", args=[v.pk]),
        }
        for v in qs.order_by("pk")
    ]
    return render(
        request,
        "venues/map.html",
        {"form": form, "markers": markers, "tile_url": settings.FULIAN_MAP_TILE_URL},
    )


def _venue(request: HttpRequest, pk: int) -> Venue:
    return get_for_user_or_404(Venue.objects.select_related("org"), request.user, pk=pk)


def activities_at(venue: Venue) -> tuple[list[Any], list[Any]]:
    """Activities held at the venue and study tours to it, when the events app links them
    (``Activity.venue`` and ``Activity.destinations``)."""
    held: list[Any] = []
    tours: list[Any] = []
    for rel in Venue._meta.related_objects:
        model = rel.related_model
        if model._meta.app_label != "events" or model.__name__ != "Activity":
            continue
        manager = getattr(venue, rel.get_accessor_name() or "")
        rows = list(manager.order_by("-start", "-pk")[:50])
        if rel.many_to_many:
            tours = rows
        else:
            held = rows
    return held, tours


@require_safe
def venue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    activities = activities_at(venue)
    assessments = venue.assessments.select_related("standard", "assessor").prefetch_related(
        Prefetch("results", queryset=_results()), "evidence"
    )
    return render(
        request,
        "venues/detail.html",
        {
            "venue": venue,
            "photos": venue.photos.all(),
            "assessments": assessments,
            "standard": services.standard_for(venue),
            "activities": activities[0],
            "study_tours": activities[1],
            "photo_form": PhotoForm(),
            "can_edit": request.user.has_perm("fulian.edit"),
        },
    )


def _results() -> QuerySet[Any]:
    from fulian.venues.models import AssessmentResult

    return AssessmentResult.objects.select_related("item")


def _venue_initial(venue: Venue) -> dict[str, Any]:
    return {f: getattr(venue, f) for f in services.VENUE_FIELDS} | {"org": venue.org}


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def venue_create(request: HttpRequest) -> HttpResponse:
    form = VenueForm(
        request.POST or None, actor=request.user, initial={"org": user_org(request.user)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            venue = services.create_venue(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "venues/form.html", {"form": form, "title": _("新建阵地")})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def venue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    form = VenueForm(request.POST or None, actor=request.user, initial=_venue_initial(venue))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_venue(actor=request.user, venue=venue, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("venues:detail", pk=venue.pk)
    return render(
        request, "venues/form.html", {"form": form, "title": _("编辑阵地"), "venue": venue}
    )


@require_POST
@permission_required("fulian.configure", raise_exception=True)
def venue_model_site(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    services.set_model_site(
        actor=request.user, venue=venue, is_model_site=request.POST.get("on") == "1"
    )
    return redirect("venues:detail", pk=venue.pk)


@require_POST
@permission_required("fulian.edit", raise_exception=True)
def photo_add(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_photo(
                actor=request.user,
                venue=venue,
                upload=form.cleaned_data["file"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("venues:detail", pk=venue.pk)


@require_safe
def photo_file(request: HttpRequest, pk: int) -> FileResponse:
    photo = get_for_user_or_404(VenuePhoto.objects, request.user, pk=pk)
    return serve(
        photo.file,
        content_type=photo.content_type,
        name=photo.file.name.rsplit("/", 1)[-1],
    )


@require_safe
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    assessments = Assessment.objects.for_user(request.user)
    evidence = AssessmentEvidence.objects.filter(pk=pk, assessment__in=assessments).first()
    if evidence is None:
        raise Http404
    return serve(evidence.file, content_type=evidence.content_type, name=evidence.name)


# --- standards and assessments ---------------------------------------------------------------


@require_safe
def standards(request: HttpRequest) -> HttpResponse:
    qs = (
        Standard.objects.for_user(request.user)
        .select_related("org")
        .prefetch_related(Prefetch("items", queryset=StandardItem.objects.order_by("order", "pk")))
        .order_by("venue_type", "-active", "-pk")
    )
    return render(request, "venues/standards.html", {"standards": qs})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.configure", raise_exception=True)
def standard_create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    base = query_id(request, "from")
    if base is not None:
        old = Standard.objects.for_user(request.user).filter(pk=base).first()
        if old is not None:
            initial = {
                "venue_type": old.venue_type,
                "name": old.name,
                "threshold": old.threshold,
                "items": "\n".join(f"{i.label}|{i.kind}|{i.max_score}" for i in old.items.all()),
            }
    form = StandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_standard(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("venues:standards")
    return render(request, "venues/form.html", {"form": form, "title": _("设置创建标准")})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.edit", raise_exception=True)
def assess(request: HttpRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    standard = services.standard_for(venue)
    if standard is None:
        messages.error(request, _("该类阵地尚无创建标准。"))
        return redirect("venues:detail", pk=venue.pk)
    form = AssessmentForm(request.POST or None, request.FILES or None, standard=standard)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("evidence")
        try:
            services.assess(
                actor=request.user,
                venue=venue,
                date=form.cleaned_data["date"],
                results=form.results(),
                note=form.cleaned_data["note"],
                evidence=[upload] if upload else [],
                standard=standard,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("venues:detail", pk=venue.pk)
    return render(
        request,
        "venues/form.html",
        {"form": form, "title": _("评估阵地"), "venue": venue, "standard": standard},
    )


@require_safe
def below_standard(request: HttpRequest) -> HttpResponse:
    """Open venues whose latest assessment did not reach the threshold."""
    qs = (
        Venue.objects.for_user(request.user)
        .filter(status=VenueStatus.OPEN, certified=False)
        .filter(Exists(Assessment.objects.filter(venue=OuterRef("pk"))))
        .select_related("org")
        .order_by("type", "name", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "venues/list.html", {"page": page, "form": None, "title": _("未达标阵地")}
    )


@require_safe
def not_assessed(request: HttpRequest) -> HttpResponse:
    """Open venues without an assessment in the current period's year (``?year=`` for
    another)."""
    year = periods.current_period(request).start.year
    qs = (
        Venue.objects.for_user(request.user)
        .filter(status=VenueStatus.OPEN)
        .exclude(Exists(Assessment.objects.filter(venue=OuterRef("pk"), date__year=year)))
        .select_related("org")
        .order_by("type", "name", "pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "venues/list.html",
        {"page": page, "form": None, "title": _("%(year)d年未评估阵地") % {"year": year}},
    )


# --- the public directory --------------------------------------------------------------------


def _public_areas() -> tuple[QuerySet[Org], QuerySet[Org]]:
    towns = Org.objects.filter(kind__in=public.TOWN_KINDS, status="active").order_by("path")
    villages = Org.objects.filter(kind__in=public.VILLAGE_KINDS, status="active").order_by("path")
    return towns, villages


@require_safe
@login_not_required
def directory(request: HttpRequest) -> HttpResponse:
    """Find a women's home or mediation workroom: by town and village, or near the phone's
    location. Public, phone-first, no personal data."""
    towns, villages = _public_areas()
    form = PublicSearchForm(request.GET or None, towns=towns, villages=villages)
    results: list[public.PublicVenue] | None = None
    town = None
    if form.is_valid():
        data = form.cleaned_data
        town = data["town"]
        area = data["village"] or town
        if area is not None or data["lat"] is not None or data["type"]:
            results = public.find(area=area, type=data["type"], lat=data["lat"], lng=data["lng"])
    if town is not None:
        form.village_field.queryset = villages.filter(path__startswith=town.path)
    else:
        form.village_field.queryset = villages.none()
    return render(
        request,
        "venues/directory.html",
        {
            "form": form,
            "results": results,
            "near": bool(form.is_valid() and form.cleaned_data["lat"] is not None),
        },
    )
