"""``manage.py import_units FILE.xlsx``: import the unit register (应建未建单位), all or
nothing."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from fulian.building import services
from fulian.building.spreadsheets import parse_units


class Command(BaseCommand):
    help = (
        "Import units that should have a women's organisation (.xlsx, the template's columns). "
        "Every row is checked first; if any row is bad nothing is imported, each error is "
        "printed with its row and column, and the command exits non-zero. Re-importing the "
        "same file creates no duplicates."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the register .xlsx")
        parser.add_argument("--dry-run", action="store_true", help="check only, import nothing")
        parser.add_argument(
            "--user",
            help="act as this account: only its scope, and the audit log names it "
            "(default: the system, every area)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise CommandError(f"无法读取文件 {path}：{exc.strerror}") from exc
        actor = None
        if options["user"]:
            from fulian.accounts.models import User

            actor = User.objects.filter(username=options["user"], is_active=True).first()
            if actor is None:
                raise CommandError(f"没有账号 {options['user']}。")
        try:
            if options["dry_run"]:
                plan, result = parse_units(data, actor=actor), None
            else:
                with _audit_actor(actor):
                    plan, result = services.import_units(
                        actor=actor, data=data, filename=path.rsplit("/", 1)[-1]
                    )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError("该账号没有导入权限。") from exc
        if not plan.ok:
            for error in plan.errors:
                self.stderr.write(str(error))
            raise CommandError(f"共{len(plan.errors)}处错误，未导入任何数据。")
        if result is None:
            self.stdout.write(
                f"检查通过：{len(plan.rows)}行，其中新增单位{plan.new_units}个，"
                f"更新{plan.changed_units}个。"
            )
            return
        self.stdout.write(
            f"导入完成：{result.rows}行，新增单位{result.created}个，更新{result.updated}个，"
            f"未变{result.unchanged}个。"
        )


def _audit_actor(actor: Any) -> Any:
    if actor is None:
        return contextlib.nullcontext()
    from auditlog.context import set_actor

    return set_actor(actor)
