from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "fulian.reports"
    label = "reports"
    verbose_name = _("统计报告")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from fulian.core import registry
        from fulian.reports import indicators, todos  # noqa: F401  (registers to-dos)
        from fulian.reports.models import SummaryTemplate

        auditlog.register(SummaryTemplate)
        registry.nav_item("reports", _("工作概况"), "home", order=10)
        registry.offline_page("home", _("首页"))
        registry.nav_item("reports", _("统计报表"), "reports:workbook", order=20)
        registry.nav_item("reports", _("年度工作总结"), "reports:summary", order=30)
