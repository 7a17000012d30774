"""Domain events: how one module reacts to another's committed actions.

A module subscribes at app start:  `events.subscribe("case.decided", on_case_decided)`.
A service publishes inside its transaction:  `events.publish("case.decided", case_id=case.pk)`.

Publishing writes one delivery row per subscriber in the publisher's transaction (an outbox), so
the deliveries commit or roll back with the action itself. After commit each delivery runs as its
own background task; a subscriber that raises is retried with back-off and, after the last
attempt, left failed where administrators see it and can retry it. The publisher never waits for
a subscriber and never sees its error: a committed decision is never turned into a 500.

Payloads are ids and plain values (JSON), never model instances: a subscriber reloads what it
needs, and must be idempotent because a delivery may run more than once.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import traceback
from collections.abc import Callable

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import EventDelivery

__all__ = ["deliver", "publish", "retry", "retry_due", "subscribe", "subscribers", "unsubscribe"]

log = logging.getLogger("tongban.events")

Status = EventDelivery.Status

MAX_ATTEMPTS = 8
# Back-off after the n-th failed attempt: 1, 2, 4 … minutes, at most six hours.
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=6)
# A delivery claimed this long ago without finishing belongs to a worker that died.
STALE_RUNNING = dt.timedelta(minutes=15)
# A pending delivery whose enqueue was lost (a crash right after commit) is picked up after this.
LOST_ENQUEUE = dt.timedelta(minutes=2)

_subscribers: dict[str, list[str]] = {}
_handlers: dict[str, Callable[..., object]] = {}


def _path(handler: Callable) -> str:
    return f"{handler.__module__}.{handler.__qualname__}"


def subscribe(name: str, handler: Callable[..., object]) -> None:
    """Register `handler(**payload)` for event `name` (idempotent: app start may run twice)."""
    path = _path(handler)
    _handlers[path] = handler
    paths = _subscribers.setdefault(name, [])
    if path not in paths:
        paths.append(path)


def unsubscribe(name: str, handler: Callable[..., object]) -> None:
    paths = _subscribers.get(name, [])
    path = _path(handler)
    if path in paths:
        paths.remove(path)


def subscribers(name: str | None = None) -> dict[str, list[str]] | list[str]:
    if name is not None:
        return list(_subscribers.get(name, []))
    return {k: list(v) for k, v in _subscribers.items()}


def publish(name: str, **payload) -> list[int]:
    """Record the event for every subscriber in the current transaction; deliver after commit."""
    paths = _subscribers.get(name, [])
    if not paths:
        return []
    rows = EventDelivery.objects.bulk_create(
        [EventDelivery(event=name, subscriber=path, payload=payload) for path in paths]
    )
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _enqueue(ids))
    return ids


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_event

    for pk in ids:
        try:
            deliver_event.enqueue(pk)
        except Exception:  # the retry sweep picks up a delivery whose enqueue failed
            log.exception("could not enqueue event delivery %s", pk)


def _resolve(path: str) -> Callable[..., object]:
    handler = _handlers.get(path)
    if handler is None:
        module, _, attr = path.rpartition(".")
        handler = getattr(importlib.import_module(module), attr)
    return handler


def _backoff(attempts: int) -> dt.timedelta:
    return min(BACKOFF_BASE * (2 ** max(0, attempts - 1)), BACKOFF_CAP)


def deliver(delivery_id: int) -> str:
    """Run one delivery if it is due; return its status afterwards. Safe to call twice: the
    claim is a conditional UPDATE, so two workers never run the same delivery at once."""
    now = timezone.now()
    claimed = (
        EventDelivery.objects.filter(pk=delivery_id)
        .filter(Q(status=Status.PENDING) | Q(status=Status.RETRY, next_attempt_at__lte=now))
        .update(status=Status.RUNNING, attempts=F("attempts") + 1, started_at=now)
    )
    if not claimed:
        return EventDelivery.objects.filter(pk=delivery_id).values_list("status", flat=True).first() or "missing"
    row = EventDelivery.objects.get(pk=delivery_id)
    try:
        handler = _resolve(row.subscriber)
        with transaction.atomic():
            handler(**row.payload)
    except Exception as exc:
        failed = row.attempts >= MAX_ATTEMPTS
        status = Status.FAILED if failed else Status.RETRY
        error = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        EventDelivery.objects.filter(pk=row.pk).update(
            status=status,
            last_error=error[:4000],
            next_attempt_at=None if failed else timezone.now() + _backoff(row.attempts),
        )
        log.exception("event %s → %s failed (attempt %d)", row.event, row.subscriber, row.attempts)
        return status
    EventDelivery.objects.filter(pk=row.pk).update(
        status=Status.DONE, delivered_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return Status.DONE


def retry_due(now: dt.datetime | None = None) -> int:
    """Sweep: enqueue deliveries whose retry time has come, whose enqueue was lost, or whose
    worker died while running them."""
    now = now or timezone.now()
    EventDelivery.objects.filter(status=Status.RUNNING, started_at__lt=now - STALE_RUNNING).update(
        status=Status.RETRY, next_attempt_at=now, last_error="投递进程中断，已重新排队"
    )
    due = list(
        EventDelivery.objects.filter(
            Q(status=Status.RETRY, next_attempt_at__lte=now)
            | Q(status=Status.PENDING, created_at__lt=now - LOST_ENQUEUE)
        ).values_list("pk", flat=True)[:5000]
    )
    _enqueue(due)
    return len(due)


def retry(*, actor, delivery_id: int) -> EventDelivery:
    """An administrator sends a failed delivery again (after fixing what made it fail)."""
    from tongban.core.permissions import require

    from . import audit

    require(actor, "core.manage_events")
    row = EventDelivery.objects.filter(pk=delivery_id).first()
    if row is None:
        from django.http import Http404

        raise Http404("没有这条事件投递记录。")
    if row.status not in (Status.FAILED, Status.RETRY):
        from .errors import Conflict

        raise Conflict("只有投递失败或等待重试的记录可以重新投递。", code="not_failed")
    EventDelivery.objects.filter(pk=row.pk).update(status=Status.RETRY, next_attempt_at=timezone.now())
    audit.record("event.retry", actor=actor, obj=row, changes={"event": row.event, "subscriber": row.subscriber})
    transaction.on_commit(lambda: _enqueue([row.pk]))
    row.refresh_from_db()
    return row
