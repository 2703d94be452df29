from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "fulian.notices"
    label = "notices"
    verbose_name = _("通知与报送")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.notices import indicators  # noqa: F401  (registers the indicators)
        from fulian.notices.models import (
            Attachment,
            Figure,
            Notice,
            Recipient,
            Reply,
            Report,
            Round,
        )

        for model in (Notice, Attachment, Reply, Round, Figure):
            auditlog.register(model)
        auditlog.register(Report, exclude_fields=["updated_at"])
        auditlog.register(Recipient, include_fields=["reminders", "task_done_at"])
        from fulian.notices.services import unread_count

        registry.nav_item(
            "reports", _("通知"), "notices:inbox", order=5, badge=unread_count, icon="bell"
        )
        registry.nav_item("reports", _("报表报送"), "notices:rounds", order=6)
