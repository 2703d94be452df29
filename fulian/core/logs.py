"""Log hygiene: no ID number or phone reaches a log line, whatever logged it (a request
line with a query string, an error message, a traceback)."""

from __future__ import annotations

import logging
import re

# An 18-character ID number (last may be X) or a mainland mobile number, not inside a
# longer run of digits (so timestamps and ids stay readable).
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)")


def scrub(text: str) -> str:
    """``620502199001011234`` → ``6205**********1234``; ``13812345678`` → ``138****5678``."""
    text = _ID_NUMBER.sub(lambda m: m.group(1)[:4] + "*" * 10 + m.group(3), text)
    return _PHONE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


class ScrubPersonalData(logging.Filter):
    """A logging filter that masks personal data in the formatted message and arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True
