from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fulian.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from auditlog.models import LogEntry
        from django.db.models.signals import post_save

        from fulian.core import audit_chain, checks, registry  # noqa: F401 (checks registers)
        from fulian.core.models import AccessLog

        # The one hook that sees every audit and access-log entry (auditlog writes its own):
        # each is chained after its transaction commits (core/audit_chain.py).
        for model in (LogEntry, AccessLog):
            post_save.connect(
                audit_chain.entry_saved, sender=model, dispatch_uid=f"audit_chain.{model.__name__}"
            )
