"""Forms of the notices app: they only validate; services write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core.periods import today
from fulian.notices.figures import indicator_choices
from fulian.notices.models import RecipientRole, TaskKind, Urgency
from fulian.notices.services import Audience
from fulian.orgs.models import Org

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

AUDIENCES = [
    (Audience.CHILDREN, _("全部直属下级组织")),
    (Audience.TOWNS, _("全部乡镇、街道")),
    (Audience.VILLAGES, _("全部村、社区")),
    (Audience.ALL, _("全部下级组织（各级）")),
    (Audience.CHOSEN, _("指定组织")),
]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 6}))
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial="normal")
    audience = forms.ChoiceField(
        label=_("发送范围"), choices=AUDIENCES, initial=Audience.CHILDREN, widget=forms.RadioSelect
    )
    chosen = forms.ModelMultipleChoiceField(
        label=_("指定直属下级组织"),
        queryset=Org.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    codes = forms.CharField(
        label=_("其他组织的统计代码"),
        required=False,
        help_text=_("可填写任意层级下级组织的代码，用空格或逗号分隔"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    roles = forms.MultipleChoiceField(
        label=_("只发给以下职务"),
        choices=RecipientRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则发给接收组织本身"),
    )
    reply_required = forms.BooleanField(label=_("需要回执"), required=False)
    reply_deadline = forms.DateField(label=_("回执截止日期"), required=False, widget=DATE)
    task_kind = forms.ChoiceField(label=_("布置任务"), choices=TaskKind.choices, required=False)
    task_campaign: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("活动品牌"), queryset=None, required=False
    )
    task_due = forms.DateField(label=_("任务完成期限"), required=False, widget=DATE)
    attachments = forms.FileField(
        label=_("附件"), required=False, widget=MultipleFileInput(attrs={"multiple": True})
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, org: Org | None = None, **kwargs: Any) -> None:
        from fulian.events.models import Campaign

        kwargs.setdefault("initial", {"idempotency_key": uuid.uuid4()})
        super().__init__(*args, **kwargs)
        if org is not None:
            self.fields["chosen"].queryset = Org.objects.get_children(org).filter(  # type: ignore[attr-defined]
                status="active"
            )
        self.fields["task_campaign"].queryset = Campaign.objects.filter(  # type: ignore[attr-defined]
            is_active=True
        )

    def clean_attachments(self) -> list[Any]:
        return list(self.files.getlist("attachments")) if self.files else []


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("回执内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label=_("回执附件"), required=False)


class RoundForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    period_code = forms.CharField(
        label=_("报告期"), max_length=10, help_text=_("如 2023Q1、2023H1、2023")
    )
    indicators = forms.MultipleChoiceField(
        label=_("报送指标"),
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "indicator-choice"}),
        help_text=_("季度、半年报表中，“仅年度”的指标由报送组织自行填写"),
    )
    narrative_prompt = forms.CharField(
        label=_("文字报告要求"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    due = forms.DateField(label=_("报送截止日期"), widget=DATE)
    depth = forms.TypedChoiceField(
        label=_("报送层级"),
        coerce=int,
        choices=[(1, _("下一级组织（乡镇、街道）")), (2, _("下两级（村、社区向乡镇、街道报送）"))],
        initial=1,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"due": today(), "depth": 1})
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = indicator_choices()  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), max_length=300, required=False)


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("重新打开理由"), max_length=300)


def _plain(value: Any) -> Any:
    """2.00 shows as 2 in an input; 2.50 stays."""
    if value is not None and value == value.to_integral_value():
        return int(value)
    return value


class ReportForm(forms.Form):
    """The narrative and, per figure, a corrected value and its reason."""

    narrative = forms.CharField(
        label=_("文字报告"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args: Any, figures: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes: list[str] = []
        for figure in figures:
            self.codes.append(figure.code)
            self.fields[f"value_{figure.code}"] = forms.DecimalField(
                label=_("更正数据"),
                required=False,
                min_value=0,
                max_digits=14,
                decimal_places=2,
                initial=_plain(figure.corrected),
            )
            self.fields[f"reason_{figure.code}"] = forms.CharField(
                label=_("更正理由"), required=False, max_length=300, initial=figure.reason
            )

    def corrections(self) -> dict[str, tuple[Any, str]]:
        data = self.cleaned_data
        return {c: (data.get(f"value_{c}"), data.get(f"reason_{c}") or "") for c in self.codes}
