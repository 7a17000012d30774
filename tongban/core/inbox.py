"""The staff inbox (待办) gathers work items from every module through this registry.

A module registers a provider: a function taking the actor and returning WorkItems that are
already scoped to the actor. The workspace merges them, most urgent first.
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
