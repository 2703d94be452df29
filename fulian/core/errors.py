"""The error pages: 403, 404, 429 and 500 in the user's language, inside the shell (menu,
period, language switch) with a way back. ``urls.py`` points handler403/404/500 here through
``core.views``; ``core.ratelimit`` answers 429 with the same page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

ERRORS = {
    403: (_("无权访问"), _("您的账号没有执行此操作的权限。如需要，请联系上级妇联的管理员。")),
    404: (_("页面不存在"), _("您要找的页面不存在，或不在您的管辖范围内。")),
    429: (_("操作太频繁"), _("操作太频繁，请稍后再试。")),
    500: (_("服务器出错了"), _("系统处理时出错，已记录。请稍后再试，或回到首页。")),
}
# An API client has no home page to go back to.
API_TEXT = {500: _("服务器出错了，已记录。请稍后再试。")}


def error_page(request: HttpRequest, status: int) -> HttpResponse:
    """One Chinese error page with the menu and a way back; JSON under /api/."""
    title, text = ERRORS[status]
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(API_TEXT.get(status, text))}, status=status)
    referer = request.headers.get("Referer", "")
    back = (
        referer
        if referer
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()})
        and not referer.endswith(request.path)
        else ""
    )
    context = {"status": status, "error_title": title, "error_text": text, "back_url": back}
    return render(request, "core/error.html", context, status=status)
