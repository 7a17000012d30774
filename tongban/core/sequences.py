"""Readable numbers for every module: one row-locked counter per key.

`next_number("case:410100", period="20261201")` returns 1, 2, 3… for that key and period. The
counter advances inside the caller's transaction under a row lock, so a rolled-back action gives
its number back and committed numbers are gap-free per key and never issued twice, whatever the
number of workers. The caller formats the number (prefix, padding) as its documents require.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import Sequence

__all__ = ["next_number", "peek"]


def _key(key: str, period: object | None) -> str:
    if not key or len(key) > 140:
        raise ValueError("sequence key must be 1..140 characters")
    return f"{key}:{period}" if period not in (None, "") else key


def next_number(key: str, *, period: object | None = None) -> int:
    """The next value of `key` within `period` (a year, a day stamp, or none)."""
    full = _key(key, period)
    with transaction.atomic():
        # UPDATE ... SET value = value + 1 takes the row lock at once on both databases; the
        # first number of a key creates the row (a racing creator is caught and retried).
        if not Sequence.objects.filter(key=full).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    Sequence.objects.create(key=full, value=1)
                    return 1
            except IntegrityError:
                Sequence.objects.filter(key=full).update(value=F("value") + 1)
        return Sequence.objects.filter(key=full).values_list("value", flat=True).get()


def peek(key: str, *, period: object | None = None) -> int:
    """The last number issued for `key` within `period` (0 when none)."""
    return Sequence.objects.filter(key=_key(key, period)).values_list("value", flat=True).first() or 0
