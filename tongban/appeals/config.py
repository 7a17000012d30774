"""Administrators' configuration of appeals: categories, routing rules and handling limits.
Forms validate the page's input; the write functions take plain values, check them, save and
audit, so the API or a script can call them without a form."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import Organisation
from tongban.core import audit
from tongban.core.permissions import require

from .models import Category, HandlingLimit, Kind, RoutingRule


class RuleForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(label=_("适用类型"), choices=Kind.choices, required=False,
                                      widget=forms.CheckboxSelectMultiple, help_text=_("不选为全部类型"))

    class Meta:
        model = RoutingRule
        fields = ["name", "priority", "kinds", "keywords", "division_prefix", "category", "organisation", "is_active"]
        widgets = {"keywords": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["kinds"] = self.instance.kind_list()
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).order_by("path")
        self.fields["category"].queryset = Category.objects.filter(is_active=True)
        for name, field in self.fields.items():
            if name not in ("kinds", "is_active"):
                field.widget.attrs.setdefault("class", "form-control" if name not in ("category", "organisation") else "form-select")
        self.fields["is_active"].widget.attrs["class"] = "form-check-input"

    def clean_division_prefix(self):
        value = self.cleaned_data["division_prefix"].strip()
        if value and not value.isdigit():
            raise forms.ValidationError(_("区划代码前缀应为数字。"))
        return value

    def clean_kinds(self):
        return ",".join(self.cleaned_data["kinds"])


class LimitForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .routing import DEFAULT_LIMITS, DEFAULT_REOPEN_DAYS

        rows = {r.kind: r for r in HandlingLimit.objects.all()}
        for value, label in Kind.choices:
            row = rows.get(value)
            self.fields[f"days_{value}"] = forms.IntegerField(
                label=label, min_value=1, max_value=60, initial=row.days if row else DEFAULT_LIMITS[value],
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
            self.fields[f"reopen_{value}"] = forms.IntegerField(
                label=_("重办"), min_value=1, max_value=60, initial=row.reopen_days if row else DEFAULT_REOPEN_DAYS,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))

    def rows(self):
        return [(label, self[f"days_{value}"], self[f"reopen_{value}"]) for value, label in Kind.choices]

    def limits(self) -> dict[str, tuple[int, int]]:
        """The validated values, as `limits_save` takes them."""
        return {value: (self.cleaned_data[f"days_{value}"], self.cleaned_data[f"reopen_{value}"]) for value in Kind.values}


RULE_FIELDS = ["name", "priority", "kinds", "keywords", "division_prefix", "category", "organisation", "is_active"]


@transaction.atomic
def rule_save(
    *,
    actor,
    rule_id: int | None = None,
    name: str,
    organisation: Organisation,
    priority: int = 100,
    kinds: str = "",
    keywords: str = "",
    division_prefix: str = "",
    category: Category | None = None,
    is_active: bool = True,
) -> RoutingRule:
    """Create a routing rule (no `rule_id`) or change one, from plain values."""
    require(actor, "appeals.configure")
    values = {
        "name": name.strip(), "priority": priority, "kinds": kinds, "keywords": keywords,
        "division_prefix": division_prefix.strip(), "category": category, "organisation": organisation,
        "is_active": is_active,
    }
    if not values["name"]:
        raise ValidationError({"name": [gettext("请填写规则名称。")]})
    if values["division_prefix"] and not values["division_prefix"].isdigit():
        raise ValidationError({"division_prefix": [gettext("区划代码前缀应为数字。")]})
    unknown = set(filter(None, kinds.split(","))) - set(Kind.values)
    if unknown:
        raise ValidationError({"kinds": [gettext("不认识的诉求类型：%(k)s") % {"k": "、".join(sorted(unknown))}]})
    rule = RoutingRule.objects.select_for_update().get(pk=rule_id) if rule_id else RoutingRule()
    for field, value in values.items():
        setattr(rule, field, value)
    rule.save()
    audit.record("appeal.rule_save", actor=actor, obj=rule,
                 changes={"created": rule_id is None, **{k: str(v) for k, v in values.items()}})
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: RoutingRule) -> None:
    require(actor, "appeals.configure")
    audit.record("appeal.rule_delete", actor=actor, obj=rule, changes={"name": rule.name})
    rule.delete()


@transaction.atomic
def limits_save(*, actor, limits: Mapping[str, tuple[int, int]]) -> None:
    """Set each kind's handling and re-handling limits: `limits` maps a kind to (days, reopen days)."""
    require(actor, "appeals.configure")
    for value, (days, reopen) in limits.items():
        if value not in Kind.values:
            raise ValidationError(gettext("不认识的诉求类型：%(k)s") % {"k": value})
        if not (1 <= int(days) <= 60 and 1 <= int(reopen) <= 60):
            raise ValidationError(gettext("时限应为 1 至 60 个工作日。"))
    changes = {}
    for value, (days, reopen) in limits.items():
        row, _created = HandlingLimit.objects.get_or_create(kind=value, defaults={"days": days, "reopen_days": reopen})
        if (row.days, row.reopen_days) != (days, reopen) or _created:
            changes[value] = [row.days, days, row.reopen_days, reopen]
            row.days, row.reopen_days = days, reopen
            row.save()
    audit.record("appeal.limits_save", actor=actor, changes=changes)
