from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Disabled in Fulian (it would delete the audit trail). Audit entries are kept at least "
        "180 days and removed only by `manage.py prune_audit`, which archives them first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # auditlog's own options, accepted so that a script calling them gets this refusal
        # rather than a usage error.
        parser.add_argument("-y", "--yes", action="store_true")
        parser.add_argument("-b", "--before-date")
        parser.add_argument("-t", "--truncate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        raise CommandError(
            "auditlogflush is disabled: the audit trail is kept at least 180 days "
            "(FULIAN_AUDIT_RETENTION_DAYS) and pruned only by `manage.py prune_audit`, which "
            "writes the entries to an archive before removing them (docs/deployment.md)."
        )
