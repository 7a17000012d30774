from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from tongban.core.forms import BootstrapMixin

from .models import Bundle, ItemVersion, Material, ServiceItem, item_code
from .services import ELEMENTS


class ItemIdentityForm(BootstrapMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("实施机构"), queryset=None)
    base_code = forms.CharField(
        label=_("基本编码"),
        max_length=64,
        validators=[item_code],
        help_text=_("省、市、县实施同一事项时基本编码相同"),
    )
    implementation_code = forms.CharField(
        label=_("实施编码"), max_length=64, validators=[item_code]
    )
    is_standard = forms.BooleanField(
        label=_("作为同要素比对的标准事项（通常为省级实施规范）"), required=False
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class VersionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ItemVersion
        fields = [*ELEMENTS, "result_sample"]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "result_sample": forms.ClearableFileInput(),
        }

    def clean(self):
        data = super().clean()
        legal, promised = data.get("legal_limit_days"), data.get("promised_limit_days")
        if legal is not None and promised is not None and promised > legal:
            self.add_error(
                "promised_limit_days",
                _("承诺办结时限（%(p)s 个工作日）不能超过法定办结时限（%(l)s 个工作日）。")
                % {"p": promised, "l": legal},
            )
        return data

    def _post_clean(self):
        super()._post_clean()
        # The database constraint says the same as clean() above, without the numbers.
        errors = self._errors.get(NON_FIELD_ERRORS)
        if errors:
            kept = [e for e in errors.as_data() if e.code != "promised_exceeds_legal"]
            if kept:
                self._errors[NON_FIELD_ERRORS] = self.error_class(kept)
            else:
                del self._errors[NON_FIELD_ERRORS]


class MaterialForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("材料名称"), max_length=200)
    form = forms.ChoiceField(label=_("形式"), choices=Material.Form.choices)
    copies = forms.IntegerField(label=_("份数"), min_value=1, max_value=20, initial=1)
    required = forms.BooleanField(label=_("必须"), required=False, initial=True)
    condition = forms.CharField(label=_("提交条件"), max_length=300, required=False)
    source = forms.CharField(label=_("来源"), max_length=100, required=False)
    provides_from = forms.CharField(
        label=_("可免提交来源"),
        max_length=100,
        required=False,
        help_text=_("电子证照类型代码或共享数据标识"),
    )
    notes = forms.CharField(label=_("填报说明"), max_length=300, required=False)
    template = forms.FileField(label=_("空白表格/范本"), required=False)
    sample = forms.FileField(label=_("填写示例"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("template", "sample"):
            self.fields[name].widget = forms.ClearableFileInput(attrs={"class": "form-control"})


class StageForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("环节名称"), max_length=60)
    limit_days = forms.IntegerField(label=_("时限（工作日）"), min_value=0, max_value=365)
    description = forms.CharField(label=_("说明"), max_length=300, required=False)


class FeeForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=100)
    standard = forms.CharField(label=_("收费标准"), max_length=300)
    amount = forms.DecimalField(
        label=_("金额（元）"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    basis = forms.CharField(label=_("收费依据"), max_length=300)


MaterialFormSet = forms.formset_factory(MaterialForm, extra=1, can_delete=True, max_num=60)
StageFormSet = forms.formset_factory(StageForm, extra=1, can_delete=True, max_num=20)
FeeFormSet = forms.formset_factory(FeeForm, extra=1, can_delete=True, max_num=20)


def formset_rows(formset) -> list[dict]:
    """The rows kept, in page order, without the blank extra forms."""
    rows = []
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if not data or data.get("DELETE"):
            continue
        rows.append({k: v for k, v in data.items() if k != "DELETE"})
    return rows


class BundleForm(BootstrapMixin, forms.ModelForm):
    items = forms.ModelMultipleChoiceField(
        label=_("包含的事项"),
        queryset=ServiceItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Bundle
        fields = [
            "organisation",
            "code",
            "name",
            "description",
            "promised_limit_days",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisations=None, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda i: (
            f"{i.current_version.name}（{i.organisation.label}）"
        )
        if self.instance.pk:
            self.fields["organisation"].disabled = True
            self.fields["code"].disabled = True


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("目录文件"), help_text=_("Excel（.xlsx）或 JSON，大小不超过 5 MB")
    )
    publish = forms.BooleanField(
        label=_("导入后立即发布（否则保存为草稿，逐项审核后发布）"), required=False
    )

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = (f.name or "").lower()
        if not name.endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("只能导入 .xlsx 或 .json 文件。"))
        return f
