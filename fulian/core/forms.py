from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: per field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


MAX_SPREADSHEET_BYTES = 5 * 1024 * 1024


class XlsxField(forms.FileField):
    """An uploaded .xlsx: at most 5 MB, and a zip by its content, whatever its name says."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if not upload:
            return upload
        if upload.size is None or upload.size > MAX_SPREADSHEET_BYTES:
            raise forms.ValidationError(_("文件不能超过5MB。"))
        head = upload.read(4)
        upload.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("请上传 .xlsx 格式的文件。"))
        return upload


class SpreadsheetForm(forms.Form):
    file = XlsxField(label=_("表格（.xlsx）"))
