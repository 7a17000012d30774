"""Chinese labels for the action codes a project's history stores as plain strings."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# Transition.action has no choices (history rows are never edited), so the page names them here.
ACTION_LABELS = {
    "create": _("创建项目"),
    "registration_submit": _("提交质量监督报监"),
    "registration_accept": _("受理报监并登记"),
    "registration_return": _("退回报监材料"),
    "visit_record": _("记录监督检查"),
    "rectification_close": _("复查并关闭整改通知"),
    "building_request": _("申请单体竣工验收备案"),
    "building_accept": _("出具单体竣工验收备案意见"),
    "fee_assess": _("核定易地建设费"),
    "fee_settle": _("易地建设费结清"),
    "project_verify": _("出具竣工验收核实文件"),
}


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)
