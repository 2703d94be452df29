"""Keep the translations of every Fulian app complete.

Source strings (msgids) are written in Simplified Chinese, the language most users read.
Each app keeps its own ``locale/`` with two catalogues:

* ``zh_Hant``: generated from the msgid with OpenCC ``s2tw`` (皂 not 皁, 為 not 爲); a msgstr
  already there and not fuzzy is kept, so a reviewed wording survives the next run.
* ``en``: written by hand. ``check`` fails while any entry is empty or fuzzy.

    python scripts/translations.py update [APP…]  # makemessages, fill zh_Hant, compile .mo
    python scripts/translations.py check          # complete, compiled, nothing left to extract

``check`` also fails on text that extraction cannot see and on one text translated two
ways:

* a translation call on a variable (``_(label)``, ``{% translate name %}``): makemessages
  never sees what the variable holds, so the label stays Simplified Chinese in every
  language. Mark the strings where they are defined (``gettext_noop("汉族")``) and show
  them with ``fulian.core.text.label`` (the one place that may translate a variable);
* the same msgid (and context) with different English in two apps' catalogues: Django
  merges the catalogues and only one wins, so the other app shows the wrong word. Give
  the meanings contexts (``pgettext("role", "查看")``) or agree on one translation.

``update`` needs GNU gettext (xgettext, msgmerge); ``check`` needs it for the extraction step.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import opencc
import polib

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(p.parent for p in (ROOT / "fulian").glob("*/apps.py"))
LANGS = ("en", "zh_Hant")
FIXED_DATE = "2023-01-01 00:00+0800"
_s2tw = opencc.OpenCC("s2tw")
sys.path.insert(0, str(ROOT))
from fulian.core.text import TRADITIONAL_FIXES  # noqa: E402 (needs ROOT on the path)


class _S2T:
    """OpenCC s2tw with the domain fixes of ``fulian.core.text`` (kept in one place)."""

    def convert(self, text: str) -> str:
        converted = str(_s2tw.convert(text))
        for wrong, right in TRADITIONAL_FIXES.items():
            converted = converted.replace(wrong, right)
        return converted


s2t = _S2T()


def makemessages(app: Path) -> None:
    (app / "locale").mkdir(exist_ok=True)
    args = [
        sys.executable,
        str(ROOT / "manage.py"),
        "makemessages",
        "--no-obsolete",
        "--no-location",
    ]
    for lang in LANGS:
        args += ["-l", lang]
    subprocess.run(args, cwd=app, check=True, stdout=subprocess.DEVNULL)


def catalogues(app: Path) -> list[tuple[str, Path]]:
    return [
        (lang, app / "locale" / lang / "LC_MESSAGES" / "django.po")
        for lang in LANGS
        if (app / "locale" / lang / "LC_MESSAGES" / "django.po").exists()
    ]


def fill_and_compile(lang: str, po_path: Path) -> None:
    po = polib.pofile(str(po_path), wrapwidth=0)
    po.metadata["POT-Creation-Date"] = FIXED_DATE
    po.metadata["PO-Revision-Date"] = FIXED_DATE
    po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
    po.metadata["Language"] = lang
    for entry in po:
        if lang == "zh_Hant" and (not entry.translated() or entry.fuzzy):
            if entry.msgid_plural:
                entry.msgstr_plural = {0: s2t.convert(entry.msgid_plural)}
            else:
                entry.msgstr = s2t.convert(entry.msgid)
            if entry.fuzzy:
                entry.flags.remove("fuzzy")
    po.save(str(po_path))
    po.save_as_mofile(str(po_path.with_suffix(".mo")))


def problems(lang: str, po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    found = [
        f"{po_path.relative_to(ROOT)}: untranslated {e.msgid!r}" for e in po.untranslated_entries()
    ]
    found += [f"{po_path.relative_to(ROOT)}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    with tempfile.NamedTemporaryFile(suffix=".mo") as tmp:
        po.save_as_mofile(tmp.name)
        if Path(tmp.name).read_bytes() != po_path.with_suffix(".mo").read_bytes():
            found.append(f"{po_path.relative_to(ROOT)}: .mo is stale (run update)")
    return found


GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
CONTEXT_FIRST = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
# The one function allowed to translate a variable (its strings are marked where defined).
VARIABLE_OK = "# translations: variable"
TEMPLATE_VARIABLE = re.compile(r"{%\s*(?:translate|trans)\s+(?![\"'])([^\s%]+)")


def untranslatable(root: Path = ROOT) -> list[str]:
    """Translation calls whose text extraction cannot see."""
    found = []
    for path in sorted((root / "fulian").rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        source = path.read_text()
        lines = source.splitlines()
        calls = [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call)]
        for node in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name not in GETTEXT or not node.args:
                continue
            args = node.args[1:] if name in CONTEXT_FIRST else node.args
            if not args:
                continue
            text = args[0]
            if isinstance(text, ast.Constant) and isinstance(text.value, str):
                continue
            if VARIABLE_OK in lines[node.lineno - 1]:
                continue
            found.append(
                f"{path.relative_to(root)}:{node.lineno}: {name}() of a variable "
                "(extraction cannot see it)"
            )
    for path in sorted((root / "fulian").glob("*/templates/**/*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in TEMPLATE_VARIABLE.finditer(line):
                found.append(
                    f"{path.relative_to(root)}:{number}: translate of a variable ({match.group(1)})"
                )
    return found


def disagreements() -> list[str]:
    """One msgid (and context) translated differently by two apps' English catalogues."""
    seen: dict[tuple[str | None, str], dict[str, list[str]]] = {}
    for app in APPS:
        for lang, po_path in catalogues(app):
            if lang != "en":
                continue
            for entry in polib.pofile(str(po_path)):
                if entry.obsolete or not entry.msgstr:
                    continue
                key = (entry.msgctxt, entry.msgid)
                seen.setdefault(key, {}).setdefault(entry.msgstr, []).append(app.name)
    found = []
    for (context, msgid), versions in sorted(seen.items(), key=lambda kv: kv[0][1]):
        if len(versions) > 1:
            where = "; ".join(f"{t!r} ({', '.join(a)})" for t, a in sorted(versions.items()))
            label = f"{context}|{msgid}" if context else msgid
            found.append(f"en: {label!r} is translated two ways: {where}")
    return found


def main(command: str, only: list[str]) -> int:
    apps = [a for a in APPS if not only or a.name in only]
    if command == "update":
        for app in apps:
            makemessages(app)
            for lang, po_path in catalogues(app):
                fill_and_compile(lang, po_path)
        for app in apps:
            for lang, po_path in catalogues(app):
                for line in problems(lang, po_path):
                    print(line)
        return 0
    if command == "check":
        before = {p: p.read_bytes() for app in APPS for _, p in catalogues(app)}
        for app in APPS:
            makemessages(app)
            for lang, po_path in catalogues(app):
                fill_and_compile(lang, po_path)
        found = []
        for app in APPS:
            for lang, po_path in catalogues(app):
                if lang == "en" and before.get(po_path) != po_path.read_bytes():
                    found.append(
                        f"{po_path.relative_to(ROOT)}: new strings to extract (run update)"
                    )
                found += problems(lang, po_path)
        found += untranslatable()
        found += disagreements()
        for line in found:
            print(line)
        print(f"translations: {len(found)} problem(s)")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "", sys.argv[2:]))
