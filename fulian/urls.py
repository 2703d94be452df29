from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from fulian.accounts import views as accounts_views
from fulian.core import health, pwa
from fulian.core import views as core_views
from fulian.reports import views as reports_views

urlpatterns = [
    path("", reports_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="service_worker"),
    path("offline/", pwa.offline, name="offline"),
    path("period/", core_views.set_period, name="set_period"),
    path("nav/badges/", core_views.nav_badges, name="nav_badges"),
    path("audit/", core_views.audit, name="audit"),
    path("audit/access/", core_views.access_log, name="access_log"),
    path("login/", accounts_views.LoginView.as_view(), name="login"),
    path("login/2fa/", accounts_views.login_2fa, name="login_2fa"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("fulian.accounts.urls")),
    path("orgs/", include("fulian.orgs.urls")),
    path("people/", include("fulian.people.urls")),
    path("building/", include("fulian.building.urls")),
    path("venues/", include("fulian.venues.urls")),
    path("events/", include("fulian.events.urls")),
    path("duty/", include("fulian.duty.urls")),
    path("cases/", include("fulian.cases.urls")),
    path("reports/", include("fulian.reports.urls")),
    path("notices/", include("fulian.notices.urls")),
    path("api/", include("fulian.api.urls")),
]

handler403 = "fulian.core.views.forbidden"
handler404 = "fulian.core.views.not_found"
handler500 = "fulian.core.views.server_error"
