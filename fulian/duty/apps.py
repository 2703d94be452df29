from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DutyConfig(AppConfig):
    name = "fulian.duty"
    label = "duty"
    verbose_name = _("履职")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.duty import indicators, models  # noqa: F401 - registers indicators

        auditlog.register(models.DutyReport, exclude_fields=["idempotency_key"])
        auditlog.register(models.DutyComment)
        auditlog.register(models.Project, exclude_fields=["updated_at"])
        auditlog.register(models.Claim)
        auditlog.register(models.ProjectUpdate, exclude_fields=["evidence", "idempotency_key"])
        auditlog.register(models.Visit, mask_fields=["phone_cipher", "phone_index"])
        auditlog.register(models.DutySettings)
        auditlog.register(models.PointRule)
        auditlog.register(models.DifficultyCategory)
        auditlog.register(models.AccountLink)
        # The round only: its codes and ballots are never audited, because an audit entry's
        # time would link a used code to the ballot stored at the same moment.
        auditlog.register(models.EvaluationRound)

        registry.nav_item("action", _("述职评议"), "duty:meetings", order=20)
        registry.nav_item("action", _("民主评议测评"), "duty:rounds", order=21)
        registry.nav_item("action", _("实事项目库"), "duty:projects", order=22)
        registry.nav_item("action", _("我的项目"), "duty:my_projects", order=23)
        registry.nav_item("action", _("走访登记"), "duty:visits", order=24)
        registry.nav_item("action", _("履职档案"), "duty:ranking", order=25)
        # A to-do on the dashboard: follow-ups past their date in the org's subtree.
        registry.todo(
            "duty.follow_ups",
            _("逾期未回访的走访"),
            lambda org, day: models.Visit.objects.in_subtree(org).overdue(day).count(),
            "duty:visits_overdue",
            order=50,
        )
        registry.nav_item(
            "reports", _("履职设置"), "duty:config", order=81, perm="fulian.configure"
        )
