"""Forms validate input only; the services save."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.core import periods
from fulian.core.text import label, script
from fulian.events.models import (
    MAX_PHOTOS,
    ActivityKind,
    Audience,
    Campaign,
    MeetingType,
    TrainingMethod,
    TrainingSeries,
)
from fulian.orgs.models import Org

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def org_choices_for(actor: Any) -> Any:
    return Org.objects.for_user(actor).filter(status="active").order_by("path")


def _org_label(org: Org) -> str:
    return f"{'　' * max(org.depth - 1, 0)}{script(org.name)}"


def _campaign_label(campaign: Campaign) -> str:
    return f"{'　' if campaign.parent_id else ''}{label(campaign.name)}"


class NamedChoiceField(forms.ModelChoiceField):
    """A kind or a series: Fulian's own names in the reader's language (core.text.label)."""

    def label_from_instance(self, obj: Any) -> str:
        return label(obj.name)


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Org) -> str:
        return _org_label(obj)


class CampaignChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Campaign) -> str:
        return _campaign_label(obj)


def campaign_queryset() -> Any:
    return Campaign.objects.filter(is_active=True).select_related("parent")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("最多上传 9 张照片。"))
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ScopedFormMixin:
    """Limits the ``org`` (and co-organiser, venue) choices to the actor's subtree."""

    fields: dict[str, Any]

    def scope_fields(self, actor: Any) -> None:
        orgs = org_choices_for(actor)
        if "org" in self.fields:
            self.fields["org"].queryset = orgs
            self.fields["org"].label_from_instance = _org_label
        if "co_organisers" in self.fields:
            self.fields["co_organisers"].queryset = orgs
            self.fields["co_organisers"].label_from_instance = _org_label
        if "venue" in self.fields or "destinations" in self.fields:
            from fulian.venues.models import Venue

            if "venue" in self.fields:
                self.fields["venue"].queryset = Venue.objects.for_user(actor).order_by("name")
            if "destinations" in self.fields:
                # Study tours go to model sites anywhere in the district.
                self.fields["destinations"].queryset = Venue.objects.filter(
                    is_model_site=True
                ).order_by("name")
        if "campaign" in self.fields:
            self.fields["campaign"].queryset = campaign_queryset()
            self.fields["campaign"].label_from_instance = _campaign_label


class ActivityFilterForm(forms.Form):
    campaign = CampaignChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.all(), required=False, to_field_name="code"
    )
    kind = NamedChoiceField(
        label=_("活动类型"),
        queryset=ActivityKind.objects.all(),
        required=False,
        to_field_name="code",
    )
    org = OrgChoiceField(label=_("组织"), queryset=Org.objects.none(), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1949, max_value=2100)
    since = forms.DateField(label=_("起始日期"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=_("截止日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org = self.fields["org"]
        assert isinstance(org, forms.ModelChoiceField)
        org.queryset = org_choices_for(actor)


class QuickRecordForm(ScopedFormMixin, forms.Form):
    """Recording on a phone in under a minute."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    campaign = CampaignChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.none(), required=False
    )
    kind = NamedChoiceField(
        label=_("活动类型"), queryset=ActivityKind.objects.filter(is_active=True)
    )
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("地点"), max_length=200)
    head_count = forms.IntegerField(label=_("参加人数"), min_value=0, max_value=100000)
    title = forms.CharField(label=_("标题"), max_length=200, required=False)
    description = forms.CharField(
        label=_("简要内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("照片（最多 9 张）"))

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"idempotency_key": uuid.uuid4(), "date": periods.today()})
        super().__init__(*args, **kwargs)
        self.scope_fields(actor)


class ActivityForm(ScopedFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("主办组织"), queryset=Org.objects.none())
    kind = NamedChoiceField(
        label=_("活动类型"), queryset=ActivityKind.objects.filter(is_active=True)
    )
    campaign = CampaignChoiceField(
        label=_("活动品牌"), queryset=Campaign.objects.none(), required=False
    )
    title = forms.CharField(label=_("标题"), max_length=200)
    start = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_WIDGET, required=False)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    venue = forms.ModelChoiceField(label=_("阵地"), queryset=Org.objects.none(), required=False)
    destinations = forms.ModelMultipleChoiceField(
        label=_("观摩点"), queryset=Org.objects.none(), required=False
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("协办组织"), queryset=Org.objects.none(), required=False
    )
    audiences = forms.MultipleChoiceField(
        label=_("参加对象"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    head_count = forms.IntegerField(label=_("参加人数"), min_value=0, required=False)
    description = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    meeting_type = forms.ChoiceField(
        label=_("会议类型"), choices=[("", "—"), *MeetingType.choices], required=False
    )
    agenda = forms.CharField(
        label=_("议程"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    minutes = forms.CharField(
        label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_fields(actor)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束时间不能早于开始时间。"))
        return data


class PhotoUploadForm(forms.Form):
    photos = PhotosField(label=_("照片（最多 9 张）"), required=True)


class TrainingForm(ScopedFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("主办组织"), queryset=Org.objects.none())
    title = forms.CharField(label=_("名称"), max_length=200)
    series = NamedChoiceField(
        label=_("系列"), queryset=TrainingSeries.objects.all(), required=False
    )
    number = forms.IntegerField(label=_("期次"), min_value=1, required=False)
    start = forms.DateField(label=_("开班日期"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("结业日期"), widget=DATE_WIDGET, required=False)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    audiences = forms.MultipleChoiceField(
        label=_("培训对象"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.CharField(
        label=_("培训主题（每行一个）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    methods = forms.MultipleChoiceField(
        label=_("培训方式"),
        choices=TrainingMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    completion_percent = forms.IntegerField(
        label=_("结业出勤比例（%）"), min_value=1, max_value=100, initial=80
    )
    self_registration = forms.BooleanField(label=_("允许自主报名（需审核）"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_fields(actor)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("结束时间不能早于开始时间。"))
        return data


class SessionForm(forms.Form):
    title = forms.CharField(label=_("主题"), max_length=200)
    start = forms.DateTimeField(label=_("开始时间"), widget=DATETIME_WIDGET)
    end = forms.DateTimeField(label=_("结束时间"), widget=DATETIME_WIDGET)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    method = forms.ChoiceField(
        label=_("培训方式"), choices=[("", "—"), *TrainingMethod.choices], required=False
    )
    instructor_name = forms.CharField(label=_("授课人"), max_length=50, required=False)
    instructor_unit = forms.CharField(label=_("授课人单位"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("结束时间应晚于开始时间。"))
        return data


class KindForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=50)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class CampaignForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    parent = forms.ModelChoiceField(
        label=_("上级品牌"), queryset=Campaign.objects.all(), required=False
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class SeriesForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=32767, initial=100)


class CheckinForm(forms.Form):
    """The public check-in page: name and phone, nothing else."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


def default_month(value: str | None, period: periods.Period | None = None) -> datetime.date:
    """``YYYY-MM`` to the first of that month; otherwise the month of the current period's
    reference day (today's month while the period runs, else its last month)."""
    try:
        year, month = (int(p) for p in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        day = periods.reference_day(period) if period is not None else periods.today()
        return day.replace(day=1)
