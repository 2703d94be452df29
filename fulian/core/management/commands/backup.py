import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.core import backup
from fulian.core import personal_data as pd


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump) and the "
        "uploaded files (MEDIA_ROOT) into one .tar.gz with a manifest of row counts and "
        "indicator checksums. The personal-data keys are never in the archive: --keys FILE "
        "writes them to a separate file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "output",
            nargs="?",
            help="the archive to write, or a directory for fulian-backup-<time>.tar.gz "
            "(default: the current directory)",
        )
        parser.add_argument(
            "--keys",
            metavar="FILE",
            help="also write the personal-data keys to FILE (mode 600): keep it apart from "
            "the backups",
        )
        parser.add_argument(
            "--year",
            type=int,
            action="append",
            dest="years",
            help="a year whose indicators the manifest checks (repeatable; default: the "
            "default year)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"] or ".")
        if output.is_dir() or not output.name.endswith((".tar.gz", ".tgz")):
            output = output / backup.default_name()
        started = time.monotonic()
        try:
            manifest = backup.create(output, years=options["years"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["snapshot"]["tables"].values())
        self.stdout.write(
            f"Backed up {manifest['vendor']}: {len(manifest['snapshot']['tables'])} tables, "
            f"{rows} rows, {manifest['media']['files']} uploaded files, "
            f"{len(manifest['snapshot']['indicators'])} indicators checked, "
            f"in {time.monotonic() - started:.1f} s → {output} "
            f"({output.stat().st_size // 1024} KiB)"
        )
        if options["keys"]:
            keys = Path(options["keys"])
            backup.write_keys(keys)
            self.stderr.write(
                self.style.WARNING(
                    f"WARNING: {keys} holds the personal-data keys. With it, anyone who has a "
                    "backup reads every ID number and phone. Keep it offline, on another medium "
                    "than the backups (a safe), and never beside them."
                )
            )
        else:
            self.stderr.write(
                self.style.WARNING(
                    "WARNING: this backup does not contain the personal-data keys (index key "
                    f"fingerprint {pd.fingerprint()}, key ids "
                    f"{', '.join(manifest['keys']['key_ids_in_use']) or 'none'}). Without them "
                    "its ID numbers and phones cannot be read: keep a copy of FULIAN_PD_KEYS "
                    "apart from the backups (`backup --keys FILE`)."
                )
            )
