"""Handling: accept, transfer and return, reply, callback, reopen."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.core import events
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm

from .. import routing
from ..models import (
    Appeal,
    Callback,
    Reply,
    Satisfaction,
    Status,
    Transfer,
)
from ..permissions import acts_for, get_appeal_by_code, require_handler
from ._common import (
    MAX_CONTENT,
    _actor_or_none,
    _check,
    _lock,
    _step,
    _tell_requester,
    _tell_staff,
    _today,
    unit_staff,
)


@transaction.atomic
def appeal_accept(
    *, actor, appeal_id: int, note: str = "", expected_version: int | None = None
) -> Appeal:
    """首问受理: the receiving unit confirms; the actor becomes the first receiver."""
    appeal = _lock(actor, appeal_id, "accept", expected_version)
    require_handler(actor, appeal)
    if appeal.first_receiver_id is None:
        appeal.first_receiver, appeal.first_organisation = actor, appeal.organisation
    appeal.handler = actor
    _step(appeal, action="accept", to=Status.HANDLING, actor=actor, note=note)
    return appeal


@transaction.atomic
def appeal_transfer(
    *,
    actor,
    appeal_id: int,
    to_organisation_id: int,
    reason: str,
    expected_version: int | None = None,
) -> Transfer:
    """转办 to another unit, with a reason. The transferring unit stays responsible until the
    other unit accepts it (首问负责制)."""
    appeal = _lock(actor, appeal_id, "transfer", expected_version)
    require_handler(actor, appeal)
    target = Organisation.objects.filter(pk=to_organisation_id, is_active=True).first()
    if target is None:
        raise ValidationError({"to_organisation": ["请选择接收转办的单位。"]})
    if target.agency().pk == appeal.organisation.agency().pk:
        raise ValidationError({"to_organisation": ["不能转办给本单位，请选择其他单位。"]})
    if not reason.strip():
        raise ValidationError({"reason": ["请写明转办理由。"]})
    if appeal.first_receiver_id is None:
        appeal.first_receiver, appeal.first_organisation = actor, appeal.organisation
    appeal.handler = appeal.handler or actor
    transfer = Transfer.objects.create(
        appeal=appeal,
        from_organisation=appeal.organisation,
        to_organisation=target,
        reason=reason.strip(),
        created_by=actor,
    )
    appeal.pending_organisation = target
    _step(
        appeal,
        action="transfer",
        to=Status.TRANSFERRING,
        actor=actor,
        note=reason.strip(),
        data={"to": target.name},
    )
    staff = unit_staff(target)
    transaction.on_commit(
        lambda: _tell_staff(
            staff, appeal, "转办待接收", f"来自 {appeal.organisation.name}：{reason}"
        )
    )
    return transfer


def _pending_transfer(appeal: Appeal) -> Transfer:
    return appeal.transfers.select_for_update().get(state=Transfer.State.PENDING)


@transaction.atomic
def appeal_accept_transfer(
    *, actor, appeal_id: int, note: str = "", expected_version: int | None = None
) -> Appeal:
    appeal = _lock(actor, appeal_id, "accept_transfer", expected_version)
    require_handler(actor, appeal, organisation=appeal.pending_organisation)
    transfer = _pending_transfer(appeal)
    transfer.state, transfer.decided_by, transfer.decided_at = (
        Transfer.State.ACCEPTED,
        actor,
        timezone.now(),
    )
    transfer.save(update_fields=["state", "decided_by", "decided_at"])
    previous = appeal.organisation
    appeal.organisation, appeal.pending_organisation, appeal.handler = (
        transfer.to_organisation,
        None,
        actor,
    )
    _step(
        appeal,
        action="accept_transfer",
        to=Status.HANDLING,
        actor=actor,
        note=note,
        data={"from": previous.name},
    )
    tell = [transfer.created_by, appeal.first_receiver]
    transaction.on_commit(
        lambda: _tell_staff(tell, appeal, f"{appeal.organisation.name} 已接收转办")
    )
    return appeal


@transaction.atomic
def appeal_return(
    *, actor, appeal_id: int, reason: str, expected_version: int | None = None
) -> Appeal:
    """A unit that is not competent returns the transfer, with a reason (never silently); the
    transferring unit, still responsible, handles it or transfers it elsewhere."""
    appeal = _lock(actor, appeal_id, "return", expected_version)
    require_handler(actor, appeal, organisation=appeal.pending_organisation)
    if not reason.strip():
        raise ValidationError({"reason": ["退回须写明理由（例如不属于本单位职责及依据）。"]})
    transfer = _pending_transfer(appeal)
    transfer.state, transfer.decided_by, transfer.decided_at = (
        Transfer.State.RETURNED,
        actor,
        timezone.now(),
    )
    transfer.return_reason = reason.strip()
    transfer.save(update_fields=["state", "decided_by", "decided_at", "return_reason"])
    appeal.pending_organisation = None
    _step(
        appeal,
        action="return",
        to=Status.HANDLING,
        actor=actor,
        note=reason.strip(),
        data={"returned_by": transfer.to_organisation.name},
    )
    tell = [transfer.created_by, appeal.first_receiver, appeal.handler]
    transaction.on_commit(
        lambda: _tell_staff(
            tell, appeal, f"{transfer.to_organisation.name} 退回转办", reason, level="warning"
        )
    )
    return appeal


@transaction.atomic
def appeal_reply(*, actor, appeal_id: int, body: str, expected_version: int | None = None) -> Reply:
    appeal = _lock(actor, appeal_id, "reply", expected_version)
    require_handler(actor, appeal)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ["请填写答复内容。"]})
    if len(body) > MAX_CONTENT:
        raise ValidationError({"body": [f"答复内容不超过 {MAX_CONTENT} 字。"]})
    reply = Reply.objects.create(
        appeal=appeal,
        round=appeal.reopen_count + 1,
        body=body,
        organisation=appeal.organisation,
        replied_by=actor,
        replied_at=timezone.now(),
    )
    appeal.replied_on = _today()
    appeal.handler = appeal.handler or actor
    _step(appeal, action="reply", to=Status.REPLIED, actor=actor, note=body)
    transaction.on_commit(lambda: _tell_requester(appeal, "已答复", body[:120]))
    events.publish("appeal.replied", appeal_id=appeal.pk)
    return reply


def _callback(appeal: Appeal, *, actor, satisfaction: str, note: str, method: str) -> Callback:
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": ["请选择回访结果。"]})
    row = Callback.objects.create(
        appeal=appeal,
        round=appeal.reopen_count + 1,
        satisfaction=satisfaction,
        method=method,
        note=(note or "").strip(),
        recorded_by=_actor_or_none(actor),
        recorded_at=timezone.now(),
    )
    appeal.satisfaction = satisfaction
    appeal.closed_on = _today()
    _step(
        appeal,
        action="callback",
        to=Status.CLOSED,
        actor=actor,
        note=note or "",
        data={"satisfaction": satisfaction, "method": method},
        organisation=appeal.organisation if not _actor_or_none(actor) else None,
    )
    if satisfaction == Satisfaction.UNSATISFIED and appeal.reopen_count == 0:
        transaction.on_commit(
            lambda: _tell_requester(
                appeal, "回访记录为不满意", "如需重新办理，可在诉求页面申请重办一次。"
            )
        )
    return row


@transaction.atomic
def appeal_callback(
    *,
    actor,
    appeal_id: int,
    satisfaction: str,
    note: str = "",
    method: str = Callback.Method.PHONE,
    expected_version: int | None = None,
) -> Callback:
    """回访 by staff of the responsible unit or of the first-receiving unit, or online by the
    requester. Records satisfaction and closes the appeal."""
    appeal = _lock(actor, appeal_id, "callback", expected_version)
    if appeal.requester_id and appeal.requester_id == getattr(actor, "pk", None):
        method = Callback.Method.ONLINE
    elif not (
        has_perm(actor, "appeals.callback")
        and (
            acts_for(actor, appeal.organisation)
            or acts_for(actor, appeal.first_organisation)
            or has_perm(actor, "appeals.supervise")
        )
    ):
        raise deny(actor, "appeals.callback", appeal)
    if method not in Callback.Method.values:
        raise ValidationError({"method": ["回访方式不正确。"]})
    return _callback(appeal, actor=actor, satisfaction=satisfaction, note=note, method=method)


@transaction.atomic
def appeal_callback_by_code(
    *, number: str, code: str, satisfaction: str, note: str = ""
) -> Callback:
    """The anonymous requester rates the answer with the number and query code."""
    appeal = _check(get_appeal_by_code(number, code, for_update=True), "callback", None)
    return _callback(
        appeal, actor=None, satisfaction=satisfaction, note=note, method=Callback.Method.ONLINE
    )


def _reopen(appeal: Appeal, *, actor, reason: str) -> Appeal:
    if appeal.satisfaction != Satisfaction.UNSATISFIED:
        raise Conflict("只有回访不满意的诉求可以申请重新办理。", code="reopen_not_unsatisfied")
    if appeal.reopen_count >= 1:
        raise Conflict(
            "该诉求已重新办理过一次，不能再次重办；如仍有异议，可向上级机关反映。",
            code="reopen_once",
        )
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请说明不满意的原因和诉求。"]})
    today = _today()
    appeal.reopen_count += 1
    appeal.clock_from = today
    appeal.limit_days = routing.limit_days(appeal.kind, reopen=True)
    appeal.closed_on = None
    appeal.satisfaction = ""
    _step(
        appeal,
        action="reopen",
        to=Status.HANDLING,
        actor=actor,
        note=reason.strip(),
        organisation=appeal.organisation if not _actor_or_none(actor) else None,
    )
    staff = (
        [appeal.handler, appeal.first_receiver]
        if appeal.handler_id
        else unit_staff(appeal.organisation)
    )
    transaction.on_commit(
        lambda: _tell_staff(staff, appeal, "诉求人不满意，申请重新办理", reason, level="warning")
    )
    return appeal


@transaction.atomic
def appeal_reopen(
    *, actor, appeal_id: int, reason: str, expected_version: int | None = None
) -> Appeal:
    appeal = _lock(actor, appeal_id, "reopen", expected_version)
    if appeal.requester_id != getattr(actor, "pk", None):
        raise deny(actor, "appeals.reopen", appeal)
    return _reopen(appeal, actor=actor, reason=reason)


@transaction.atomic
def appeal_reopen_by_code(*, number: str, code: str, reason: str) -> Appeal:
    appeal = _check(get_appeal_by_code(number, code, for_update=True), "reopen", None)
    return _reopen(appeal, actor=None, reason=reason)


# --- supervision and duplicates -------------------------------------------------------------------
