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


Provider = Callable[[object], Iterable[WorkItem]]
_providers: dict[str, Provider] = {}


def register(name: str) -> Callable[[Provider], Provider]:
    def decorator(func: Provider) -> Provider:
        _providers[name] = func
        return func

    return decorator


def providers() -> dict[str, Provider]:
    return dict(_providers)


def items_for(actor) -> list[WorkItem]:
    items: list[WorkItem] = []
    for provider in _providers.values():
        items.extend(provider(actor))
    rank = {"red": 0, "yellow": 1, "": 2}
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    items.sort(key=lambda i: (rank.get(i.warning, 2), i.due or far))
    return items
