"""Background jobs (django-tasks, database backend: ``manage.py db_worker``)."""

from __future__ import annotations

from django_tasks import task


@task()
def build_summary(job_id: str) -> str:
    from fulian.reports.models import SummaryJob
    from fulian.reports.services import run_job

    job = SummaryJob.objects.select_related("org").get(pk=job_id)
    return str(run_job(job).status)
