"""REST wiring: each app's ``api.py`` may define ``register(router)``."""

from importlib import import_module
from typing import Any

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from fulian.accounts.api import LogoutView, ObtainTokenView, TokenDetailView, TokenListView
from fulian.api import schema as _schema  # noqa: F401 (registers the token scheme)


class Router(DefaultRouter):
    """Every record is reached by its integer id: the URL takes at most 18 digits, so an id
    no row can have is a 404 (DRF's default ``[^/.]+`` let ``/trainings/99999999999999999999/``
    overflow the database driver)."""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if not hasattr(viewset, "lookup_value_regex"):
            kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(
                viewset, "lookup_field", "pk"
            )
            return f"(?P<{lookup_prefix}{kwarg}>[0-9]{{1,18}})"
        return str(super().get_lookup_regex(viewset, lookup_prefix))


router = Router()
for config in apps.get_app_configs():
    if config.name.startswith("fulian."):
        try:
            module = import_module(f"{config.name}.api")
        except ModuleNotFoundError:
            continue
        if hasattr(module, "register"):
            module.register(router)

urlpatterns = [
    path("v1/auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("v1/auth/tokens/", TokenListView.as_view(), name="api-tokens"),
    path("v1/auth/tokens/<str:token_ref>/", TokenDetailView.as_view(), name="api-token-detail"),
    path("v1/auth/logout/", LogoutView.as_view(), name="api-logout"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
