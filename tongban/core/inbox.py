"""The staff inbox (待办) gathers work items from every module through this registry.

A module registers a provider: a function taking the actor and returning WorkItems that are
already scoped to the actor. The workspace merges them, most urgent first.

`cached_for(actor)` keeps each user's items and counts for a short while (Redis in production),
under a generation number that every write bumps (see `bump` and core.apps: a post_save /
post_delete receiver, plus sweeps that update in bulk). One mechanism for every module: a
provider never has to say which events change its rows, and a transition shows at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorkItem:
    module: str  # e.g. "办件"
    title: str
    url: str
    due: dt.datetime | None = None
    warning: str = ""  # "", "yellow" or "red"
    subtitle: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)
    provider: str = ""  # set by items_for


Provider = Callable[[object], Iterable[WorkItem]]
Counter = Callable[[object], dict[str, int]]
_providers: dict[str, Provider] = {}
_counters: dict[str, Counter] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    def decorator(func: Provider) -> Provider:
        _providers[name] = func
        return func

    return decorator


def register_counter(name: str) -> Callable[[Counter], Counter]:
    """A provider whose items are many registers a counter too: {"total", "red", "yellow"}
    computed in the database, so the inbox totals are right while the list stays short. It must
    count exactly the rows its provider lists, badged by the same rule (one function for both),
    or the inbox says "9" over 10 rows; tests/test_demo_truth.py checks every counter."""

    def decorator(func: Counter) -> Counter:
        _counters[name] = func
        return func

    return decorator


def counts_for(actor, items: list[WorkItem]) -> dict[str, int]:
    totals = {"total": 0, "red": 0, "yellow": 0}
    for func in _counters.values():
        for key, value in func(actor).items():
            totals[key] = totals.get(key, 0) + value
    counted = {name for name in _counters}
    for item in items:
        if item.provider in counted:
            continue
        totals["total"] += 1
        if item.warning in ("red", "yellow"):
            totals[item.warning] += 1
    return totals


def providers() -> dict[str, Provider]:
    return dict(_providers)


def items_for(actor) -> list[WorkItem]:
    items: list[WorkItem] = []
    from dataclasses import replace

    for name, provider in _providers.items():
        items.extend(replace(item, provider=name) for item in provider(actor))
    rank = {"red": 0, "yellow": 1, "": 2}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    items.sort(key=lambda i: (rank.get(i.warning, 2), i.due or far))
    return items


# --- the short per-user cache ------------------------------------------------------------------

CACHE_TTL = 60  # seconds; the generation below drops entries at once when anything changes
GENERATION_KEY = "tb:inbox:gen"
# Writes that never change what an inbox shows (the session, event deliveries, login throttling) do
# not drop the inbox caches. The audit event is not among them: every service records one, also
# those that change rows with a bulk UPDATE (which sends no post_save).
QUIET_MODELS = {"sessions.session", "core.auditchainhead", "core.eventdelivery",
                "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "admin.logentry"}


def generation() -> int:
    from django.core.cache import cache

    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY) or 1
    return int(value)


def _incr() -> None:
    from django.core.cache import cache

    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the cached keys'
        cache.add(GENERATION_KEY, 2, None)


def bump() -> None:
    """Drop every cached inbox. Called on each write: once now (a reader in the same transaction,
    as in tests, sees its own writes) and once after commit (a reader that cached the state from
    before the commit in between is dropped too)."""
    from django.db import connection, transaction

    _incr()
    if connection.in_atomic_block and not any(entry[1] is _incr for entry in connection.run_on_commit):
        transaction.on_commit(_incr)


def on_write(sender, **kwargs) -> None:
    if sender._meta.label_lower in QUIET_MODELS:
        return
    fields = kwargs.get("update_fields")
    if fields is not None and set(fields) <= {"last_login"}:  # each login stamps the user
        return
    bump()


def on_task_finished(sender, **kwargs) -> None:
    bump()


def _cache_key(actor) -> str:
    from django.utils.translation import get_language

    from .timeutil import today

    # Today is part of the key: the badges count from it (and tests pin it).
    return f"tb:inbox:{generation()}:{actor.pk}:{get_language()}:{today().isoformat()}"


def cached_for(actor) -> tuple[list[WorkItem], dict[str, int]]:
    """The actor's items and counts, from the cache when nothing changed since."""
    from django.core.cache import cache

    key = _cache_key(actor)
    found = cache.get(key)
    if found is not None:
        return found
    items = items_for(actor)
    counts = counts_for(actor, items)
    cache.set(key, (items, counts), CACHE_TTL)
    return items, counts
