"""docs/security.md maps each MLPS item to the test that proves it: every test named there
exists, and every item names a test or says that it is open, in progress or the operator's,
so the mapping cannot silently go stale."""

import ast
import re
from pathlib import Path

from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "security.md"


def _functions(path: Path) -> set[str]:
    return {n.name for n in ast.parse(path.read_text()).body if isinstance(n, ast.FunctionDef)}


def _mapping() -> str:
    return DOC.read_text().split("## MLPS 2.0 level 3 mapping", 1)[1]


def test_every_test_named_in_security_md_exists():
    root = DOC.parent.parent
    named = re.findall(r"`(fulian/[^`\s]+\.py)::(\w+)`", _mapping())
    missing = [
        f"{file}::{name}"
        for file, name in named
        if not (root / file).is_file() or name not in _functions(root / file)
    ]
    assert missing == []
    # Every reference is written out in full, so the check above sees all of them.
    assert re.findall(r"`(?!fulian/)[^`\s]*::\w+`", _mapping()) == ["`file::function`"]


def test_every_item_names_a_test_or_says_why_not():
    rows = [
        line
        for line in _mapping().splitlines()
        if line.startswith("| ") and not line.startswith(("| item ", "|---"))
    ]
    unproved = [
        row
        for row in rows
        if "::" not in row.rsplit("|", 2)[-2]
        and not re.search(r"\*\*open\*\*|\*\*in progress|operator's", row)
    ]
    assert len(rows) == 33
    assert unproved == []
