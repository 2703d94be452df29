import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.core import backup


class Command(BaseCommand):
    help = (
        "Restore a backup written by `manage.py backup` into the configured database, which "
        "must be empty (a new database), and MEDIA_ROOT; then check every table's row count "
        "and every indicator against the backup's manifest. The personal-data keys must be "
        "the backup's (FULIAN_PD_KEYS)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument(
            "--force-media", action="store_true", help="write into a MEDIA_ROOT that has files"
        )
        parser.add_argument(
            "--snapshot-json",
            metavar="FILE",
            help="write the restored data's row counts and indicator checksums to FILE",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        started = time.monotonic()
        try:
            manifest = backup.restore(archive, force_media=options["force_media"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        restored = time.monotonic() - started
        pending = backup.pending_migrations()
        if pending:
            self.stderr.write(
                self.style.WARNING(
                    f"The backup predates {len(pending)} migrations of this version: run "
                    "`manage.py migrate`. Only row counts are checked now."
                )
            )
            actual = {"tables": backup.table_counts()}
            problems = backup.differences({"tables": manifest["snapshot"]["tables"]}, actual)
        else:
            actual, problems = backup.verify(manifest)
        if options["snapshot_json"]:
            Path(options["snapshot_json"]).write_text(json.dumps(actual, indent=1))
        if problems:
            raise CommandError("The restored data differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(
            f"Restored {archive} (made {manifest['created']}) in {restored:.1f} s: "
            f"{len(actual['tables'])} tables, {sum(actual['tables'].values())} rows, "
            f"{manifest['media']['files']} uploaded files; every row count"
            + ("" if pending else " and every indicator")
            + " equal to the backup's."
        )
