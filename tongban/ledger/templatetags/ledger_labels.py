"""Chinese labels for the action codes a problem's history stores as plain strings."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Transition.action has no choices (history rows are never edited), so the page names them here.
ACTION_LABELS = {
    "list": _("列入问题清单"),
    "assign": _("交办整改任务"),
    "progress": _("更新整改进展"),
    "evidence": _("提交整改佐证"),
    "escalate": _("超期升级督办"),
    "press": _("督办"),
    "closeout_submit": _("申请销号"),
    "closeout_reject": _("退回销号申请"),
    "close": _("销号"),
    "satisfied": _("企业评价：满意"),
    "unsatisfied": _("企业评价：不满意，重新整改"),
    "recheck_pass": _("回头看复查通过"),
    "recheck_fail": _("回头看复查不合格，重新整改"),
    "milestone_add": _("安排整改节点"),
    "milestone_done": _("报告节点完成"),
}


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def percent(ratio) -> str:
    """A ratio kept as a decimal (0.6) as people read it: 60%."""
    try:
        return f"{float(ratio) * 100:g}%"
    except (TypeError, ValueError):
        return "—"
