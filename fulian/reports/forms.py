from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.reports import summary


class SummaryForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    format = forms.ChoiceField(
        label=_("格式"),
        choices=[("docx", "Word (.docx)"), ("pdf", "PDF"), ("html", "HTML"), ("md", "Markdown")],
        initial="docx",
    )
    script = forms.ChoiceField(
        label=_("字形"), choices=[("hans", _("简体")), ("hant", _("繁体"))], initial="hans"
    )

    def clean_format(self) -> str:
        value = str(self.cleaned_data["format"])
        assert value in summary.FORMATS
        return value


class TemplateForm(forms.Form):
    file = forms.FileField(label=_("Word 模板（.docx）"))
    note = forms.CharField(label=_("修改说明"), max_length=200, required=False)
