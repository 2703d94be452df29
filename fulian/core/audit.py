"""The audit trail: django-auditlog records every create, update and delete with actor,
IP, time and the change. Each entry also carries the org path of the record, so the audit
page can show a subtree; personal fields are registered with ``mask_fields``."""

from typing import Any


def mask_value(value: str) -> str:
    """What an audit diff shows of a personal field: that it changed, nothing of it
    (django-auditlog's own mask keeps half the value, e.g. the month and day of a date)."""
    return "******" if value and value != "None" else value


class OrgAuditMixin:
    """For models with an ``org`` foreign key: put the org's path into each audit entry."""

    org: Any

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.org.pk, "org_path": self.org.path}
