from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.core import audit_chain

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Check the hash chain over the audit and access logs: every entry unchanged, none "
        "removed, none outside the chain. Prints the chain's head (keep it: removing the newest "
        "entries together with their links shows only against a head written down before). "
        "Exits non-zero on any problem."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--archives",
            metavar="DIR",
            help="also check the archives written by prune_audit in DIR "
            "(default FULIAN_AUDIT_ARCHIVE_DIR, when it exists)",
        )
        parser.add_argument(
            "--chain-missing",
            action="store_true",
            help="after review, add the entries reported as not in the chain to its end",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        report = audit_chain.verify()
        problems = list(report.problems)
        archives = Path(options["archives"] or settings.FULIAN_AUDIT_ARCHIVE_DIR)
        if options["archives"] or archives.is_dir():
            try:
                problems.extend(audit_chain.verify_archives(archives))
            except audit_chain.AuditChainError as exc:
                problems.append(str(exc))
        if report.unchained and options["chain_missing"]:
            added = audit_chain.append(report.unchained)
            self.stdout.write(
                f"Added {added} entries to the chain: "
                + ", ".join(f"{s}#{pk}" for s, pk in report.unchained[:SHOWN])
            )
            report.unchained = []
        for table in audit_chain.writable_audit_tables():
            self.stderr.write(
                self.style.WARNING(
                    f"WARNING: this database role may change or remove rows of {table}: "
                    "connect the application as the role set up by `manage.py grant_app_role` "
                    "(docs/deployment.md)."
                )
            )
        for line in problems[:SHOWN]:
            self.stderr.write(line)
        if report.unchained:
            shown = ", ".join(f"{s}#{pk}" for s, pk in report.unchained[:SHOWN])
            self.stderr.write(
                f"{len(report.unchained)} entries are not in the chain (written past the "
                f"application, or their chaining failed): {shown}"
            )
        self.stdout.write(
            f"Audit chain: {report.links} links, head {report.head_id} {report.head_hash}"
        )
        if problems or report.unchained:
            raise CommandError(
                f"The audit trail fails its check: {len(problems)} problems, "
                f"{len(report.unchained)} entries not in the chain."
            )
        self.stdout.write("Every audit and access-log entry is in the chain and unchanged.")
