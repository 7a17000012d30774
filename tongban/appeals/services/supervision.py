"""Supervision and housekeeping: presses, duplicates, respondents, recomputation."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import Organisation
from tongban.core import audit, supervision
from tongban.core.calendar import WorkCalendar
from tongban.core.errors import Conflict
from tongban.core.permissions import deny, has_perm

from ..models import (
    OPEN_STATUSES,
    Appeal,
    Status,
    Step,
    Transfer,
)
from ..permissions import get_appeal_for, require_handler
from ._common import _lock, _step, _tell_requester, _today, recompute, unit_staff


@transaction.atomic
def appeal_press(*, actor, appeal_id: int, note: str):
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    if not has_perm(actor, "appeals.press"):
        raise deny(actor, "appeals.press", appeal)
    if appeal.status not in OPEN_STATUSES:
        raise Conflict("诉求已答复或办结，无需督办。", code="closed")
    if not (note or "").strip():
        raise ValidationError({"note": ["请填写督办意见。"]})
    org = appeal.pending_organisation or appeal.organisation
    press = supervision.press(
        actor=actor,
        obj=appeal,
        note=note,
        warning=appeal.warning,
        notify_users=[appeal.handler, appeal.first_receiver] if appeal.handler_id else unit_staff(org),
        title=f"{appeal.number}：督办",
        url=reverse("appeals:detail", args=[appeal.pk]),
    )
    Step.objects.create(
        appeal=appeal,
        action="press",
        from_status=appeal.status,
        to_status=appeal.status,
        actor=actor,
        actor_name=actor.display_name,
        organisation=actor.organisation,
        at=timezone.now(),
        note=note.strip(),
        data={"warning": appeal.warning},
    )
    return press


@transaction.atomic
def appeal_merge(
    *, actor, appeal_id: int, into_id: int, expected_version: int | None = None
) -> Appeal:
    """Merge a duplicate into the appeal it repeats: the duplicate ends as merged, its requester
    is told the number that carries on."""
    appeal = _lock(actor, appeal_id, "merge", expected_version)
    require_handler(actor, appeal, perm="appeals.merge")
    if into_id == appeal.pk:
        raise ValidationError({"into": ["不能与自身合并。"]})
    into = get_appeal_for(actor, into_id)
    if into.status == Status.MERGED:
        raise Conflict("目标诉求本身已被合并，请合并至其主诉求。", code="merge_chain")
    appeal.merged_into = into
    appeal.closed_on = _today()
    appeal.pending_organisation = None
    appeal.transfers.filter(state=Transfer.State.PENDING).update(
        state=Transfer.State.RETURNED, return_reason="已合并至其他诉求"
    )
    _step(
        appeal,
        action="merge",
        to=Status.MERGED,
        actor=actor,
        note=f"合并至 {into.number}",
        data={"into": into.number},
    )
    transaction.on_commit(
        lambda: _tell_requester(
            appeal, "已与您的同类诉求合并办理", f"请关注诉求 {into.number} 的办理结果"
        )
    )
    return appeal


@transaction.atomic
def appeal_dismiss_duplicate(*, actor, appeal_id: int) -> Appeal:
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal, perm="appeals.merge")
    if appeal.duplicate_of_id is None:
        return appeal
    before = appeal.duplicate_of.number
    appeal.duplicate_of = None
    appeal.save(update_fields=["duplicate_of", "updated_at"])
    audit.record(
        "appeal.not_duplicate", actor=actor, obj=appeal, changes={"duplicate_of": [before, None]}
    )
    return appeal


@transaction.atomic
def appeal_set_respondent(*, actor, appeal_id: int, respondent_id: int | None) -> Appeal:
    """Record the unit complained about (hides the requester's identity from it)."""
    appeal = get_appeal_for(actor, appeal_id, for_update=True)
    require_handler(actor, appeal)
    respondent = Organisation.objects.filter(pk=respondent_id).first() if respondent_id else None
    before = appeal.respondent_id
    appeal.respondent = respondent
    appeal.save(update_fields=["respondent", "updated_at"])
    audit.record(
        "appeal.respondent",
        actor=actor,
        obj=appeal,
        changes={"respondent": [before, respondent_id]},
    )
    return appeal


def recompute_open_appeals(days: set[dt.date]) -> int:
    """Recompute the due date of every open appeal whose deadline may touch a changed day."""
    cal = WorkCalendar.default()
    today = _today()
    changed = 0
    qs = Appeal.objects.filter(status__in=OPEN_STATUSES)
    if days:
        qs = qs.filter(due_on__gte=min(days))
    for appeal in qs.iterator(chunk_size=500):
        before = appeal.due_on
        recompute(appeal, today=today, cal=cal)
        if appeal.due_on != before:
            Appeal.objects.filter(pk=appeal.pk).update(due_on=appeal.due_on, warning=appeal.warning)
            audit.record(
                "appeal.recompute", obj=appeal, changes={"due_on": [before, appeal.due_on]}
            )
            changed += 1
    return changed
