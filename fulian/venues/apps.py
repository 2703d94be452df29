from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class VenuesConfig(AppConfig):
    name = "fulian.venues"
    label = "venues"
    verbose_name = pgettext_lazy("plural", "阵地")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.venues import indicators  # noqa: F401  (registers the indicators)
        from fulian.venues.models import (
            Assessment,
            AssessmentEvidence,
            AssessmentResult,
            Standard,
            StandardItem,
            Venue,
            VenuePhoto,
        )

        for model in (
            Venue,
            VenuePhoto,
            Standard,
            StandardItem,
            Assessment,
            AssessmentResult,
            AssessmentEvidence,
        ):
            auditlog.register(model)
        registry.nav_item("strong", pgettext_lazy("plural", "阵地"), "venues:list", order=40)
        registry.nav_item("strong", _("阵地地图"), "venues:map", order=41)
        registry.nav_item("strong", _("创建标准"), "venues:standards", order=42, grassroots=False)
        registry.nav_item(
            "strong", _("未达标阵地"), "venues:below_standard", order=43, grassroots=False
        )
        registry.nav_item(
            "strong", _("未评估阵地"), "venues:not_assessed", order=44, grassroots=False
        )
        registry.org_section(
            pgettext_lazy("plural", "阵地"),
            "venues/org_section.html",
            org_section_context,
            order=30,
        )


def org_section_context(request: Any, org: Any) -> dict[str, Any]:
    from fulian.venues.models import Venue

    return {"venues": list(Venue.objects.filter(org=org).order_by("type", "name")[:20])}
