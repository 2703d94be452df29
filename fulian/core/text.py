"""Chinese text helpers: Simplified/Traditional conversion, pinyin initials, and stored
labels in the reader's language."""

from functools import cache
from typing import Any

import opencc
from django.utils.functional import lazy
from django.utils.translation import get_language, gettext
from pypinyin import Style, lazy_pinyin


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


# Where OpenCC's phrase segmentation goes wrong in our domain words: 妇联系统 is 婦聯 + 系統
# (the federation system), not 婦 + 聯繫 + 統. ``scripts/translations.py`` applies the same.
TRADITIONAL_FIXES = {"聯繫統": "聯系統"}


def to_traditional(text: str) -> str:
    converted = str(_converter("s2tw").convert(text))
    for wrong, right in TRADITIONAL_FIXES.items():
        converted = converted.replace(wrong, right)
    return converted


def pinyin_initials(text: str) -> str:
    """``天水镇`` → ``tsz``; characters without pinyin are kept as they are."""
    return "".join(p[0] for p in lazy_pinyin(to_simplified(text), style=Style.FIRST_LETTER) if p)


def search_key(text: str) -> str:
    """What name search matches against: simplified text, initials and full pinyin."""
    simplified = to_simplified(text)
    full = "".join(lazy_pinyin(simplified))
    return f"{simplified} {pinyin_initials(simplified)} {full}".lower()


def normalise_query(query: str) -> str:
    # No text holds a NUL, and PostgreSQL refuses one in a parameter (a 500 on ?q=%00).
    return to_simplified(query.replace("\x00", "").strip()).lower()


def script(text: Any) -> str:
    """Stored (Simplified) text in the reader's script: Traditional under zh-hant."""
    value = "" if text is None else str(text)
    if (get_language() or "").lower() == "zh-hant":
        return to_traditional(value)
    return value


def label(text: Any) -> str:
    """A label held in a variable or a row (an ethnic group, an age band, an activity kind,
    a campaign…) in the reader's language. Fulian's own labels are marked for extraction
    where they are defined (``gettext_noop("汉族")``), so the catalogue has them; a name the
    district typed is shown as stored, in the reader's script. The one place that may
    translate a variable (``scripts/translations.py check`` refuses any other)."""
    value = "" if text is None else str(text)
    translated = gettext(value) if value else value  # translations: variable
    return translated if translated != value else script(value)


lazy_label = lazy(label, str)


def _format(template: Any, **names: Any) -> str:
    return str(template) % {k: label(v) for k, v in names.items()}


# ``lazy_format(_("“%(name)s”活动次数"), name=campaign_name)``: formatted when shown, in
# the reader's language (``_("…") % {…}`` at import time would fix the language forever).
lazy_format = lazy(_format, str)
