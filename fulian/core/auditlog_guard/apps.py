from django.apps import AppConfig


class AuditlogGuardConfig(AppConfig):
    """Listed before ``auditlog`` in INSTALLED_APPS so that its ``auditlogflush`` command
    replaces auditlog's: the audit trail is kept and pruned only by ``prune_audit``."""

    name = "fulian.core.auditlog_guard"
    label = "auditlog_guard"
    verbose_name = "auditlog guard"
