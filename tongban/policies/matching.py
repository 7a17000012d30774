"""Batch matching: every published policy (the version in force on the day) against profiles,
persisted as match records. Only what changed is written:

- eligible and no record             → a new record (status new)
- eligible and the record had expired → back to new
- no longer eligible and still open  → expired
- claimed and granted records are history and are never touched.

Every status change goes through `transitions.matches_transition`, which writes a history row
per record changed.

Three entry points: a full run, a run over profiles changed since they were last judged (their
`match_dirty` flag), and a run of one policy after its rule changed. Records are written with
PostgreSQL COPY when available (a million-row first run in seconds), bulk_create otherwise.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from tongban.core import audit, timeutil

from .columns import load_columns, tag_bits
from .models import (
    OPEN_MATCH,
    EnterpriseProfile,
    MatchRun,
    MatchStatus,
    Policy,
    PolicyMatch,
    PolicyVersion,
)
from .rules.vector import Columns, Evaluator
from .transitions import matches_transition

WRITE_CHUNK = 5_000
NOT_IN_FORCE = "政策已停止执行或不在有效期内"
PROFILE_CHUNK = 20_000  # stays under SQLite's bound-parameter limit (one array on PostgreSQL)


@dataclass
class Rule:
    policy_id: int
    version_number: int
    tree: dict


def rules_in_force(on: dt.date, policy_ids: list[int] | None = None) -> list[Rule]:
    qs = (
        PolicyVersion.objects.filter(policy__status=Policy.Status.PUBLISHED, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("policy_id", "-number")
    )
    if policy_ids is not None:
        qs = qs.filter(policy_id__in=policy_ids)
    seen: dict[int, Rule] = {}
    for policy_id, number, tree in qs.values_list("policy_id", "number", "condition"):
        seen.setdefault(policy_id, Rule(policy_id, number, tree))
    return list(seen.values())


def evaluate(
    rules: list[Rule], cols: Columns, on: dt.date, bits: dict[str, int] | None = None
) -> dict[int, np.ndarray]:
    """policy id → sorted enterprise ids eligible on `on`."""
    ev = Evaluator(cols, on, tag_bits() if bits is None else bits)
    return {r.policy_id: cols.ids[ev.evaluate(r.tree)] for r in rules}


@dataclass
class Changes:
    created: int = 0
    reopened: int = 0
    expired: int = 0


def _diff_and_write(
    rule_by_policy: dict[int, Rule], eligible: dict[int, np.ndarray], existing: dict, now, actor=None
) -> Changes:
    """`existing`: policy id → (enterprise ids, states 0=open 1=expired 2=closed, match ids), sorted
    by enterprise id."""
    changes = Changes()
    to_create: list[tuple[int, np.ndarray]] = []
    expire: list[np.ndarray] = []
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64))
    for policy_id, ids in eligible.items():
        have_ids, have_state, match_ids = existing.get(policy_id, empty)
        fresh = ids[~np.isin(ids, have_ids, assume_unique=True)]
        if len(fresh):
            to_create.append((policy_id, fresh))
        is_eligible = np.isin(have_ids, ids, assume_unique=True)
        expire.append(match_ids[~is_eligible & (have_state == 0)])
        reopen = match_ids[is_eligible & (have_state == 1)]
        version = rule_by_policy[policy_id].version_number
        for chunk in _chunks(reopen):
            changes.reopened += matches_transition(
                _pk_in(PolicyMatch.objects.filter(status=MatchStatus.EXPIRED), chunk),
                to=MatchStatus.NEW,
                actor=actor,
                note=f"重新符合适用条件（第 {version} 版）",
                now=now,
                matched_at=now,
                expired_at=None,
                notified_at=None,
                reminded_at=None,
                version_number=version,
            )
    for chunk in _chunks(np.concatenate(expire) if expire else np.zeros(0, np.int64)):
        changes.expired += matches_transition(
            _pk_in(PolicyMatch.objects.filter(status__in=OPEN_MATCH), chunk),
            to=MatchStatus.EXPIRED,
            actor=actor,
            note="不再符合适用条件",
            now=now,
            expired_at=now,
        )
    changes.created = _create(to_create, rule_by_policy, now)
    return changes


def _chunk_size() -> int:
    # PostgreSQL takes one array parameter; SQLite has a bound-parameter limit.
    return 200_000 if connection.vendor == "postgresql" else WRITE_CHUNK


def _chunks(arr: np.ndarray):
    size = _chunk_size()
    for start in range(0, len(arr), size):
        yield arr[start : start + size].tolist()


def _pk_in(qs, ids: list[int], column: str = "id"):
    """qs restricted to rows whose `column` is in `ids`: one array parameter on PostgreSQL
    (`= ANY(%s)`) instead of thousands of placeholders."""
    if connection.vendor == "postgresql":
        table = qs.model._meta.db_table
        return qs.extra(where=[f'"{table}"."{column}" = ANY(%s)'], params=[ids])  # noqa: S610 - fixed identifiers
    return qs.filter(**{f"{column}__in": ids})


def _create(batches: list[tuple[int, np.ndarray]], rules: dict[int, Rule], now) -> int:
    total = sum(len(ids) for _, ids in batches)
    if not total:
        return 0
    if connection.vendor == "postgresql":
        table = PolicyMatch._meta.db_table
        stamp = now.isoformat()
        with connection.cursor() as cursor:
            bulk = total >= getattr(settings, "TONGBAN_POLICY_BULK_ROWS", BULK_ROWS)
            if bulk:
                saved = _drop_secondary(cursor, table)
            copy_sql = f"COPY {table} (policy_id, enterprise_id, version_number, status, matched_at) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for policy_id, ids in batches:
                    prefix = f"{policy_id}\t"
                    suffix = f"\t{rules[policy_id].version_number}\tnew\t{stamp}\n"
                    buf = io.StringIO()
                    buf.write(prefix + (suffix + prefix).join(map(str, ids.tolist())) + suffix)
                    copy.write(buf.getvalue())
            if bulk:
                _restore_secondary(cursor, table, saved)
        return total
    for policy_id, ids in batches:
        version = rules[policy_id].version_number
        for chunk in _chunks(ids):
            PolicyMatch.objects.bulk_create(
                [
                    PolicyMatch(
                        policy_id=policy_id, enterprise_id=e, version_number=version, matched_at=now
                    )
                    for e in chunk
                ],
                batch_size=1000,
            )
    return total


BULK_ROWS = 200_000


def _drop_secondary(cursor, table: str) -> tuple[list, list]:
    """Before writing hundreds of thousands of records: drop the table's indexes (other than its
    primary key) and its foreign-key and unique constraints, exactly as the catalog defines
    them. Checking two foreign keys row by row and maintaining four indexes cost more than
    building them once afterwards. All in the run's transaction: on any failure the table is
    back as it was, and a duplicate or a dangling key makes the restore fail, so nothing invalid
    is ever committed."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks may be pending for DDL
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype DESC",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return constraints, indexes


