from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.orgs.models import UNIT_KINDS, Org, OrgKind


class OrgForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(k.value, k.label) for k in OrgKind if k in UNIT_KINDS]
    )
    established = forms.DateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class OrgChoiceField(forms.ModelChoiceField):
    """A choice of orgs shown as an indented tree."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{'　' * (obj.depth - 1)}{obj.name}"


class MoveForm(forms.Form):
    new_parent = OrgChoiceField(label=_("移至"), queryset=Org.objects.none())

    def __init__(self, *args: Any, actor: Any, org: Org, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = Org.objects.for_user(actor).filter(status="active").order_by("path")
        field = self.fields["new_parent"]
        assert isinstance(field, OrgChoiceField)
        field.queryset = scope.exclude(path__startswith=org.path)


class DissolveForm(forms.Form):
    on = forms.DateField(label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date"}))
