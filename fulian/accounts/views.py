from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fulian.accounts.forms import UserForm
from fulian.accounts.models import User
from fulian.accounts.services import create_user, update_user
from fulian.core.forms import add_service_errors
from fulian.core.scope import get_for_user_or_404


@require_safe
@permission_required("fulian.manage_users", raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    users = (
        User.objects.for_user(request.user).select_related("org").order_by("org__path", "username")
    )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_users", raise_exception=True)
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None, actor=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            create_user(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_users", raise_exception=True)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_user_or_404(User.objects, request.user, pk=pk)
    initial = {
        "username": user.username,
        "full_name": user.full_name,
        "org": user.org,
        "role": user.role,
        "is_active": user.is_active,
    }
    form = UserForm(request.POST or None, initial=initial, actor=request.user, creating=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update_user(
                actor=request.user,
                user=user,
                full_name=data["full_name"],
                org=data["org"],
                role=data["role"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "subject": user})


def lockout_response(
    request: HttpRequest, credentials: object = None, *args: object
) -> HttpResponse:
    """What a locked account gets (django-axes calls this): 429, as JSON on the API."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("登录失败次数过多，账号已锁定30分钟。")}, status=429)
    return render(request, "accounts/locked.html", status=429)
