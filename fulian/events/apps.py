from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "fulian.events"
    label = "events"
    verbose_name = _("活动")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.events import models

        auditlog.register(models.Activity, exclude_fields=["updated_at", "idempotency_key"])
        auditlog.register(models.Session)
        auditlog.register(models.ActivityKind)
        auditlog.register(models.Campaign)
        auditlog.register(models.TrainingSeries)
