"""Forms validate input only; the services do the writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.building.models import ItemStatus, UnitKind, UnitStatus, UrgingMethod
from fulian.core.forms import XlsxField
from fulian.orgs.models import DIVISION_KINDS, Org

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _label(org: Org) -> str:
    return f"{'　' * max(org.depth - 2, 0)}{org.name}"


def org_choices(field: Any, queryset: Any) -> None:
    """Limit an org choice field to ``queryset``, labelled with indentation by depth."""
    field.queryset = queryset
    field.label_from_instance = _label


def scope_orgs(actor: Any, *, divisions_only: bool = True, include_own: bool = True) -> Any:
    orgs = Org.objects.for_user(actor).filter(status="active")
    if divisions_only:
        orgs = orgs.filter(kind__in=DIVISION_KINDS)
    if not include_own and actor.org_id:
        orgs = orgs.exclude(pk=actor.org_id)
    return orgs.order_by("path")


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30, required=False)
    kind = forms.ChoiceField(label=_("单位类型"), choices=UnitKind.choices)
    org = forms.ModelChoiceField(label=_("所在区域"), queryset=Org.objects.none())
    women_count = forms.IntegerField(label=_("女职工（成员）人数"), min_value=0, initial=0)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_choices(self.fields["org"], scope_orgs(actor))


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("pending", _("未建立（含已督促）")), *UnitStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("单位类型"), required=False, choices=[("", _("全部")), *UnitKind.choices]
    )


class ImportForm(forms.Form):
    file = XlsxField(label=_("应建单位登记表（.xlsx）"))


class UrgeForm(forms.Form):
    date = forms.DateField(label=_("督促日期"), widget=DATE)
    method = forms.ChoiceField(label=_("方式"), choices=UrgingMethod.choices)
    promise = forms.CharField(label=_("单位承诺"), max_length=200, required=False)
    promised_by = forms.DateField(label=_("承诺建立日期"), required=False, widget=DATE)


class FoundForm(forms.Form):
    on = forms.DateField(label=_("建立日期"), widget=DATE)
    name = forms.CharField(label=_("妇女组织名称"), max_length=100)
    parent = forms.ModelChoiceField(label=_("上级组织"), queryset=Org.objects.none())

    def __init__(self, *args: Any, actor: Any, unit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = scope_orgs(actor, divisions_only=False).filter(path__startswith=unit.org.path)
        org_choices(self.fields["parent"], orgs)


class ExemptForm(forms.Form):
    reason = forms.CharField(label=_("免建理由"), max_length=200)


class VisitForm(forms.Form):
    date = forms.DateField(label=_("督导日期"), widget=DATE)
    subject = forms.CharField(label=_("主题"), max_length=200)
    visited = forms.ModelMultipleChoiceField(label=_("被督导组织"), queryset=Org.objects.none())
    visitor_names = forms.CharField(label=_("督导人员"), max_length=200, required=False)
    summary = forms.CharField(
        label=_("情况概述"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    findings = forms.CharField(
        label=_("发现的问题（每行一条）"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_choices(self.fields["visited"], scope_orgs(actor, include_own=False))
        self.fields["visited"].widget.attrs["size"] = 8

    def clean_findings(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["findings"].splitlines() if line.strip()]


class FindingForm(forms.Form):
    text = forms.CharField(label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 2}))


class ItemForm(forms.Form):
    what = forms.CharField(label=_("整改内容"), max_length=300)
    org = forms.ModelChoiceField(label=_("整改责任组织"), queryset=Org.objects.none())
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)

    def __init__(self, *args: Any, visit: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_choices(self.fields["org"], visit.visited.order_by("path"))


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=ItemStatus.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("整改材料（照片、PDF、Word、Excel）"))


class ItemFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ItemStatus.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期"), required=False)
    todo = forms.BooleanField(label=_("仅看待我整改"), required=False)
