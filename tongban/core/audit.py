"""Append-only, hash-chained audit trail.

Every service writes one event per change through `record()`, inside its own transaction. The
hash of an event covers its content and the previous event's hash (SHA-256 over canonical
JSON), so `verify()` finds the first event that was altered, deleted or inserted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent
from .request_context import client_ip

GENESIS_HASH = "0" * 64


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def compute_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_repr: str,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict,
    ip: str | None,
    prev_hash: str,
) -> str:
    payload = {
        "seq": seq,
        # Normalised to UTC microseconds so both databases round-trip the same text.
        "at": at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor_id": actor_id,
        "actor_repr": actor_repr,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "changes": changes,
        "ip": ip,
        "prev_hash": prev_hash,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, list]:
    """{field: [before, after]} for the fields whose value changed."""
    out = {}
    for name in fields:
        after = getattr(instance, name)
        if before.get(name) != after:
            out[name] = [_jsonable(before.get(name)), _jsonable(after)]
    return out


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {name: getattr(instance, name) for name in fields}


def record(
    action: str,
    *,
    actor=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: dict | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one event. Runs in the caller's transaction (or its own) and locks the chain head,
    so concurrent writers append one after another."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    actor_repr = str(actor.get_username()) if actor_id else ""
    changes = _jsonable(changes or {})
    ip = ip if ip is not None else client_ip()
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None:
            AuditChainHead.objects.get_or_create(pk=1, defaults={"seq": 0, "hash": GENESIS_HASH})
            head = AuditChainHead.objects.select_for_update().get(pk=1)
        at = timezone.now()
        seq = head.seq + 1
        digest = compute_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_repr=actor_repr,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            changes=changes,
            ip=ip,
            prev_hash=head.hash,
        )
        event = AuditEvent.objects.create(
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_repr=actor_repr,
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:200],
            changes=changes,
            ip=ip,
            prev_hash=head.hash,
            hash=digest,
        )
        head.seq = seq
        head.hash = digest
        head.save(update_fields=["seq", "hash"])
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    problem: str = ""
    event_id: int | None = None
    seq: int | None = None

    def message(self) -> str:
        if self.ok:
            return f"审计链完整：已校验 {self.checked} 条事件。"
        return f"审计链被破坏：{self.problem}（事件 id={self.event_id}，序号={self.seq}）"


def verify(batch_size: int = 5000) -> VerifyResult:
    """Walk the chain in order and report the first event that does not fit."""
    expected_prev = GENESIS_HASH
    before_prev = None  # hash two events back: tells an inserted event from an altered one
    expected_seq = 1
    checked = 0
    last: AuditEvent | None = None
    qs = AuditEvent.objects.order_by("seq")
    for event in qs.iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                problem = f"序号 {expected_seq} 至 {event.seq - 1} 的事件缺失（被删除）"
            else:
                problem = "序号重复或乱序（疑似插入）"
            return VerifyResult(False, checked, problem, event.pk, event.seq)
        if event.prev_hash != expected_prev:
            if last is not None and event.prev_hash == before_prev:
                return VerifyResult(False, checked - 1, "插入了不属于原链的事件", last.pk, last.seq)
            return VerifyResult(
                False,
                checked,
                "前一哈希不符：此事件之前的事件被删除、插入或改动",
                event.pk,
                event.seq,
            )
        digest = compute_hash(
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_repr=event.actor_repr,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            object_repr=event.object_repr,
            changes=event.changes,
            ip=event.ip,
            prev_hash=event.prev_hash,
        )
        if digest != event.hash:
            return VerifyResult(False, checked, "内容被改动：哈希不符", event.pk, event.seq)
        before_prev, expected_prev = expected_prev, event.hash
        expected_seq += 1
        checked += 1
        last = event
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or head.hash != expected_prev):
        return VerifyResult(
            False,
            checked,
            f"链尾与链头不符：链头记录到序号 {head.seq}，实际最后为 {expected_seq - 1}（末尾事件被删除或追加）",
            last.pk if last else None,
            last.seq if last else None,
        )
    return VerifyResult(True, checked)
