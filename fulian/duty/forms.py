"""Forms of 干 duty: they validate input; the services write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core import periods
from fulian.duty.models import (
    ACTIONS,
    DifficultyCategory,
    Grade,
    PointRule,
    ProjectStatus,
)
from fulian.events.forms import OrgChoiceField, org_choices_for
from fulian.events.models import Campaign
from fulian.orgs.models import Org, OrgKind
from fulian.people.models import Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiFileField, self).clean(f, initial) for f in files]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.org.name}）"


class KeyedForm(forms.Form):
    """A form that carries an idempotency key: a double submit lands on one record."""

    fields: dict[str, Any]

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4())
        super().__init__(*args, **kwargs)


# --- duty reports ---


class ReportForm(KeyedForm):
    person = PersonChoiceField(label=_("述职执委"), queryset=Person.objects.none())
    title = forms.CharField(label=_("述职题目"), max_length=200, required=False)
    text = forms.CharField(
        label=_("述职内容"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    file = forms.FileField(label=_("述职材料（PDF、Word、照片）"), required=False)
    reported_on = forms.DateField(label=_("述职日期"), widget=DATE, required=False)

    def __init__(
        self, *args: Any, people: Any = None, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people
        if editing:
            del self.fields["person"]
            del self.fields["idempotency_key"]


class CommentForm(forms.Form):
    fields: dict[str, Any]

    commenter = forms.CharField(label=_("点评人"), max_length=50)
    text = forms.CharField(label=_("点评意见"), widget=forms.Textarea(attrs={"rows": 5}))
    given_on = forms.DateField(label=_("点评日期"), widget=DATE, required=False)


# --- evaluation ---


class RoundForm(forms.Form):
    fields: dict[str, Any]

    title = forms.CharField(label=_("名称"), max_length=200)
    people = forms.ModelMultipleChoiceField(
        label=_("被测评执委（不选则为本组织全体执委）"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    unfit_flag_percent = forms.DecimalField(
        label=_("不称职票超过此比例即认定不称职（%）"), initial=33.33, min_value=0, max_value=100
    )
    excellent_percent = forms.DecimalField(
        label=_("优秀票达到此比例评为优秀（%）"), initial=50, min_value=0, max_value=100
    )

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["people"].queryset = people


class CodesForm(forms.Form):
    fields: dict[str, Any]

    count = forms.IntegerField(label=_("发放数量"), min_value=1, max_value=1000)


class CodeEntryForm(forms.Form):
    fields: dict[str, Any]

    code = forms.CharField(
        label=_("投票码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def ballot_form(evaluees: list[Any], data: Any = None) -> forms.Form:
    """One radio group per evaluee."""
    form = forms.Form(data)
    for evaluee in evaluees:
        form.fields[f"e{evaluee.pk}"] = forms.ChoiceField(
            label=evaluee.person.name,
            choices=Grade.choices,
            widget=forms.RadioSelect,
            error_messages={"required": _("请选择等次。")},
        )
    return form


# --- projects ---


class ProjectForm(KeyedForm):
    org = OrgChoiceField(label=_("村/社区"), queryset=Org.objects.none())
    title = forms.CharField(label=_("项目名称"), max_length=200)
    need = forms.CharField(label=_("解决的需求"), widget=forms.Textarea(attrs={"rows": 3}))
    beneficiaries = forms.CharField(label=_("受益对象"), max_length=200)
    beneficiary_count = forms.IntegerField(label=_("受益人数"), min_value=0, required=False)
    planned_start = forms.DateField(label=_("计划开始"), widget=DATE, required=False)
    planned_end = forms.DateField(label=_("计划完成"), widget=DATE, required=False)
    budget = forms.DecimalField(
        label=_("预算（元）"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(actor).filter(
            kind__in=[OrgKind.VILLAGE, OrgKind.COMMUNITY]
        )


class ProjectFilterForm(forms.Form):
    fields: dict[str, Any]

    org = OrgChoiceField(label=_("组织"), queryset=Org.objects.none(), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部")), *ProjectStatus.choices], required=False
    )
    campaign = forms.ModelChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.all(), required=False
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(actor)


class ClaimForm(forms.Form):
    fields: dict[str, Any]

    person = PersonChoiceField(label=_("认领执委"), queryset=Person.objects.none(), required=False)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class ReviewForm(forms.Form):
    fields: dict[str, Any]

    publish = forms.TypedChoiceField(
        label=_("审核"),
        choices=[("1", _("发布到项目库")), ("0", _("退回"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("意见"), max_length=300, required=False)


class ProgressForm(KeyedForm):
    text = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 4}))
    on = forms.DateField(label=_("日期"), widget=DATE, required=False)
    photos = MultiFileField(label=_("照片（最多9张）"), required=False)


class CompleteForm(ProgressForm):
    evidence = forms.FileField(label=_("佐证材料（PDF、Word、Excel、照片）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("完成情况")


class VerifyForm(forms.Form):
    fields: dict[str, Any]

    accept = forms.TypedChoiceField(
        label=_("验收"),
        choices=[("1", _("验收通过")), ("0", _("退回整改"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("意见"), max_length=300, required=False)


class NoteForm(forms.Form):
    fields: dict[str, Any]

    note = forms.CharField(label=_("说明"), max_length=300, required=False)


# --- visits ---


class VisitForm(KeyedForm):
    org = OrgChoiceField(label=_("村/社区"), queryset=Org.objects.none())
    visitor = PersonChoiceField(label=_("走访执委"), queryset=Person.objects.none())
    visited_on = forms.DateField(label=_("走访日期"), widget=DATE)
    name = forms.CharField(label=_("被走访人"), max_length=50, required=False)
    person = forms.IntegerField(widget=forms.HiddenInput, required=False)
    is_minor = forms.BooleanField(label=_("未成年人"), required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    household = forms.CharField(
        label=_("家庭情况"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("困难类别"),
        queryset=DifficultyCategory.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    campaign = forms.ModelChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.filter(is_active=True), required=False
    )
    needs = forms.CharField(
        label=_("诉求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    help_given = forms.CharField(
        label=_("帮扶措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    follow_up_on = forms.DateField(label=_("回访日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("visited_on", periods.today())
        super().__init__(*args, **kwargs)
        from fulian.duty.services import executives_in_scope

        self.fields["org"].queryset = org_choices_for(actor)
        self.fields["visitor"].queryset = executives_in_scope(actor)
        for code, label in ACTIONS:
            self.fields[code] = forms.CharField(label=label, max_length=300, required=False)


class FollowUpForm(forms.Form):
    fields: dict[str, Any]

    note = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 3}))
    next_on = forms.DateField(label=_("下次回访日期"), widget=DATE, required=False)


class VisitFilterForm(forms.Form):
    fields: dict[str, Any]

    org = OrgChoiceField(label=_("组织"), queryset=Org.objects.none(), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    campaign = forms.ModelChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.all(), required=False
    )
    overdue = forms.BooleanField(label=_("仅逾期回访"), required=False)

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(actor)


# --- points and configuration ---


class RuleForm(forms.ModelForm):
    fields: dict[str, Any]

    class Meta:
        model = PointRule
        fields = ["name", "points", "is_active", "order"]


class CategoryForm(forms.ModelForm):
    fields: dict[str, Any]

    class Meta:
        model = DifficultyCategory
        fields = ["code", "name", "order", "is_active"]


class LimitForm(forms.Form):
    fields: dict[str, Any]

    max_active_claims = forms.IntegerField(
        label=_("每人同时认领项目数上限"), min_value=1, max_value=10
    )


class YearOrgForm(forms.Form):
    fields: dict[str, Any]

    org = OrgChoiceField(label=_("组织"), queryset=Org.objects.none(), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, actor: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = org_choices_for(actor)
