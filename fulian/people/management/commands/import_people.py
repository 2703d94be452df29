"""``manage.py import_people FILE.xlsx``: import a roster, all or nothing."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fulian.people.roster import import_roster, read_file


class Command(BaseCommand):
    help = (
        "Import a roster (.xlsx, the template's columns). Every row is checked first; if any "
        "row is bad nothing is imported, each error is printed with its row and column, and "
        "the command exits non-zero. Re-importing the same file creates no duplicates."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the roster .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="check only, import nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            data = read_file(path)
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        try:
            if options["dry_run"]:
                from fulian.people.roster import parse_roster

                plan, result = parse_roster(data), None
            else:
                plan, result = import_roster(data, filename=path.rsplit("/", 1)[-1])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"共{len(plan.errors)}处错误，未导入任何数据。")
        if result is None:
            self.stdout.write(f"检查通过：{len(plan.rows)}行，其中新增人员{plan.new_people}人。")
            return
        self.stdout.write(
            f"导入完成：{result.rows}行，新增人员{result.created}人，更新{result.updated}人，"
            f"新增职务{result.positions}项。"
        )
