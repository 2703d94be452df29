"""REST wiring: each app's ``api.py`` may define ``register(router)``."""

from importlib import import_module

from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from fulian.accounts.api import ObtainTokenView
from fulian.core.api import IndicatorsView

router = DefaultRouter()
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
    path("v1/indicators/", IndicatorsView.as_view(), name="api-indicators"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
