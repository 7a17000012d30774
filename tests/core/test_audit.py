import contextlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tongban.core import audit
from tongban.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def tampering():
    """Bypass the PostgreSQL append-only trigger, as a DBA with superuser rights could."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        try:
            yield
        finally:
            with connection.cursor() as cur:
                cur.execute("SET session_replication_role = DEFAULT")
    else:
        yield


def make_chain(n=5, actor=None):
    return [
        audit.record("test.event", actor=actor, object_type="x", object_id=str(i), changes={"i": i})
        for i in range(n)
    ]


def test_intact_chain_verifies(clerk_a):
    make_chain(5, clerk_a)
    result = audit.verify()
    assert result.ok, result.message()
    assert result.checked == AuditEvent.objects.count()


def test_events_record_actor_action_object_and_changes(clerk_a):
    event = audit.record(
        "user.update", actor=clerk_a, obj=clerk_a, changes={"phone": ["1", "2"]}, ip="10.0.0.1"
    )
    event.refresh_from_db()
    assert event.actor_repr == "clerk_a"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(clerk_a.pk)
    assert event.changes == {"phone": ["1", "2"]}
    assert event.ip == "10.0.0.1"
    assert len(event.hash) == 64


def test_edited_event_is_reported_with_its_id():
    events = make_chain(6)
    target = events[2]
    with tampering():
        AuditEvent.objects.filter(pk=target.pk).update(changes={"i": 999})
    result = audit.verify()
    assert not result.ok
    assert result.event_id == target.pk
    assert "改动" in result.message()


def test_deleted_event_is_reported_at_the_next_event():
    events = make_chain(6)
    with tampering():
        AuditEvent.objects.filter(pk=events[3].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert result.event_id == events[4].pk
    assert "缺失" in result.problem


def test_inserted_event_is_reported_with_its_id():
    events = make_chain(4)
    # Make room in the sequence and forge a plausible event between the 2nd and the 3rd.
    with tampering():
        for e in reversed(events[2:]):
            AuditEvent.objects.filter(pk=e.pk).update(seq=e.seq + 1)
        forged_hash = audit.compute_hash(
            seq=events[2].seq,
            at=events[1].at,
            actor_id=None,
            actor_repr="",
            action="forged",
            object_type="",
            object_id="",
            object_repr="",
            changes={},
            ip=None,
            prev_hash=events[1].hash,
        )
        forged = AuditEvent.objects.create(
            seq=events[2].seq,
            at=events[1].at,
            action="forged",
            prev_hash=events[1].hash,
            hash=forged_hash,
        )
    result = audit.verify()
    assert not result.ok
    assert result.event_id == forged.pk
    assert "插入" in result.problem


def test_deleted_tail_is_detected_against_the_chain_head():
    events = make_chain(3)
    with tampering():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    result = audit.verify()
    assert not result.ok
    assert "链头" in result.problem


def test_verify_command_exits_non_zero_on_tampering(capsys):
    events = make_chain(3)
    call_command("audit", "verify")
    assert "审计链完整" in capsys.readouterr().out
    with tampering():
        AuditEvent.objects.filter(pk=events[1].pk).update(action="changed")
    with pytest.raises(CommandError) as exc:
        call_command("audit", "verify")
    assert f"id={events[1].pk}" in str(exc.value)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_refuses_update_and_delete_of_audit_rows():
    event = make_chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"
