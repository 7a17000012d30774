"""Chinese labels for the codes an inspection's history and risk strata store as plain strings."""

from django import template
from django.utils.translation import gettext_lazy as _

from tongban.core.standing import RISK_CLASSES

from ..models import DrawStatus, Status

register = template.Library()

# Transition.action has no choices (history rows are never edited), so the page names them here.
ACTION_LABELS = {
    "commit": _("公布承诺值"),
    "enter": _("录入公开号码"),
    "confirm": _("复核号码并抽取"),
    "void": _("作废抽取"),
    "approve": _("批准检查"),
    "notice": _("出具检查通知书"),
    "renotice": _("重新出具检查通知书"),
    "record": _("录入检查记录"),
    "publish": _("公示结果"),
    "cancel": _("取消检查"),
}
STATUS_LABELS = {**dict(DrawStatus.choices), **dict(Status.choices)}
RISK_LABELS = {**dict(RISK_CLASSES), "unrated": _("风险未定")}  # "unrated": drawn without a directory class


@register.filter
def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


@register.filter
def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, code)


@register.filter
def risk_label(code: str) -> str:
    """A stratum as drawn ("high", "" for unknown) in words: 高风险 / 风险未定."""
    return RISK_LABELS.get(code, code) if code else _("风险未定")
