"""Forms: policy metadata, the rule editor (rows of field / operator / value, no JSON), profile
editing, projects, import, the public finder and the fee calculator."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.accounts.permissions import organisations_in_scope
from tongban.core.forms import BootstrapMixin

from .models import BuildingUse, CreditGrade, ImportJob, LandType, Policy, ReliefCategory, SizeClass
from .rules.regions import region_choices
from .rules.spec import FIELDS, LIST_OPS, OP_LABELS, OPS, ORDERED_OPS

FIELD_CHOICES = [("", "—")] + [(f.name, f.label) for f in FIELDS.values()]
ALL_OPS = list(dict.fromkeys(op for ops in OPS.values() for op in ops + ORDERED_OPS))
OP_CHOICES = [(op, OP_LABELS[op]) for op in ALL_OPS]


class PolicyForm(BootstrapMixin, forms.ModelForm):
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, decimal_places=2, max_digits=14
    )

    class Meta:
        model = Policy
        fields = [
            "title",
            "organisation",
            "document_number",
            "legal_basis",
            "summary",
            "benefit_type",
            "amount_text",
            "auto_grant",
            "fee_code",
            "reduction_percent",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations_in_scope(actor).filter(kind="agency")
        if self.instance.pk and self.instance.amount_fen is not None:
            self.fields["amount"].initial = Decimal(self.instance.amount_fen) / 100

    def policy_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("organisation", "amount")}
        amount = self.cleaned_data.get("amount")
        data["amount_fen"] = int(amount * 100) if amount is not None else None
        return data


class ConditionRowForm(BootstrapMixin, forms.Form):
    negate = forms.BooleanField(label=_("非"), required=False)
    field = forms.ChoiceField(label=_("字段"), choices=FIELD_CHOICES, required=False)
    op = forms.ChoiceField(label=_("运算"), choices=OP_CHOICES, required=False)
    value = forms.CharField(label=_("值"), required=False, max_length=400)
    value2 = forms.CharField(label=_("上限"), required=False, max_length=100)

    def leaf(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("field"):
            return None
        op = data.get("op")
        raw = (data.get("value") or "").strip()
        if op == "between":
            value = [raw, (data.get("value2") or "").strip()]
        elif op in LIST_OPS:
            value = [
                v.strip()
                for v in raw.replace("，", ",").replace("、", ",").replace(";", ",").split(",")
                if v.strip()
            ]
        else:
            value = raw
        spec = FIELDS[data["field"]]
        if spec.kind == "choice":
            # Staff type what they read (微型、小型); the rule stores the codes.
            value = (
                [choice_value(spec, v) for v in value]
                if isinstance(value, list)
                else choice_value(spec, value)
            )
        node = {"field": data["field"], "op": op, "value": value}
        return {"not": node} if data.get("negate") else node


def choice_value(spec, text: str) -> str:
    for value, label in spec.choices:
        if text in (value, label, label.split("（")[0].strip(), label.split(" ")[0]):
            return value
    return text


def choice_text(spec, value) -> str:
    return dict(spec.choices).get(value, value).split("（")[0].strip()


ConditionFormSet = forms.formset_factory(ConditionRowForm, extra=0, max_num=40)


class RuleHeaderForm(BootstrapMixin, forms.Form):
    combinator = forms.ChoiceField(
        label=_("条件关系"), choices=[("all", _("同时满足全部条件")), ("any", _("满足任一条件"))]
    )
    valid_from = forms.DateField(
        label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("失效日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("修订说明"), required=False, max_length=200)


def rows_from_tree(tree: dict) -> tuple[str, list[dict]] | None:
    """A flat tree (all/any of comparisons, each possibly negated) as editor rows; None if nested."""
    if "field" in tree:
        tree = {"all": [tree]}
    if "not" in tree or len(tree) != 1:
        return None
    ((combinator, children),) = tree.items()
    rows = []
    for child in children:
        negate = "not" in child
        leaf = child["not"] if negate else child
        if "field" not in leaf:
            return None
        value = leaf["value"]
        spec = FIELDS[leaf["field"]]
        if spec.kind == "choice":
            value = (
                [choice_text(spec, v) for v in value]
                if isinstance(value, list)
                else choice_text(spec, value)
            )
        row = {
            "negate": negate,
            "field": leaf["field"],
            "op": leaf["op"],
            "value": value,
            "value2": "",
        }
        if leaf["op"] == "between":
            row["value"], row["value2"] = value
        elif isinstance(value, list):
            row["value"] = "、".join(str(v) for v in value)
        rows.append(row)
    return combinator, rows


class ProfileForm(BootstrapMixin, forms.Form):
    region_code = forms.CharField(label=_("所在行政区划"), max_length=6)
    industry_code = forms.CharField(label=_("行业代码（GB/T 4754）"), max_length=5, required=False)
    size_class = forms.ChoiceField(
        label=_("企业规模"), choices=[("", "—"), *SizeClass.choices], required=False
    )
    registered_capital = forms.CharField(label=_("注册资本（元）"), required=False)
    annual_revenue = forms.CharField(label=_("上年营业收入（元）"), required=False)
    employees = forms.IntegerField(label=_("从业人数"), required=False, min_value=0)
    founded_on = forms.DateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    credit_grade = forms.ChoiceField(
        label=_("信用等级"), choices=[("", "—"), *CreditGrade.choices], required=False
    )
    tags = forms.MultipleChoiceField(
        label=_("企业标签"), required=False, widget=forms.CheckboxSelectMultiple
    )


class ProjectForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("项目名称"), max_length=150)
    use = forms.ChoiceField(label=_("建筑用途"), choices=BuildingUse.choices)
    total_floor_area = forms.CharField(label=_("总建筑面积（m²）"))
    region_code = forms.ChoiceField(label=_("项目所在地"), choices=region_choices())
    started_on = forms.DateField(
        label=_("开工日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("CSV 或 Excel 文件"))
    mode = forms.ChoiceField(
        label=_("遇到错误行时"),
        choices=ImportJob.Mode.choices,
        widget=forms.RadioSelect,
        initial=ImportJob.Mode.ALL_OR_NOTHING,
    )


class FinderForm(BootstrapMixin, forms.Form):
    """A few questions for the public policy finder."""

    region_code = forms.ChoiceField(label=_("企业所在地"), choices=region_choices())
    industry_code = forms.CharField(
        label=_("行业代码（可选，如 G5920）"), max_length=5, required=False
    )
    size_class = forms.ChoiceField(
        label=_("企业规模"), choices=[("", _("不确定")), *SizeClass.choices], required=False
    )
    employees = forms.IntegerField(label=_("从业人数"), required=False, min_value=0)
    annual_revenue = forms.CharField(label=_("上年营业收入（元）"), required=False)
    founded_on = forms.DateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    project_use = forms.ChoiceField(
        label=_("在建项目用途"),
        choices=[("", _("无在建项目")), *BuildingUse.choices],
        required=False,
    )
    project_floor_area = forms.CharField(label=_("在建项目总建筑面积（m²）"), required=False)


class FeeForm(BootstrapMixin, forms.Form):
    region_code = forms.ChoiceField(label=_("项目所在地"), choices=region_choices())
    building_use = forms.ChoiceField(label=_("建筑用途"), choices=BuildingUse.choices)
    land_type = forms.ChoiceField(
        label=_("用地类型"),
        choices=[("", _("按建筑用途推定")), *LandType.choices],
        required=False,
        help_text=_("工业用地上的物流园区请选“工业用地”"),
    )
    category = forms.ChoiceField(
        label=_("建筑类别"), choices=[("", _("无")), *ReliefCategory.choices], required=False
    )
    total_floor_area = forms.CharField(
        label=_("地面总建筑面积（m²）"), help_text=_("最多两位小数，如 1999.99")
    )
    on = forms.DateField(label=_("计算日期"), required=False, help_text=_("按该日施行的规则计算，默认今天"))
