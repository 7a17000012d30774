from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.forms import BootstrapMixin

from .models import LicenceType
from .services import SOURCES


class LicenceTypeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(label=_("证照类型代码"), max_length=64, help_text=_("如 LIC-RFJSSP；材料的“可免提交来源”填写此代码"))
    name = forms.CharField(label=_("证照名称"), max_length=100)
    organisation = forms.ModelChoiceField(label=_("发证机构"), queryset=None)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)
    validity_months = forms.IntegerField(label=_("有效期（月）"), min_value=1, max_value=1200, required=False,
                                         help_text=_("留空表示长期有效"))
    base_codes = forms.CharField(label=_("对应事项基本编码"), required=False,
                                 help_text=_("办结准予许可后自动签发；多个用逗号分隔"))
    fields_text = forms.CharField(
        label=_("照面字段"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
        help_text=_("每行一个：标识|名称|取值来源|public（可公开）。取值来源可选：") + "、".join(SOURCES),
    )
    is_active = forms.BooleanField(label=_("在用"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_in_scope(actor)

    def clean_fields_text(self):
        rows = []
        for n, line in enumerate(self.cleaned_data["fields_text"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            if len(parts) < 2:
                raise ValidationError(_("第 %(n)s 行格式应为：标识|名称|取值来源|public") % {"n": n})
            rows.append({"key": parts[0], "label": parts[1], "source": parts[2] if len(parts) > 2 else "",
                         "public": len(parts) > 3 and parts[3].lower() in ("public", "1", "公开")})
        return rows

    @staticmethod
    def initial_for(lt: LicenceType) -> dict:
        return {
            "code": lt.code, "name": lt.name, "organisation": lt.organisation_id, "description": lt.description,
            "validity_months": lt.validity_months, "is_active": lt.is_active,
            "base_codes": ", ".join(lt.items.values_list("base_code", flat=True)),
            "fields_text": "\n".join("|".join([f["key"], f["label"], f.get("source", ""), "public" if f.get("public") else ""]).rstrip("|")
                                     for f in lt.fields),
        }
