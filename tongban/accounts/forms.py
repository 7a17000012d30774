from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import BootstrapMixin

from .models import Organisation, Role


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续多次失败后账号将被暂时锁定。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }


class StaffUserCreateForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @ . + - _ 。")},
    )
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    organisation = forms.ModelChoiceField(label=_("所属机构"), queryset=Organisation.objects.none())
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    phone = forms.RegexField(
        label=_("手机号"),
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": _("请输入 11 位手机号。")},
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class IntegrationUserForm(BootstrapMixin, forms.Form):
    username = forms.RegexField(
        label=_("账号名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("账号名只能包含字母、数字和 @ . + - _ 。")},
    )
    name = forms.CharField(label=_("对接系统名称"), max_length=50)
    organisation = forms.ModelChoiceField(label=_("所属机构"), queryset=Organisation.objects.none())

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class TokenIssueForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("令牌用途"), max_length=100)


class UserRolesForm(BootstrapMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class OrganisationCreateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    short_name = forms.CharField(label=_("简称"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=Organisation.Kind.choices)
    level = forms.ChoiceField(label=_("层级"), choices=Organisation.Level.choices)
    division_code = forms.RegexField(
        label=_("行政区划代码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("行政区划代码应为 6 位数字。")},
    )
    code = forms.RegexField(
        label=_("机构代码"),
        max_length=32,
        regex=r"^[A-Za-z0-9-]+$",
        error_messages={"invalid": _("机构代码只能包含字母、数字和连字符。")},
    )
    phone = forms.CharField(label=_("咨询电话"), max_length=40, required=False)
