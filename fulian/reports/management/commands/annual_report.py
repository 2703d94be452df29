"""``manage.py annual_report --org 620502 --year 2023 [--format docx|pdf|html|md]
[--script hans|hant] [--output FILE]``: the year-end summary written from the records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.orgs.models import Org
from fulian.reports import summary


class Command(BaseCommand):
    help = "Write an org's year-end summary (年度工作总结) from the records."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="NBS code of the org")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--format", default="docx", choices=summary.FORMATS)
        parser.add_argument("--script", default="hans", choices=summary.SCRIPTS)
        parser.add_argument("--output", help="file to write (default: the Chinese file name)")

    def handle(self, *args: Any, **options: Any) -> None:
        org = Org.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"no org with code {options['org']}")
        try:
            result = summary.build(org, options["year"], options["format"], options["script"])
        except summary.TemplateError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(options["output"] or result.filename)
        if str(path) == "-":
            self.stdout.write(result.content.decode())
            return
        path.write_bytes(result.content)
        missing = [s.code for s in result.sources if s.missing]
        self.stdout.write(f"{path} ({len(result.content)} bytes, {len(result.sources)} sources)")
        if missing:
            self.stderr.write("missing indicators: " + ", ".join(missing))
