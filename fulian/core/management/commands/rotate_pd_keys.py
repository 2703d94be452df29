"""Re-encrypt personal data with the current key, and recompute blind indexes.

Rotating the SM4 key: add a new key id to FULIAN_PD_KEYS["keys"], make it "current", restart
the site (old tokens still decrypt: every key in "keys" decrypts), then run this command.
It re-encrypts in batches of --batch-size rows, one transaction each, and reports progress;
interrupted (or stopped by --max-rows), it is run again and carries on with the rows that
still name an old key. Once `--status` shows no old key id in use, the old key can go.

Rotating the index key (--reindex): change "index_key", then run with --reindex in a
maintenance window (until it finishes, exact searches and duplicate checks miss the rows not
yet reindexed). Rows whose index is already right are not written again, so a rerun after an
interruption only finishes the rest.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from fulian.core import personal_data as pd
from fulian.core.backup import EncryptedColumn, encrypted_columns


class Command(BaseCommand):
    help = (
        "Re-encrypt every personal-data token that names an old key with the current key "
        "(batches, progress, resumable); --reindex recomputes blind indexes after a change of "
        "index_key; --status only counts tokens by key id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--max-rows",
            type=int,
            default=0,
            help="stop after rewriting this many rows (0: no limit); run again to go on",
        )
        parser.add_argument(
            "--reindex", action="store_true", help="also recompute every blind index"
        )
        parser.add_argument("--status", action="store_true", help="only report, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        current = pd._keys()[0]
        self.stdout.write(f"Current key id: {current}; index key fingerprint {pd.fingerprint()}")
        budget = options["max_rows"] or None
        total = 0
        for column in encrypted_columns():
            self._status(column, current)
            if options["status"]:
                continue
            written = self._rotate(column, current, options, budget)
            total += written
            if budget is not None:
                budget -= written
                if budget <= 0:
                    self.stdout.write(
                        f"Stopped after {total} rows (--max-rows): run again to go on."
                    )
                    return
        if not options["status"]:
            self.stdout.write(f"Done: {total} rows rewritten.")

    def _status(self, column: EncryptedColumn, current: str) -> None:
        counts: dict[str, int] = {}
        tokens = column.model._base_manager.exclude(**{column.cipher: ""}).values_list(
            column.cipher, flat=True
        )
        for token in tokens.iterator():
            kid = pd.key_id(token)
            counts[kid] = counts.get(kid, 0) + 1
        shown = ", ".join(f"{kid}: {n}" for kid, n in sorted(counts.items())) or "no values"
        self.stdout.write(f"{column.label}: {shown}")

    def _rotate(
        self, column: EncryptedColumn, current: str, options: dict[str, Any], budget: int | None
    ) -> int:
        manager = column.model._base_manager
        rows = manager.exclude(**{column.cipher: ""})
        if not options["reindex"] or column.index is None:
            rows = rows.exclude(**{f"{column.cipher}__startswith": f"{current}:"})
        todo = rows.count()
        if not todo:
            return 0
        fields = [column.cipher] + ([column.index] if column.index else [])
        last_pk: Any = None
        checked = written = 0
        while True:
            size = options["batch_size"]
            if budget is not None:
                size = min(size, budget - written)
            if size <= 0:
                break
            with transaction.atomic():
                batch_qs = rows.order_by("pk")
                if last_pk is not None:
                    batch_qs = batch_qs.filter(pk__gt=last_pk)
                batch = list(batch_qs.select_for_update().only("pk", *fields)[:size])
                if not batch:
                    break
                changed = [obj for obj in batch if self._rewrite(obj, column)]
                if changed:
                    manager.bulk_update(changed, fields)
            last_pk = batch[-1].pk
            checked += len(batch)
            written += len(changed)
            self.stdout.write(
                f"  {column.label}: {checked}/{todo} checked, {written} rewritten "
                f"({100 * checked // todo}%)"
            )
        return written

    @staticmethod
    def _rewrite(obj: Any, column: EncryptedColumn) -> bool:
        token = getattr(obj, column.cipher)
        new_token = pd.rotate(column.kind, token)
        changed = new_token != token
        setattr(obj, column.cipher, new_token)
        if column.index:
            plaintext = pd.decrypt(column.kind, new_token)
            index = pd.blind_index(column.kind, pd.normalise(column.kind, plaintext))
            if index != getattr(obj, column.index):
                setattr(obj, column.index, index)
                changed = True
        return changed
