from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from fulian.orgs.services import load_divisions, read_division_rows


class Command(BaseCommand):
    help = (
        "Load the real NBS 2023 divisions (秦州区 by default, or all of 天水市) into the org tree."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", choices=["qinzhou", "tianshui"], default="qinzhou")

    def handle(self, *args: Any, area: str, **options: Any) -> None:
        result = load_divisions(read_division_rows(area))
        self.stdout.write(
            f"divisions ({area}): {result.created} created, {result.updated} updated, "
            f"{result.moved} moved, {result.unchanged} unchanged"
        )
