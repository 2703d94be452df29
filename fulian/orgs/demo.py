"""Demo data: the real 秦州区 tree."""

from typing import Any

from fulian.orgs.services import load_divisions, read_division_rows


def load(stdout: Any) -> None:
    result = load_divisions(read_division_rows("qinzhou"))
    stdout.write(f"orgs: 秦州区 tree, {result.created} created, {result.unchanged} unchanged")
