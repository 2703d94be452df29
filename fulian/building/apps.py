from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fulian.core import periods


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
        registry.nav_item("strong", _("应建未建单位"), "building:units", order=20, grassroots=False)
        registry.nav_item("strong", _("指导督察"), "building:visits", order=30, grassroots=False)
        registry.nav_item("strong", _("逾期整改"), "building:overdue", order=35)
        registry.home_action(
            _("待我整改"),
            "building:items",
            icon="clipboard-check",
            order=30,
            query="todo=on",
            count=my_open_items,
        )
        registry.org_section(
            _("组织建设"), "building/org_section.html", org_section_context, order=20
        )


def my_open_items(request: Any) -> int:
    """Rectification items the user's own side still has to finish."""
    from fulian.building.models import RectificationItem

    return RectificationItem.objects.for_user(request.user).todo_for(request.user).count()


def org_section_context(request, org):  # type: ignore[no-untyped-def]

    from fulian.building.models import PENDING_UNIT_STATUSES, GuidanceVisit, RectificationItem, Unit

    items = RectificationItem.objects.in_subtree(org)
    return {
        "pending_units": Unit.objects.in_subtree(org)
        .filter(status__in=PENDING_UNIT_STATUSES)
        .count(),
        "open_items": items.exclude(status="verified").count(),
        "overdue_items": items.overdue().count(),
        "visits_received": GuidanceVisit.objects.filter(
            visited=org, date__year=periods.current_period(request).start.year
        ).count(),
    }
