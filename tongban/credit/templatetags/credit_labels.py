"""Chinese labels for the codes a credit record's history stores as plain strings."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# RecordStep.action has no choices (history rows are never edited), so the page names them here.
ACTION_LABELS = {
    "create": _("归集入库"),
    "dispute": _("提出异议"),
    "correct": _("异议成立，更正"),
    "uphold": _("异议不成立，维持"),
    "repair_apply": _("申请信用修复"),
    "repair": _("信用修复"),
    "void": _("撤销记录"),
    "withdraw": _("撤回公示"),
    "takedown": _("公示期满撤下"),
}


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def lookup(mapping, key):
    """mapping[key], or the key itself when the mapping does not name it."""
    try:
        return mapping.get(key) or key
    except AttributeError:
        return key
