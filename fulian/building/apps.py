from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuildingConfig(AppConfig):
    name = "fulian.building"
    label = "building"
    verbose_name = _("组织建设")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.building import indicators  # noqa: F401  (registers the indicators)
        from fulian.building.models import (
            Evidence,
            Finding,
            GuidanceVisit,
            RectificationItem,
            Unit,
            Urging,
        )
        from fulian.core import registry

        for model in (Unit, Urging, GuidanceVisit, Finding, RectificationItem, Evidence):
            auditlog.register(model)
        registry.nav_item("strong", _("应建未建单位"), "building:units", order=20)
        registry.nav_item("strong", _("指导督察"), "building:visits", order=30)
        registry.nav_item("strong", _("逾期整改"), "building:overdue", order=35)
        registry.org_section(
            _("组织建设"), "building/org_section.html", org_section_context, order=20
        )


def org_section_context(request, org):  # type: ignore[no-untyped-def]
    import datetime

    from fulian.building.models import PENDING_UNIT_STATUSES, GuidanceVisit, RectificationItem, Unit

    items = RectificationItem.objects.in_subtree(org)
    return {
        "pending_units": Unit.objects.in_subtree(org)
        .filter(status__in=PENDING_UNIT_STATUSES)
        .count(),
        "open_items": items.exclude(status="verified").count(),
        "overdue_items": items.overdue().count(),
        "visits_received": GuidanceVisit.objects.filter(
            visited=org, date__year=datetime.date.today().year
        ).count(),
    }
