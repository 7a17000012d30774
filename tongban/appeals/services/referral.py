"""The party complained about (被反映对象) and the referral of a complaint to enforcement
(移送执法).

Appeals sits below enforcement: it never imports it. The referral is recorded here (a step on
the appeal's history, the audit event) and published as `appeal.referred(appeal_id)`; enforcement
subscribes and builds its case from `selectors.referral_summary(appeal_id)`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from tongban.core import audit, events
from tongban.core.errors import Conflict
from tongban.core.permissions import has_perm
from tongban.core.validators import validate_uscc

from ..models import Appeal, Kind, Status, SubjectKind
from ..permissions import acts_for, get_appeal_for, require_handler
from ._common import _step, _tell_requester, _today

REFERRED = "appeal.referred"

# A complaint is referred while its unit holds it: not while a transfer is pending (another unit
# may take it over), nor once answered, closed or merged (the answer would not mention it).
REFERABLE = [Status.RECEIVED, Status.HANDLING]

SUBJECT_FIELDS = ("subject_kind", "subject_name", "subject_uscc", "subject_address")


def clean_subject(data: Mapping, errors: dict) -> dict:
    """The structured 被反映对象 from a form or the API; all optional, but coherent when given.
    An enterprise is identified by a valid 统一社会信用代码 (GB 32100); a person by name only
    (no ID number is asked of the complainant)."""
    kind = str(data.get("subject_kind") or "").strip()
    name = str(data.get("subject_name") or "").strip()[:100]
    uscc = str(data.get("subject_uscc") or "").strip().upper().replace(" ", "")
    address = str(data.get("subject_address") or "").strip()[:200]
    if kind not in SubjectKind.values:
        errors["subject_kind"] = ["被反映对象类型应为单位或个人。"]
        return {}
    if not kind:
        if name or uscc:
            errors["subject_kind"] = ["请选择被反映对象是单位还是个人。"]
        return {"subject_kind": "", "subject_name": "", "subject_uscc": "", "subject_address": ""}
    if not name:
        errors["subject_name"] = ["请填写被反映对象的名称或姓名。"]
    if kind == SubjectKind.ENTERPRISE and uscc:
        try:
            uscc = validate_uscc(uscc)
        except ValidationError as exc:
            errors["subject_uscc"] = list(exc.messages)
    if kind == SubjectKind.PERSON:
        uscc = ""  # a person is never identified by a code here
    return {"subject_kind": kind, "subject_name": name, "subject_uscc": uscc, "subject_address": address}


def may_edit_subject(actor, appeal: Appeal) -> bool:
    return (appeal.referred_on is None and appeal.status in REFERABLE
            and has_perm(actor, "appeals.handle") and acts_for(actor, appeal.organisation))


@transaction.atomic
def appeal_set_subject(*, actor, appeal_id: int, data: Mapping) -> Appeal:
    """The handler records or corrects the 被反映对象 before the referral; after it the party
    belongs to the enforcement case."""
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal)
    if appeal.referred_on is not None:
        raise Conflict("该诉求已移送执法，被反映对象以执法案件为准，不能在此修改。", code="referred")
    if appeal.status not in REFERABLE:
        raise Conflict(f"诉求当前状态为“{appeal.get_status_display()}”，不能修改被反映对象。",
                       code="illegal_transition")
    errors: dict = {}
    subject = clean_subject(data, errors)
    if errors:
        raise ValidationError(errors)
    before = {f: getattr(appeal, f) for f in SUBJECT_FIELDS}
    for field, value in subject.items():
        setattr(appeal, field, value)
    appeal.save(update_fields=[*SUBJECT_FIELDS, "updated_at"])
    audit.record("appeal.subject", actor=actor, obj=appeal,
                 changes={f: [before[f], subject[f]] for f in SUBJECT_FIELDS if before[f] != subject[f]})
    return appeal


def refusal_for(appeal: Appeal) -> str | None:
    """Why this appeal cannot be referred now (None when it can)."""
    if appeal.referred_on is not None:
        return f"诉求 {appeal.number} 已于 {appeal.referred_on:%Y-%m-%d} 移送执法，不能重复移送。"
    if appeal.kind != Kind.COMPLAINT:
        return "只有投诉举报类诉求可以移送执法立案查处。"
    if appeal.status not in REFERABLE:
        return (f"诉求当前状态为“{appeal.get_status_display()}”，不能移送执法：须在承办单位受理后、"
                "答复前移送（转办中的诉求待接收单位确定后再移送）。")
    if not appeal.subject_kind or not appeal.subject_name:
        return "请先填写被反映对象（单位名称及统一社会信用代码，或个人姓名），执法案件以其为当事人。"
    if appeal.subject_kind == SubjectKind.ENTERPRISE and not appeal.subject_uscc:
        return "被反映对象为单位的，请先填写其统一社会信用代码。"
    return None


@transaction.atomic
def appeal_refer_to_enforcement(*, actor, appeal: Appeal | int, reason: str, subject: Mapping | None = None,
                                expected_version: int | None = None) -> Appeal:
    """移送执法: staff of the responsible unit holding `appeals.refer` hand a complaint to the
    enforcement unit for investigation (《行政处罚法》第五十四条: 符合立案标准的，应当及时立案).
    The appeal stays with its unit, which still answers the complainant; the complainant sees
    that it was referred, never the case itself. `subject` (the 被反映对象 fields) records or
    corrects the party in the same act, as the referrer establishes it."""
    appeal_id = appeal.pk if isinstance(appeal, Appeal) else int(appeal)
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal, perm="appeals.refer")
    if subject is not None and appeal.referred_on is None and any(subject.get(f) for f in SUBJECT_FIELDS):
        errors: dict = {}
        cleaned = clean_subject(subject, errors)
        if errors:
            raise ValidationError(errors)
        for field, value in cleaned.items():
            setattr(appeal, field, value)
    problem = refusal_for(appeal)
    if problem:
        raise Conflict(problem, code="referred" if appeal.referred_on else "not_referable")
    if expected_version is not None and expected_version != appeal.row_version:
        raise Conflict("该诉求已被他人处理，请刷新页面查看最新状态后再操作。", code="stale")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["请写明移送执法的理由（涉嫌违法的事实）。"]})
    appeal.referred_on = _today()
    if appeal.handler_id is None:
        appeal.handler = actor
    _step(appeal, action="refer", to=appeal.status, actor=actor, note=reason[:2000],
          data={"referred_on": appeal.referred_on.isoformat(),
                "subject": {f: getattr(appeal, f) for f in ("subject_kind", "subject_name", "subject_uscc")}})
    events.publish(REFERRED, appeal_id=appeal.pk)
    transaction.on_commit(lambda: _tell_requester(appeal, "已移送执法", "您反映的问题已移送执法部门依法调查处理。"))
    return appeal


__all__ = [
    "REFERABLE",
    "REFERRED",
    "SUBJECT_FIELDS",
    "appeal_refer_to_enforcement",
    "appeal_set_subject",
    "clean_subject",
    "may_edit_subject",
    "refusal_for",
]
