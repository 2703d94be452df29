from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fulian.accounts import totp
from fulian.accounts.forms import CodeForm, UserForm
from fulian.accounts.models import User
from fulian.accounts.services import (
    TotpResult,
    check_totp,
    confirm_totp,
    create_user,
    end_sessions,
    password_changed,
    reset_totp,
    revoke_token,
    start_totp_enrollment,
    token_id,
    totp_error,
    totp_secret,
    update_user,
    user_tokens,
)
from fulian.core.confirm import confirm_page
from fulian.core.forms import add_service_errors
from fulian.core.ratelimit import login_throttled, record_login_failure
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


# --- two-factor authentication ------------------------------------------------------------

PENDING = "fulian_2fa_pending"
PENDING_FAILURES = "fulian_2fa_failures"
MAX_CODE_FAILURES = 5


class LoginView(auth_views.LoginView):
    """Password first; a user with an authenticator then gives a code on the next page."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if login_throttled(request):
            return render(request, "accounts/locked.html", {"by_address": True}, status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        record_login_failure(self.request)
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not user.totp_enabled:
            return super().form_valid(form)
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_success_url(),
        }
        self.request.session[PENDING_FAILURES] = 0
        return redirect("login_2fa")


@login_not_required
@require_http_methods(["GET", "POST"])
def login_2fa(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=pending["user"], is_active=True).first()
        if user is None:
            request.session.pop(PENDING, None)
            return redirect("login")
        result = check_totp(user=user, code=form.cleaned_data["code"])
        if result is TotpResult.OK:
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        failures = request.session.get(PENDING_FAILURES, 0) + 1
        request.session[PENDING_FAILURES] = failures
        if failures >= MAX_CODE_FAILURES:
            request.session.pop(PENDING, None)
            return redirect("login")
        form.add_error("code", totp_error(user, result))
    return render(request, "accounts/login_2fa.html", {"form": form})


@require_http_methods(["GET", "POST"])
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the QR code, confirm with a code."""
    user = request.user
    assert isinstance(user, User)
    if user.totp_enabled:
        return render(request, "accounts/totp_setup.html", {"enabled": True})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirm_totp(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("动态口令已启用。"))
            return redirect("home")
    secret = totp_secret(user) if request.method == "POST" else start_totp_enrollment(user=user)
    uri = totp.provisioning_uri(secret, user.username, issuer="Fulian")
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "secret": secret,
            "qr": segno.make(uri, error="m").svg_inline(scale=4, omitsize=True),
            "required": user.totp_required,
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("fulian.manage_users", raise_exception=True)
def user_reset_totp(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_for_user_or_404(User.objects, request.user, pk=pk)
    if request.method == "GET":
        return confirm_page(
            request,
            title=_("重置动态口令"),
            subject=user.get_username(),
            lost=[
                _("该账号绑定的验证器失效，原来的动态口令不能再登录"),
                _("该账号下次登录时须重新绑定验证器"),
            ],
            button=_("重置动态口令"),
            cancel_url=reverse("accounts:user_edit", args=[user.pk]),
        )
    reset_totp(actor=request.user, user=user)
    messages.success(request, _("已重置该账号的动态口令。"))
    return redirect("accounts:user_edit", pk=user.pk)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; afterwards every API token of the account ends (other
    sessions end with the old password hash; this one is kept)."""

    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        password_changed(user=form.user)
        messages.success(self.request, _("密码已修改，其他设备上的登录已失效。"))
        return response


@require_http_methods(["GET", "POST"])
def my_sessions(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens (one per device), each revocable, and "log out
    everywhere" (every token and every session, this one included)."""
    user = request.user
    assert isinstance(user, User)
    if request.method == "POST":
        if request.POST.get("everywhere") == "1":
            end_sessions(user)
            return redirect("login")
        if revoke_token(user=user, token_ref=request.POST.get("token", "")):
            messages.success(request, _("已注销该设备的令牌。"))
        return redirect("accounts:sessions")
    tokens = [
        {"id": token_id(t), "created": t.created, "expiry": t.expiry} for t in user_tokens(user)
    ]
    return render(request, "accounts/sessions.html", {"tokens": tokens})
