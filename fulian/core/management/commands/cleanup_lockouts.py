from typing import Any

from axes.attempts import get_cool_off
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Remove lockout records that have expired (django-axes failure counters past "
        "AXES_COOLOFF_TIME) and login and failure records older than the retention "
        "(FULIAN_AUDIT_RETENTION_DAYS, at least 180 days). A lock still running stays."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FULIAN_AUDIT_RETENTION_DAYS,
            help="keep login and failure records this many days (never under the retention)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(options["days"], settings.FULIAN_AUDIT_RETENTION_DAYS)
        handler = AxesDatabaseHandler()
        # A failure counter whose last failure is older than the cool-off locks nobody.
        expired = AccessAttempt.objects.filter(attempt_time__lte=timezone.now() - get_cool_off())
        attempts, _ = expired.delete()
        logins = handler.reset_logs(age_days=days)
        failures = handler.reset_failure_logs(age_days=days)
        self.stdout.write(
            f"Removed {attempts} expired lockout records, {logins} login records and "
            f"{failures} failure records older than {days} days."
        )
