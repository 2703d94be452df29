"""Forms only validate; the services write."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import User
from fulian.cases.models import (
    BodyKind,
    Case,
    Category,
    DisputeType,
    Feedback,
    Outcome,
    OutsideBody,
    PartyRole,
    RequestStatus,
    Risk,
    Source,
)
from fulian.core import periods
from fulian.core.params import parse_id
from fulian.orgs.models import Org, OrgKind

DATE = forms.DateInput(attrs={"type": "date"})
PLACE_KINDS = (OrgKind.VILLAGE, OrgKind.COMMUNITY, OrgKind.TOWN, OrgKind.STREET)
PHONE_WIDGET = forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})


def places() -> Any:
    return Org.objects.filter(kind__in=PLACE_KINDS, status="active")


class BoundedChoiceField(forms.ModelChoiceField):
    """A choice by id; an id no database column can hold is an invalid choice, not a 500."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class PlaceField(BoundedChoiceField):
    """A village (or town) picked from the tree search; rendered by the template as the
    search box and its results, never as a select of the whole tree."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", places())
        kwargs.setdefault(
            "error_messages",
            {
                "required": _("请选择所在的村（社区）。"),
                "invalid_choice": _("请选择所在的村（社区）。"),
            },
        )
        super().__init__(**kwargs)


class PublicRequestForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    category = forms.ChoiceField(
        label=_("您需要哪方面的帮助"), choices=Category.choices, widget=forms.RadioSelect
    )
    place = PlaceField(label=_("您所在的村（社区）"))
    description = forms.CharField(
        label=_("遇到了什么情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
    )
    name = forms.CharField(label=_("怎么称呼您（可不填）"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, widget=PHONE_WIDGET)
    may_call = forms.BooleanField(label=_("可以给我打电话"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"idempotency_key": uuid.uuid4(), "may_call": True})
        super().__init__(*args, **kwargs)


class StatusForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


STAFF_SOURCES = [(s.value, s.label) for s in Source if s != Source.ONLINE]


class StaffRequestForm(forms.Form):
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    source = forms.ChoiceField(label=_("来源"), choices=STAFF_SOURCES)
    source_ref = forms.CharField(
        label=_("来源说明"),
        max_length=100,
        required=False,
        help_text=_("走访记录编号、热线工单号或来文部门"),
    )
    visit_ref = forms.IntegerField(
        label=_("走访记录编号"),
        min_value=1,
        required=False,
        help_text=_("来源为“走访发现”时，可填写走访登记中的记录编号"),
    )
    category = forms.ChoiceField(label=_("诉求类别"), choices=Category.choices)
    place = PlaceField(label=_("所在村（社区）"))
    received_on = forms.DateField(label=_("受理日期"), widget=DATE)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 4}))
    name = forms.CharField(label=_("称呼"), max_length=30, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False, widget=PHONE_WIDGET)
    may_call = forms.BooleanField(label=_("可以电话联系"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"idempotency_key": uuid.uuid4(), "may_call": True, "received_on": periods.today()},
        )
        super().__init__(*args, **kwargs)


class InboxFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部状态")), ("open", _("未答复")), *RequestStatus.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("类别"), choices=[("", _("全部类别")), *Category.choices], required=False
    )
    source = forms.ChoiceField(
        label=_("来源"), choices=[("", _("全部来源")), *Source.choices], required=False
    )
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
    below = forms.BooleanField(label=_("只看下级"), required=False)


class UserChoiceField(BoundedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj}（{obj.org}）"


class AssignForm(forms.Form):
    handler = UserChoiceField(label=_("承办人"), queryset=User.objects.none(), required=False)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = staff_in(org)  # type: ignore[attr-defined]


def staff_in(org: Org) -> Any:
    from fulian.core.scope import subtree_bounds

    return (
        User.objects.filter(is_active=True, org__path__range=subtree_bounds(org.path))
        .exclude(role="viewer")
        .select_related("org")
        .order_by("org__path", "username")
    )


class OrgLabelField(BoundedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * max(obj.depth - 1, 0)}{obj.name}"


class ReassignForm(forms.Form):
    org = OrgLabelField(label=_("转至"), queryset=Org.objects.none())
    note = forms.CharField(label=_("转办理由"), max_length=200)

    def __init__(self, *args: Any, actor: Any, current: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = reassign_targets(actor, current)  # type: ignore[attr-defined]


def reassign_targets(actor: Any, current: Org) -> Any:
    """Up: the orgs above the current one; down: its children in the actor's scope; beside:
    the other children of its parent that the actor sees. A few dozen at most."""
    ancestors = [a.pk for a in Org.objects.get_ancestors(current)]
    below = list(
        Org.objects.for_user(actor)
        .filter(depth=current.depth + 1, path__startswith=current.path)
        .values_list("pk", flat=True)
    )
    parent = Org.objects.get_parent(current)
    beside: list[int] = []
    if parent is not None:
        beside = list(
            Org.objects.for_user(actor)
            .filter(depth=current.depth, path__startswith=parent.path)
            .exclude(pk=current.pk)
            .values_list("pk", flat=True)
        )
    return Org.objects.filter(
        pk__in=[*ancestors, *below, *beside],
        kind__in=[*PLACE_KINDS, OrgKind.DISTRICT],
        status="active",
    ).order_by("path")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label=_("求助人可见"), required=False, initial=True)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("原因"), max_length=200)


class CloseRequestForm(forms.Form):
    feedback = forms.ChoiceField(label=_("求助人评价"), choices=Feedback.choices, initial="none")
    feedback_text = forms.CharField(label=_("评价意见"), max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200)


class RevealForm(ReasonForm):
    field = forms.ChoiceField(
        label=_("查看"), choices=[("id_number", _("身份证号")), ("phone", _("电话"))]
    )


# --- cases -----------------------------------------------------------------------------------


class VenueChoiceField(BoundedChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CaseForm(forms.Form):
    venue = VenueChoiceField(label=_("婚调工作室"), queryset=Case.objects.none())
    dispute_type = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeType.choices)
    risk = forms.ChoiceField(label=_("风险等级"), choices=Risk.choices)
    domestic_violence = forms.BooleanField(label=_("涉及家庭暴力"), required=False)
    minors_involved = forms.BooleanField(label=_("涉及未成年人"), required=False)
    summary = forms.CharField(label=_("案情摘要"), widget=forms.Textarea(attrs={"rows": 4}))
    opened_on = forms.DateField(label=_("受理日期"), widget=DATE)
    mediators = UserChoiceField(
        label=_("调解员（执委账号）"), queryset=User.objects.none(), required=False
    )
    mediator_names = forms.CharField(
        label=_("其他调解员（无账号，姓名用顿号分隔）"), max_length=100, required=False
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        from fulian.venues.models import Venue, VenueType

        kwargs.setdefault("initial", {"opened_on": periods.today()})
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.for_user(actor).filter(  # type: ignore[attr-defined]
            type=VenueType.MEDIATION_WORKROOM
        )
        org = actor.org
        self.fields["mediators"].queryset = staff_in(org) if org else User.objects.none()  # type: ignore[attr-defined]


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=PartyRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=30)
    is_minor = forms.BooleanField(label=_("未成年人"), required=False)
    id_number = forms.CharField(
        label=_("身份证号（可不填，生成协议书时使用）"), max_length=20, required=False
    )
    phone = forms.CharField(label=_("电话"), max_length=20, required=False, widget=PHONE_WIDGET)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class MediatorForm(forms.Form):
    user = UserChoiceField(label=_("执委账号"), queryset=User.objects.none(), required=False)
    name = forms.CharField(label=_("或调解员姓名"), max_length=30, required=False)

    def __init__(self, *args: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff_in(org)  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    date = forms.DateField(label=_("调解日期"), widget=DATE)
    attendees = forms.CharField(label=_("参加人员"), max_length=200)
    agreed = forms.CharField(
        label=_("达成事项"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("调解记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConcludeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("调解结果"), choices=Outcome.choices)
    on = forms.DateField(label=_("结果日期"), widget=DATE)
    note = forms.CharField(
        label=_("结果说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agreement_text = forms.CharField(
        label=_("协议内容（用于生成协议书）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CloseCaseForm(forms.Form):
    on = forms.DateField(label=_("结案日期"), widget=DATE)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class AgreementForm(forms.Form):
    file = forms.FileField(label=_("调解协议（PDF、Word 或照片）"))


class FollowUpForm(forms.Form):
    on = forms.DateField(label=_("回访日期"), widget=DATE)
    finding = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 2}))


def referral_orgs() -> Any:
    return Org.objects.filter(
        kind__in=[OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STREET], status="active"
    ).order_by("path")


class ReferForm(forms.Form):
    to_org = OrgLabelField(label=_("转介至组织"), queryset=Org.objects.none(), required=False)
    to_body = BoundedChoiceField(
        label=_("或外部机构"), queryset=OutsideBody.objects.none(), required=False
    )
    reason = forms.CharField(label=_("转介理由"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("转介日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = referral_orgs()  # type: ignore[attr-defined]
        self.fields["to_body"].queryset = OutsideBody.objects.filter(is_active=True)  # type: ignore[attr-defined]


class ReferralAnswerForm(forms.Form):
    answer = forms.CharField(label=_("接收方回复"), widget=forms.Textarea(attrs={"rows": 2}))
    on = forms.DateField(label=_("回复日期"), widget=DATE)


class CategoryRuleForm(forms.Form):
    category = forms.ChoiceField(label=_("诉求类别"), choices=Category.choices)
    days = forms.IntegerField(label=_("办理时限（天）"), min_value=1, max_value=90)
    route_to_town = forms.BooleanField(label=_("直接交乡镇（街道）妇联办理"), required=False)


class BodyForm(forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=BodyKind.choices)
    contact = forms.CharField(label=_("联系方式"), max_length=100, required=False)
