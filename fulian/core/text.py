"""Chinese text helpers: Simplified/Traditional conversion and pinyin initials."""

from functools import cache

import opencc
from pypinyin import Style, lazy_pinyin


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return str(_converter("t2s").convert(text))


def to_traditional(text: str) -> str:
    return str(_converter("s2tw").convert(text))


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
