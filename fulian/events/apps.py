from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from fulian.core import periods


class EventsConfig(AppConfig):
    name = "fulian.events"
    label = "events"
    verbose_name = _("活动")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.events import indicators, models  # noqa: F401 - registers indicators

        auditlog.register(models.Activity, exclude_fields=["updated_at", "idempotency_key"])
        auditlog.register(models.Session)
        auditlog.register(models.TrainingClass)
        auditlog.register(models.ActivityPhoto, exclude_fields=["image", "thumbnail"])
        auditlog.register(models.ActivityKind)
        auditlog.register(models.Campaign)
        auditlog.register(models.TrainingSeries)
        auditlog.register(models.Attendance, mask_fields=["phone_cipher", "phone_index"])
        auditlog.register(models.Enrolment, mask_fields=["phone_cipher", "phone_index"])

        registry.nav_item("capacity", _("培训班"), "events:trainings", order=10)
        registry.nav_item("action", _("活动"), "events:list", order=10)
        registry.nav_item("action", _("活动日历"), "events:calendar", order=11)
        registry.nav_item("action", _("活动品牌"), "events:campaigns", order=12)
        registry.home_action(
            _("记录活动"), "events:record", icon="pencil-square", order=10, perm="fulian.edit"
        )
        registry.home_action(_("活动"), "events:list", icon="calendar-event", order=20)
        registry.offline_page("events:record", _("记录活动"))
        registry.nav_item(
            "action", _("快速记录活动"), "events:record", order=13, perm="fulian.edit"
        )
        registry.nav_item(
            "reports", _("活动设置"), "events:config", order=80, perm="fulian.configure"
        )
        registry.nav_item(
            "reports", _("回收站"), "events:recycle_bin", order=85, perm="fulian.configure"
        )
        registry.org_section(_("活动"), "events/org_section.html", org_section, order=30)


def org_section(request: Any, org: Any) -> dict[str, Any]:

    from fulian.events.models import Activity

    year = periods.current_period(request).start.year
    activities = Activity.objects.in_subtree(org).in_year(year)
    return {
        "org": org,
        "year": year,
        "total": activities.count(),
        "recent": list(activities.order_by("-start", "-pk")[:5]),
    }
