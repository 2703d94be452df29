from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fulian.core.forms import XlsxField
from fulian.orgs.models import Org
from fulian.people.models import (
    ETHNICITY_CHOICES,
    CompositionDimension,
    Education,
    Gender,
    Grid,
    Person,
    PoliticalStatus,
    PositionKind,
    Sector,
    TalentTag,
)

DATE = forms.DateInput(attrs={"type": "date"})


def _scoped_orgs(actor: Any, kinds: list[str] | None = None) -> Any:
    orgs = Org.objects.for_user(actor).filter(status="active").order_by("path")
    return orgs.filter(kind__in=kinds) if kinds else orgs


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return f"{'　' * max(0, obj.depth - 1)}{obj.name}"


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Grid) -> str:
        return f"{obj.org.name} {obj.name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.name}（{obj.org.name}）"


def _set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class PersonForm(forms.Form):
    org = OrgChoiceField(label=_("所属组织"), queryset=Org.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    ethnicity = forms.ChoiceField(label=_("民族"), choices=ETHNICITY_CHOICES)
    id_number = forms.CharField(label=_("身份证号"), max_length=30)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    education = forms.ChoiceField(
        label=_("学历"), choices=[("", "—"), *Education.choices], required=False
    )
    political_status = forms.ChoiceField(
        label=_("政治面貌"), choices=[("", "—"), *PoliticalStatus.choices], required=False
    )
    sector = forms.ChoiceField(
        label=_("职业类别"), choices=[("", "—"), *Sector.choices], required=False
    )
    talent_tags = forms.ModelMultipleChoiceField(
        label=_("人才类别"),
        queryset=TalentTag.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "org", _scoped_orgs(actor))


class PersonEditForm(PersonForm):
    """ID number and phone start masked; left masked, the stored value is kept."""

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        initial = {
            "org": person.org_id,
            "name": person.name,
            "gender": person.gender,
            "ethnicity": person.ethnicity,
            "id_number": person.masked_id_number,
            "phone": person.masked_phone,
            "education": person.education,
            "political_status": person.political_status,
            "sector": person.sector,
            "talent_tags": list(person.talent_tags.all()),
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["org"].disabled = True
        self.fields["id_number"].help_text = _("显示为脱敏号码；不修改则保留原号码。")


class TransferForm(forms.Form):
    new_org = OrgChoiceField(label=_("调入组织"), queryset=Org.objects.none())

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "new_org", _scoped_orgs(actor))


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", _("身份证号")), ("phone", _("手机号"))])
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class FindForm(forms.Form):
    field = forms.ChoiceField(
        label=_("查找方式"), choices=[("id_number", _("身份证号")), ("phone", _("手机号"))]
    )
    value = forms.CharField(label=_("完整号码"), max_length=40)
    reason = forms.CharField(label=_("查找事由"), max_length=200)


class PositionForm(forms.Form):
    org = OrgChoiceField(label=_("任职组织"), queryset=Org.objects.none())
    kind = forms.ChoiceField(label=_("职务"), choices=PositionKind.choices)
    part_time = forms.BooleanField(label=_("兼职"), required=False)
    grid = GridChoiceField(label=_("网格"), queryset=Grid.objects.none(), required=False)
    start = forms.DateField(label=_("任职开始"), widget=DATE, required=False)
    end = forms.DateField(label=_("任职结束"), widget=DATE, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "org", _scoped_orgs(actor))
        _set_queryset(self, "grid", Grid.objects.for_user(actor).select_related("org"))


class EndPositionForm(forms.Form):
    end = forms.DateField(label=_("任职结束"), widget=DATE)


class TermForm(forms.Form):
    number = forms.IntegerField(label=_("届次"), min_value=1, max_value=99, required=False)
    start = forms.DateField(label=_("本届开始"), widget=DATE)
    years = forms.IntegerField(label=_("任期（年）"), min_value=1, max_value=10, initial=5)


class GridForm(forms.Form):
    name = forms.CharField(label=_("网格名称"), max_length=50)
    households = forms.IntegerField(label=_("户数"), min_value=0, required=False)


class UploadForm(forms.Form):
    file = XlsxField(label=_("花名册（.xlsx）"))


class CongressForm(forms.Form):
    number = forms.IntegerField(label=_("届次"), min_value=1, max_value=99)
    name = forms.CharField(label=_("名称"), max_length=100)
    start_date = forms.DateField(label=_("开幕日期"), widget=DATE)
    end_date = forms.DateField(label=_("闭幕日期"), widget=DATE, required=False)
    delegates_due = forms.IntegerField(label=_("应到代表"), min_value=0)
    delegates_present = forms.IntegerField(label=_("实到代表"), min_value=0, required=False)


class DelegateForm(forms.Form):
    person = PersonChoiceField(label=_("人员"), queryset=Person.objects.none())
    delegation = forms.CharField(label=_("代表团"), max_length=50)
    frontline = forms.BooleanField(label=_("基层一线"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_queryset(self, "person", Person.objects.for_user(actor).select_related("org"))


class TargetForm(forms.Form):
    dimension = forms.ChoiceField(label=_("维度"), choices=CompositionDimension.choices)
    category = forms.CharField(label=_("类别"), max_length=30, required=False)
    min_share = forms.DecimalField(
        label=_("目标比例（%）"), min_value=0, max_value=100, decimal_places=2, required=False
    )


class ElectionForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    seats = forms.IntegerField(label=_("应选名额"), min_value=1, max_value=500)
    held_on = forms.DateField(label=_("选举日期"), widget=DATE)
    contested = forms.BooleanField(label=_("差额选举"), required=False, initial=True)
    margin_percent = forms.IntegerField(
        label=_("差额比例（%）"), min_value=0, max_value=100, initial=5
    )
    term_years = forms.IntegerField(label=_("任期（年）"), min_value=1, max_value=10, initial=5)


class CandidateForm(forms.Form):
    person = PersonChoiceField(label=_("候选人"), queryset=Person.objects.none())

    def __init__(self, *args: Any, actor: Any, congress: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Candidates are usually delegates, but anyone in scope may stand.
        _set_queryset(self, "person", Person.objects.for_user(actor).select_related("org"))


class TallyForm(forms.Form):
    ballots_issued = forms.IntegerField(label=_("发出选票"), min_value=0)
    ballots_returned = forms.IntegerField(label=_("收回选票"), min_value=0)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for c in candidates:
            self.fields[f"votes_{c.pk}"] = forms.IntegerField(
                label=c.person.name, min_value=0, initial=c.votes
            )

    def votes(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}


class TagForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=30)