def _restore_secondary(cursor, table: str, saved: tuple[list, list]) -> None:
    constraints, indexes = saved
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    # Unique constraints first (contype 'u' sorts after 'f', hence DESC above): FKs don't need them.
    for name, definition in constraints:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    for _name, definition in indexes:
        cursor.execute(definition)
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


STATE = {
    MatchStatus.NEW: 0,
    MatchStatus.NOTIFIED: 0,
    MatchStatus.EXPIRED: 1,
    MatchStatus.CLAIMED: 2,
    MatchStatus.GRANTED: 2,
}


def _existing(qs, *, stream: bool = True) -> dict:
    rows = qs.values_list("policy_id", "enterprise_id", "status", "id")
    if stream:
        rows = rows.iterator(chunk_size=50_000)
    arr = np.array([(p, e, STATE[s], i) for p, e, s, i in rows], dtype=np.int64).reshape(-1, 4)
    out: dict = {}
    if not len(arr):
        return out
    arr = arr[np.lexsort((arr[:, 1], arr[:, 0]))]
    policies, starts = np.unique(arr[:, 0], return_index=True)
    bounds = [*starts[1:].tolist(), len(arr)]
    for policy_id, lo, hi in zip(policies.tolist(), starts.tolist(), bounds, strict=True):
        out[policy_id] = (arr[lo:hi, 1].copy(), arr[lo:hi, 2].astype(np.int8), arr[lo:hi, 3].copy())
    return out


