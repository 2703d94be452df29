"""Reports keep two things of their own: the versions of the annual summary's Word
template (so a federation can change the wording and keep the figures live), and the
jobs that build a summary in the background with their progress."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fulian.core.audit import OrgAuditMixin
from fulian.core.scope import ScopedQuerySet


def template_path(instance: SummaryTemplate, filename: str) -> str:
    return f"reports/templates/{uuid.uuid4().hex}.docx"


def output_path(instance: SummaryJob, filename: str) -> str:
    return f"reports/summaries/{instance.pk}/{filename}"


class SummaryTemplate(OrgAuditMixin, models.Model):
    """One version of an org's Word template for the annual summary. The newest active
    version is used; older versions are kept (never edited) to go back to."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"))
    file = models.FileField(_("模板文件"), upload_to=template_path)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("使用中"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度总结模板")
        verbose_name_plural = _("年度总结模板")
        ordering = ["org", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["org", "version"], name="reports_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.org} v{self.version}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class SummaryJob(OrgAuditMixin, models.Model):
    """An annual summary being built in the background (``reports.tasks``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("组织"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    format = models.CharField(_("格式"), max_length=5)
    script = models.CharField(_("字形"), max_length=5, default="hans")
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    file = models.FileField(_("文件"), upload_to=output_path, blank=True)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度总结生成任务")
        verbose_name_plural = _("年度总结生成任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.org} {self.year} {self.format}"

    @property
    def step_label(self) -> str:
        """The step in the reader's language (``step`` keeps the key)."""
        from fulian.reports.summary import STEPS

        return str(STEPS.get(self.step, self.step))

    @property
    def progress_step(self) -> int:
        """The progress rounded to a Bootstrap width class (25, 50, 75, 100)."""
        return min(100, max(0, (self.progress + 12) // 25 * 25))
