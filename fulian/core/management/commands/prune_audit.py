from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.core import audit_chain


class Command(BaseCommand):
    help = (
        "Archive, then remove, audit and access-log entries older than the retention "
        "(FULIAN_AUDIT_RETENTION_DAYS, at least 180 days). The archive (JSON lines, gzip) goes "
        "to FULIAN_AUDIT_ARCHIVE_DIR and is read back before anything is removed. On "
        "PostgreSQL run it as the owner role: the application's role cannot delete."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FULIAN_AUDIT_RETENTION_DAYS,
            help="keep this many days (default FULIAN_AUDIT_RETENTION_DAYS; never under 180)",
        )
        parser.add_argument(
            "--archive-dir",
            default=str(settings.FULIAN_AUDIT_ARCHIVE_DIR),
            help="where the archives go (default FULIAN_AUDIT_ARCHIVE_DIR)",
        )
        parser.add_argument(
            "--despite-problems",
            action="store_true",
            help="archive a part of the chain that fails its check (the problems are written "
            "into the archive)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        missing = audit_chain.missing_prune_privileges()
        if missing:
            raise CommandError(
                f"this database role lacks {', '.join(missing)} (as intended for the "
                "application's role): run prune_audit with the owner role's DATABASE_URL "
                "(/etc/fulian/owner.env, docs/deployment.md)."
            )
        try:
            pruned = audit_chain.prune(
                days=options["days"],
                archive_dir=Path(options["archive_dir"]),
                despite_problems=options["despite_problems"],
            )
        except audit_chain.AuditChainError as exc:
            raise CommandError(str(exc)) from exc
        if pruned is None:
            self.stdout.write(f"Nothing is older than {options['days']} days.")
            return
        self.stdout.write(
            f"Archived {pruned.links} links and {pruned.entries} entries older than "
            f"{options['days']} days to {pruned.archive} (SHA-256 "
            f"{pruned.checkpoint.archive_sha256}), then removed them; the chain now starts "
            f"after link {pruned.checkpoint.last_link_id}."
        )
