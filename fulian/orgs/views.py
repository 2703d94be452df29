"""Org pages: the lazily expanding tree, search, the org page and edits of units."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fulian.core.forms import add_service_errors
from fulian.core.http import HtmxHttpRequest
from fulian.core.registry import registry
from fulian.core.scope import get_for_user_or_404, user_org
from fulian.orgs import services
from fulian.orgs.forms import DissolveForm, MoveForm, OrgForm
from fulian.orgs.models import Org

SEARCH_LIMIT = 50


def _org(request: HttpRequest, pk: int) -> Org:
    return get_for_user_or_404(Org.objects, request.user, pk=pk)


@require_safe
def tree(request: HtmxHttpRequest) -> HttpResponse:
    """The tree from the user's org, its first level open; ``?q=`` searches the subtree."""
    root = user_org(request.user)
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"root": root, "query": query}
    if query:
        context["results"] = list(
            Org.objects.for_user(request.user).search(query).order_by("path")[:SEARCH_LIMIT]
        )
    elif root is not None:
        context["children"] = list(Org.objects.get_children(root))
    if request.htmx:
        return render(request, "orgs/tree.html#results", context)
    return render(request, "orgs/tree.html", context)


@require_safe
def children(request: HttpRequest, pk: int) -> HttpResponse:
    """One level of the tree, for htmx to open under a node."""
    org = _org(request, pk)
    return render(request, "orgs/children.html", {"children": list(Org.objects.get_children(org))})


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    root = user_org(request.user)
    ancestors = [a for a in Org.objects.get_ancestors(org) if root is not None and root.contains(a)]
    sections = [
        {"title": s.title, "template": s.template, **s.context(request, org)}
        for s in registry.org_sections
        if request.user.has_perm(s.perm)
    ]
    return render(
        request,
        "orgs/detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "children": list(Org.objects.get_children(org)),
            "users": org.users.order_by("username")
            if request.user.has_perm("fulian.manage_users")
            else None,
            "sections": sections,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _org(request, pk)
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.create_org(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "parent": parent})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    initial = {"name": org.name, "kind": org.kind, "established": org.established}
    form = OrgForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_org(actor=request.user, org=org, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/form.html", {"form": form, "org": org})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def move(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = MoveForm(request.POST or None, actor=request.user, org=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.move_org(
                actor=request.user, org=org, new_parent=form.cleaned_data["new_parent"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/action.html", {"form": form, "org": org, "action": "move"})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_orgs", raise_exception=True)
def dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    org = _org(request, pk)
    form = DissolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dissolve_org(actor=request.user, org=org, on=form.cleaned_data["on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已撤销%(n)s。") % {"n": org.name})
            return redirect("orgs:detail", pk=org.pk)
    lost = [
        _("该组织标记为已撤销，不再出现在统计和选择列表中"),
        _("其 %(n)d 个用户账号将不能再为它工作") % {"n": org.users.count()},
    ]
    return render(
        request,
        "orgs/action.html",
        {"form": form, "org": org, "action": "dissolve", "lost": lost},
    )
