import re
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


class CharacterClassValidator:
    """At least three of four classes: lower case, upper case, digits, symbols."""

    required = 3

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for pattern in CLASSES if re.search(pattern, password))
        if found < self.required:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少三类。"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码须包含大写字母、小写字母、数字和符号中的至少三类。")


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a message of our own: Django 5.2's Chinese catalogue misses its new msgid."""

    def get_error_message(self) -> str:
        return _("密码太短，至少需要%(min_length)d个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少需要%(min_length)d个字符。") % {"min_length": self.min_length}
