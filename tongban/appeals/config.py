"""Administrators' configuration of appeals: categories, routing rules and handling limits.
Forms validate; the write functions save and audit."""

from __future__ import annotations

from django import forms
from django.db import transaction
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


@transaction.atomic
def rule_save(*, actor, form: RuleForm) -> RoutingRule:
    require(actor, "appeals.configure")
    created = form.instance.pk is None
    rule = form.save()
    audit.record("appeal.rule_save", actor=actor, obj=rule,
                 changes={"created": created, **{k: str(v) for k, v in form.cleaned_data.items()}})
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: RoutingRule) -> None:
    require(actor, "appeals.configure")
    audit.record("appeal.rule_delete", actor=actor, obj=rule, changes={"name": rule.name})
    rule.delete()


@transaction.atomic
def limits_save(*, actor, form: LimitForm) -> None:
    require(actor, "appeals.configure")
    changes = {}
    for value in Kind.values:
        days, reopen = form.cleaned_data[f"days_{value}"], form.cleaned_data[f"reopen_{value}"]
        row, _created = HandlingLimit.objects.get_or_create(kind=value, defaults={"days": days, "reopen_days": reopen})
        if (row.days, row.reopen_days) != (days, reopen) or _created:
            changes[value] = [row.days, days, row.reopen_days, reopen]
            row.days, row.reopen_days = days, reopen
            row.save()
    audit.record("appeal.limits_save", actor=actor, changes=changes)
