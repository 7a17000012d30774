"""Whether the requester has rated an appeal, for the requester's pages.

Ratings belong to reviews, which sits above appeals (it rates appeals), so reviews registers the
lookup from its AppConfig.ready() and appeals imports nothing of it. Without a lookup (reviews
not installed) no rating is offered.
"""

from __future__ import annotations

from collections.abc import Callable

_lookup: Callable[[object], object | None] | None = None


def register_rating_lookup(func: Callable[[object], object | None]) -> None:
    global _lookup
    _lookup = func


def rating_of(appeal):
    """The appeal's rating; False when it has none yet; None when appeals are not rated here."""
    if _lookup is None:
        return None
    return _lookup(appeal) or False
