from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fulian.accounts.models import Role
from fulian.accounts.services import grantable_roles
from fulian.orgs.forms import OrgChoiceField
from fulian.orgs.models import Org


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("动态口令"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class UserForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=40,
        regex=r"^[A-Za-z0-9_.-]+$",
        help_text=_("字母、数字、点、下划线或连字符。"),
    )
    full_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    org = OrgChoiceField(label=_("所属组织"), queryset=Org.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput, required=False)

    def __init__(self, *args: Any, actor: Any, creating: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        org_field, role_field = self.fields["org"], self.fields["role"]
        assert isinstance(org_field, forms.ModelChoiceField)
        assert isinstance(role_field, forms.ChoiceField)
        org_field.queryset = Org.objects.for_user(actor).filter(status="active")
        role_field.choices = [(r.value, r.label) for r in grantable_roles(actor)]
        if creating:
            self.fields["password"].required = True
            del self.fields["is_active"]
        else:
            self.fields["username"].disabled = True
            del self.fields["password"]
