from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fulian.accounts"
    label = "accounts"
    verbose_name = _("账号")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from axes.signals import user_locked_out

        from fulian.accounts.models import User
        from fulian.core import registry

        auditlog.register(
            User,
            include_fields=[
                "username",
                "full_name",
                "org",
                "role",
                "is_active",
                "email",
                "totp_enabled",
            ],
        )
        user_locked_out.connect(_locked_out, dispatch_uid="fulian-lockout-alert")
        registry.nav_item(
            "reports", _("账号管理"), "accounts:users", order=80, perm="fulian.manage_users"
        )
        registry.nav_item("reports", _("审计日志"), "audit", order=90, perm="fulian.view_audit")
        registry.nav_item(
            "reports", _("敏感信息查看记录"), "access_log", order=91, perm="fulian.view_audit"
        )


def _locked_out(
    sender: object, request: object, username: str = "", ip_address: str = "", **kw: object
) -> None:
    """django-axes locked an account: tell the district admins if it is an admin's."""
    from fulian.accounts.services import alert_lockout

    alert_lockout(username=username or "", ip=ip_address or "")