def _finish(
    kind: str,
    on: dt.date,
    started: float,
    cols: Columns,
    rules: list[Rule],
    changes: Changes,
    actor,
) -> MatchRun:
    run = MatchRun.objects.create(
        kind=kind,
        on_date=on,
        seconds=round(time.perf_counter() - started, 3),
        profiles=len(cols),
        policies=len(rules),
        created=changes.created,
        reopened=changes.reopened,
        expired=changes.expired,
        actor=actor,
    )
    audit.record(
        "policy.match_run",
        actor=actor,
        obj=run,
        changes={
            "kind": kind,
            "on": on,
            "profiles": len(cols),
            "policies": len(rules),
            "created": changes.created,
            "reopened": changes.reopened,
            "expired": changes.expired,
        },
    )
    return run


@transaction.atomic
def run_full(*, actor=None, on: dt.date | None = None) -> MatchRun:
    """Every published policy × every profile; also expires open matches of policies that are no
    longer in force (withdrawn or past their last version)."""
    started = time.perf_counter()
    on = on or timeutil.today()
    now = timezone.now()
    rules = rules_in_force(on)
    cols = load_columns()
    eligible = evaluate(rules, cols, on)
    by_policy = {r.policy_id: r for r in rules}
    existing = _existing(PolicyMatch.objects.filter(policy_id__in=list(by_policy)))
    changes = _diff_and_write(by_policy, eligible, existing, now, actor)
    changes.expired += matches_transition(
        PolicyMatch.objects.filter(status__in=OPEN_MATCH).exclude(policy_id__in=list(by_policy)),
        to=MatchStatus.EXPIRED,
        actor=actor,
        note=NOT_IN_FORCE,
        now=now,
        expired_at=now,
    )
    EnterpriseProfile.objects.filter(match_dirty=True, updated_at__lte=now).update(
        match_dirty=False
    )
    return _finish(MatchRun.Kind.FULL, on, started, cols, rules, changes, actor)


@transaction.atomic
def run_profiles(
    *, actor=None, on: dt.date | None = None, profile_ids: list[int] | None = None
) -> MatchRun:
    """Every policy × the profiles changed since last judged (or those given)."""
    started = time.perf_counter()
    on = on or timeutil.today()
    now = timezone.now()
    if profile_ids is None:
        profile_ids = list(
            EnterpriseProfile.objects.filter(match_dirty=True).values_list("id", flat=True)
        )
    rules = rules_in_force(on)
    by_policy = {r.policy_id: r for r in rules}
    changes = Changes()
    total = 0
    cols = None
    for start in range(0, len(profile_ids), PROFILE_CHUNK):
        chunk = profile_ids[start : start + PROFILE_CHUNK]
        cols = load_columns(profile_ids=chunk)
        total += len(cols)
        eligible = evaluate(rules, cols, on)
        existing = _existing(
            _pk_in(PolicyMatch.objects.all(), cols.ids.tolist(), "enterprise_id"), stream=False
        )
        # A record of a policy that is not in force is expired by run_full/run_policy, not here.
        existing = {p: v for p, v in existing.items() if p in by_policy}
        part = _diff_and_write(by_policy, eligible, existing, now, actor)
        changes.created += part.created
        changes.reopened += part.reopened
        changes.expired += part.expired
        _pk_in(
            EnterpriseProfile.objects.filter(match_dirty=True, updated_at__lte=now), chunk
        ).update(match_dirty=False)
    from .columns import empty_columns

    cols = cols if cols is not None else empty_columns()
    run = _finish(MatchRun.Kind.PROFILES, on, started, cols, rules, changes, actor)
    run.profiles = total
    run.save(update_fields=["profiles"])
    return run


@transaction.atomic
def run_policy(policy: Policy, *, actor=None, on: dt.date | None = None) -> MatchRun:
    """One policy × every profile, after its rule or status changed."""
    started = time.perf_counter()
    on = on or timeutil.today()
    now = timezone.now()
    rules = rules_in_force(on, [policy.pk])
    cols = load_columns()
    changes = Changes()
    if rules:
        eligible = evaluate(rules, cols, on)
        existing = _existing(PolicyMatch.objects.filter(policy=policy))
        changes = _diff_and_write({policy.pk: rules[0]}, eligible, existing, now, actor)
    else:
        changes.expired = matches_transition(
            PolicyMatch.objects.filter(policy=policy, status__in=OPEN_MATCH),
            to=MatchStatus.EXPIRED,
            actor=actor,
            note=NOT_IN_FORCE,
            now=now,
            expired_at=now,
        )
    return _finish(MatchRun.Kind.POLICY, on, started, cols, rules, changes, actor)
