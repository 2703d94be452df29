"""Cross-cutting records: the access log of reads of sensitive data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatusHistory(models.Model):
    """One change of a record's status (or one event in a status), written only by
    ``core.workflow.move`` and ``core.workflow.record``. A concrete history adds its foreign
    key to the record (the workflow's ``subject``) with ``related_name="history"``."""

    from_status = models.CharField(_("原状态"), max_length=20, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @classmethod
    def workflow(cls) -> Any:
        """The workflow whose history this is (found through the subject's foreign key)."""
        from fulian.core.workflow import Workflow

        for field in cls._meta.concrete_fields:
            wf = getattr(field.related_model, "workflow", None) if field.is_relation else None
            if isinstance(wf, Workflow) and wf.history_label.lower() == cls._meta.label_lower:
                return wf
        raise TypeError(f"{cls.__name__} is the history of no workflow")

    def get_from_status_display(self) -> str:
        return self.workflow().label(self.from_status) if self.from_status else ""

    def get_to_status_display(self) -> str:
        return self.workflow().label(self.to_status)


class AuditLink(models.Model):
    """One link of the hash chain over the audit trail (django-auditlog's entries) and the
    access log: the SM3 digest of the entry's fields and of the previous link, so that an
    entry changed, removed or slipped in afterwards breaks the chain (``verify_audit``).
    Written only by ``core.audit_chain`` after the entry's transaction commits; never
    updated; removed only by ``prune_audit``, after the entries went to an archive."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    source = models.CharField(_("来源"), max_length=20)
    entry_id = models.BigIntegerField(_("记录编号"))
    entry_hash = models.CharField(_("记录摘要"), max_length=64)
    prev_hash = models.CharField(_("上一环摘要"), max_length=64)
    hash = models.CharField(_("摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计链环")
        verbose_name_plural = _("审计链环")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "entry_id"], name="core_auditlink_entry")
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.source}#{self.entry_id} {self.hash[:12]}"


class AuditCheckpoint(models.Model):
    """Where the chain starts again after ``prune_audit`` archived and removed its oldest
    links: the last removed link and the archive that holds it and its entries."""

    at = models.DateTimeField(_("时间"), default=timezone.now)
    cutoff = models.DateTimeField(_("归档截止"))
    last_link_id = models.BigIntegerField(_("最后一环编号"))
    last_hash = models.CharField(_("最后一环摘要"), max_length=64)
    entries = models.PositiveIntegerField(_("归档条数"))
    archive = models.CharField(_("归档文件"), max_length=255)
    archive_sha256 = models.CharField(_("归档文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计归档点")
        verbose_name_plural = _("审计归档点")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} → {self.archive}"


class AccessLog(models.Model):
    """One reveal of a sensitive value (an ID number, a phone) or read of a confidential
    record: who, when, which record and field, why, from where. Written by services, never
    edited or deleted through the application (kept at least 180 days)."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150)
    target_model = models.CharField(_("记录类型"), max_length=100)
    target_id = models.CharField(_("记录编号"), max_length=40)
    field = models.CharField(_("字段"), max_length=50)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    org_path = models.CharField(_("组织路径"), max_length=255, blank=True, db_index=True)

    class Meta:
        verbose_name = _("敏感信息查看记录")
        verbose_name_plural = _("敏感信息查看记录")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["target_model", "target_id"])]

    def __str__(self) -> str:
        target = f"{self.target_model}#{self.target_id}.{self.field}"
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {target}"


def client_ip(request: Any) -> str | None:
    from fulian.core.http import client_ip as address

    return address(request)


def log_access(
    *,
    user: Any,
    obj: models.Model | None,
    field: str,
    reason: str = "",
    request: Any = None,
    model: type[models.Model] | None = None,
) -> AccessLog:
    """Record that ``user`` read ``field`` of ``obj``; with ``obj=None``, that they looked
    for a record of ``model`` that was not found (an exact search that matched nothing)."""
    org = getattr(obj, "org", None) if obj is not None else getattr(user, "org", None)
    meta = (obj if obj is not None else model)._meta  # type: ignore[union-attr]
    return AccessLog.objects.create(
        user=user if getattr(user, "pk", None) else None,
        username=getattr(user, "username", "") or "system",
        target_model=meta.label_lower,
        target_id=str(obj.pk) if obj is not None else "",
        field=field,
        reason=reason[:200],
        ip=client_ip(request),
        org_path=getattr(org, "path", "") or "",
    )
