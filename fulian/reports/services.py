"""Writes of the reports app: template versions and summary jobs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fulian.core.uploads import check_upload
from fulian.orgs.models import Org
from fulian.reports import summary
from fulian.reports.models import JobStatus, SummaryJob, SummaryTemplate

MAX_TEMPLATE_BYTES = 5 * 1024 * 1024


def _require(actor: Any, perm: str, org: Org) -> None:
    if not actor.has_perm(perm) or not Org.objects.for_user(actor).filter(pk=org.pk).exists():
        raise PermissionDenied


@transaction.atomic
def add_template(*, actor: Any, org: Org, upload: Any, note: str = "") -> SummaryTemplate:
    """A new version of ``org``'s summary template; it becomes the one in use. The
    placeholders are checked by rendering it once."""
    _require(actor, "fulian.configure", org)
    checked = check_upload(upload, max_bytes=MAX_TEMPLATE_BYTES)
    if checked.extension != "docx":
        raise ValidationError({"file": _("模板须为 Word 文件（.docx）。")})
    upload.seek(0)
    data = upload.read()
    try:
        summary.check_template(org, data)
    except summary.TemplateError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    except Exception as exc:  # a .docx python-docx cannot read
        raise ValidationError({"file": _("无法读取该 Word 文件。")}) from exc
    Org.objects.select_for_update().filter(pk=org.pk).first()
    last = SummaryTemplate.objects.filter(org=org).aggregate(n=Max("version"))["n"] or 0
    SummaryTemplate.objects.filter(org=org, is_active=True).update(is_active=False)
    version = SummaryTemplate(org=org, version=last + 1, note=note.strip(), created_by=actor)
    version.file.save(f"v{last + 1}.docx", ContentFile(data), save=False)
    version.save()
    return version


@transaction.atomic
def activate_template(*, actor: Any, template: SummaryTemplate) -> SummaryTemplate:
    """Go back to (or forward to) a kept version."""
    _require(actor, "fulian.configure", template.org)
    SummaryTemplate.objects.filter(org=template.org, is_active=True).update(is_active=False)
    template.is_active = True
    template.save(update_fields=["is_active"])
    return template


def start_summary(*, actor: Any, org: Org, year: int, format: str, script: str) -> SummaryJob:
    """Queue the summary's generation in the background (``reports.tasks``)."""
    _require(actor, "fulian.view", org)
    if format not in summary.FORMATS:
        raise ValidationError({"format": _("格式无效。")})
    if script not in summary.SCRIPTS:
        raise ValidationError({"script": _("字形无效。")})
    from fulian.reports.tasks import build_summary

    with transaction.atomic():
        job = SummaryJob.objects.create(
            org=org, year=year, format=format, script=script, created_by=actor
        )
    transaction.on_commit(lambda: build_summary.enqueue(str(job.pk)))
    return job


def run_job(job: SummaryJob) -> SummaryJob:
    """Build a queued job's file, saving its progress as it goes."""

    def progress(percent: int, step: str) -> None:
        SummaryJob.objects.filter(pk=job.pk).update(progress=percent, step=step)

    SummaryJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, progress=1)
    try:
        result = summary.build(job.org, job.year, job.format, job.script, progress=progress)
    except Exception as exc:
        SummaryJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, error=str(exc)[:2000], finished_at=summary.now()
        )
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    job.filename = result.filename
    job.file.save(f"summary.{job.format}", ContentFile(result.content), save=False)
    job.status = JobStatus.DONE
    job.progress = 100
    job.step = "done"
    job.finished_at = summary.now()
    job.save()
    return job
