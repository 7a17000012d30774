"""The only way a match record's status changes: one function for one record, one for a batch.
Each writes a `MatchTransition` row per change in the same transaction (the batch with
bulk_create), so the history is complete however the change was made."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.db import transaction
from django.utils import timezone

from .models import MatchTransition, PolicyMatch

HISTORY_BATCH = 1000


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def match_transition(
    *, match: PolicyMatch, to: str, actor=None, note: str = "", fields: Iterable[str] = (), now=None
) -> MatchTransition:
    """Move one record (locked by the caller) to `to`, saving `fields` set on it as well."""
    before = match.status
    match.status = to
    match.save(update_fields=["status", *fields])
    return MatchTransition.objects.create(
        match=match, from_status=before, to_status=to, actor=_actor(actor), at=now or timezone.now(), note=note[:200]
    )


@transaction.atomic
def matches_transition(qs, *, to: str, actor=None, note: str = "", now=None, **values) -> int:
    """Move every record of `qs` to `to` (setting `values` too); returns how many moved. The rows
    are locked first, so the history lists exactly the records changed and their old status."""
    from .matching import _chunks, _pk_in  # matching calls this module: import when used

    rows = list(qs.select_for_update().values_list("id", "status"))
    if not rows:
        return 0
    now = now or timezone.now()
    ids = np.array([pk for pk, _ in rows], dtype=np.int64)
    for chunk in _chunks(ids):
        _pk_in(PolicyMatch.objects.all(), chunk).update(status=to, **values)
    actor, note = _actor(actor), note[:200]
    MatchTransition.objects.bulk_create(
        [MatchTransition(match_id=pk, from_status=status, to_status=to, actor=actor, at=now, note=note)
         for pk, status in rows],
        batch_size=HISTORY_BATCH,
    )
    return len(rows)
