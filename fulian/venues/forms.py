"""Forms validate input only; the services do the writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.building.forms import DATE, org_choices, scope_orgs
from fulian.core import periods
from fulian.orgs.models import Org
from fulian.venues.models import ItemKind, VenueHost, VenueStatus, VenueType
from fulian.venues.services import ItemResult, ItemSpec


def _label(org: Org) -> str:
    return f"{'　' * max(org.depth - 2, 0)}{org.name}"


class VenueForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    type = forms.ChoiceField(label=_("类型"), choices=VenueType.choices)
    org = forms.ModelChoiceField(label=_("所属组织"), queryset=Org.objects.none())
    host = forms.ChoiceField(label=_("依托场所"), choices=VenueHost.choices)
    host_name = forms.CharField(label=_("依托场所名称"), max_length=100, required=False)
    shared = forms.BooleanField(label=_("共建共享共用"), required=False)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    latitude = forms.DecimalField(label=_("纬度"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("经度"), max_digits=9, decimal_places=6, required=False)
    opening_hours = forms.CharField(label=_("开放时间"), max_length=100, required=False)
    contact_phone = forms.CharField(
        label=_("场所联系电话"),
        max_length=30,
        required=False,
        help_text=_("场所的办公电话，会在公众查询中显示；不要填写个人手机号。"),
    )
    established = forms.DateField(label=_("建成日期"), required=False, widget=DATE)
    status = forms.ChoiceField(
        label=_("状态"), choices=VenueStatus.choices, initial=VenueStatus.OPEN
    )
    listed_publicly = forms.BooleanField(label=_("在公众查询中显示"), required=False, initial=True)
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["org"]
        org_choices(field, scope_orgs(actor, divisions_only=False))


class VenueFilterForm(forms.Form):
    q = forms.CharField(label=_("名称"), required=False)
    type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *VenueType.choices]
    )
    host = forms.ChoiceField(
        label=_("依托场所"), required=False, choices=[("", _("全部")), *VenueHost.choices]
    )
    year = forms.IntegerField(label=_("建成年份"), required=False, min_value=1949, max_value=2100)
    certified = forms.NullBooleanField(
        label=_("达标"),
        required=False,
        widget=forms.Select(choices=[("", _("全部")), ("true", _("达标")), ("false", _("未达标"))]),
    )
    model_site = forms.BooleanField(label=_("仅示范点"), required=False)


class PhotoForm(forms.Form):
    file = forms.ImageField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class StandardForm(forms.Form):
    venue_type = forms.ChoiceField(label=_("阵地类型"), choices=VenueType.choices)
    name = forms.CharField(label=_("名称"), max_length=100)
    threshold = forms.IntegerField(label=_("达标分数线"), min_value=0)
    items = forms.CharField(
        label=_("项目（每行一项：名称|评价方式 pass_fail 或 scored|分值）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("例：有场所|pass_fail|10"),
    )

    def clean_items(self) -> list[ItemSpec]:
        specs = []
        for n, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            kind = parts[1] if len(parts) > 1 and parts[1] else ItemKind.PASS_FAIL
            try:
                score = int(parts[2]) if len(parts) > 2 and parts[2] else 10
            except ValueError:
                raise forms.ValidationError(_("第 %(n)d 行的分值无效。") % {"n": n}) from None
            if kind not in ItemKind.values:
                raise forms.ValidationError(_("第 %(n)d 行的评价方式无效。") % {"n": n})
            specs.append(ItemSpec(parts[0], kind, score))
        return specs


class AssessmentForm(forms.Form):
    """One field per standard item, built from the standard."""

    date = forms.DateField(label=_("评估日期"), widget=DATE)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args: Any, standard: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("date", periods.today())
        super().__init__(*args, **kwargs)
        self.standard_items = list(standard.items.all())
        for item in self.standard_items:
            if item.kind == ItemKind.PASS_FAIL:
                self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                    label=item.label,
                    choices=[("1", _("达标")), ("0", _("不达标"))],
                    coerce=lambda v: v == "1",
                    widget=forms.RadioSelect,
                )
            else:
                self.fields[f"item_{item.pk}"] = forms.IntegerField(
                    label=f"{item.label}（0–{item.max_score}）",
                    min_value=0,
                    max_value=item.max_score,
                )

    def results(self) -> dict[int, ItemResult]:
        out = {}
        for item in self.standard_items:
            value = self.cleaned_data[f"item_{item.pk}"]
            out[item.pk] = (
                ItemResult(passed=value)
                if item.kind == ItemKind.PASS_FAIL
                else ItemResult(score=value)
            )
        return out


class PublicSearchForm(forms.Form):
    town = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Org.objects.none(), required=False
    )
    village = forms.ModelChoiceField(
        label=_("村（社区）"), queryset=Org.objects.none(), required=False
    )
    type = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部")), *VenueType.choices]
    )
    lat = forms.DecimalField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.DecimalField(
        required=False, min_value=-180, max_value=180, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, towns: Any, villages: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        town: Any = self.fields["town"]
        village: Any = self.fields["village"]
        town.queryset, village.queryset = towns, villages
        self.village_field = village
        for name in ("town", "village", "type"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-lg"
