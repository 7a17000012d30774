"""What happens next on a case, in one sentence for its applicant and one for staff: the case
pages always say who is waiting for what, since when and until when (issue 14, item 7)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Case, Status
from .services._common import ACCEPTANCE_DAYS


def _d(day) -> str:
    return day.isoformat() if day else "—"


def next_step(case: Case, *, applicant: bool) -> str:
    status = case.status
    if status == Status.SUBMITTED:
        if applicant:
            return _("等待窗口受理：将于 %(due)s 前决定是否受理；逾期未告知补正的，自收到申请材料之日起即为受理"
                     "（《中华人民共和国行政许可法》第三十二条）。") % {"due": _d(case.acceptance_due)}
        return _("待窗口受理：请于 %(due)s 前受理、一次性告知补正或不予受理；逾期即视为受理"
                 "（《中华人民共和国行政许可法》第三十二条）。") % {"due": _d(case.acceptance_due)}
    if status == Status.SUPPLEMENT:
        notice = getattr(case, "supplement_notice", None)
        values = {"since": _d(notice.issued_on if notice else None),
                  "days": case.version.acceptance_limit_days or ACCEPTANCE_DAYS}
        if applicant:
            return _("请您补正材料：%(since)s 已一次性告知需补正的全部内容。受理期限在您补正前暂停，"
                     "自收到补正材料之日起重新计算 %(days)s 个工作日（《中华人民共和国行政许可法》第三十二条）。") % values
        return _("申请人补正中：自 %(since)s 一次性告知起等待申请人补正材料。受理期限暂停至收到补正材料之日，"
                 "自该日起重新计算 %(days)s 个工作日（《中华人民共和国行政许可法》第三十二条）；依法不得再次要求补正。") % values
    if status == Status.REVIEW:
        values = {"stage": _d(case.stage_due), "promised": _d(case.promised_due), "legal": _d(case.legal_due)}
        if applicant:
            return _("审查中：承诺于 %(promised)s 前办结，法定期限 %(legal)s。") % values
        return _("审查中：请于 %(stage)s 前提交审查意见；承诺办结 %(promised)s，法定期限 %(legal)s。") % values
    if status == Status.PAUSED:
        period = case.excluded_periods.filter(ended_on__isnull=True).first()
        values = {"kind": period.get_kind_display() if period else _("特别程序"),
                  "since": _d(period.started_on if period else None)}
        return _("%(kind)s自 %(since)s 起进行，期间不计入办理时限，结束后恢复计时，届满日随之顺延"
                 "（《中华人民共和国行政许可法》第四十五条）。") % values
    if status == Status.DECISION:
        if applicant:
            return _("审查已完成，待负责人签批；承诺于 %(promised)s 前办结。") % {"promised": _d(case.promised_due)}
        return _("待签批：审查意见已提交，请负责人于 %(promised)s 前作出决定。") % {"promised": _d(case.promised_due)}
    if status == Status.CONCLUDED:
        values = {"decision": case.get_decision_display(), "due": _d(case.stage_due)}
        if applicant:
            return _("已作出%(decision)s决定，将于 %(due)s 前送达。决定书、电子证照和评价入口见下方“办理结果”。") % values
        return _("已作出%(decision)s决定，待送达：请于 %(due)s 前送达（《中华人民共和国行政许可法》第四十四条）。") % values
    if status == Status.DELIVERED:
        return _("已办结并于 %(on)s 送达（%(decision)s）。") % {"on": _d(case.delivered_on),
                                                           "decision": case.get_decision_display()}
    return _("办件已结束（%(status)s）。") % {"status": case.get_status_display()}
