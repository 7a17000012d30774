"""Publicly verifiable random selection (algorithm ``tongban-draw-1``).

Used by random inspections (双随机: objects, then inspectors) and by the ledger's re-checks
(回头看). The point is that nobody in the office can steer or silently redo a draw:

1. Before the draw, the inputs are frozen and *committed*: the SHA-256 of each frozen list
   (:func:`list_hash`) and the parameters go into a canonical JSON document whose SHA-256 is the
   commitment (:func:`commitment`). The commitment is published.
2. Only afterwards the seed is fixed from public numbers announced after the commitment (a public
   lottery's result, RFC 3797 style), entered by one person and confirmed by another:
   ``seed = SHA-256(commitment_hex + "|" + ",".join(numbers))`` (:func:`seed_from`).
3. Every candidate gets a rank ``SHA-256(seed_hex + "|" + label + "|" + id)`` (:func:`rank`); a
   stratum of n candidates at ratio r selects the k = ceil(n × r) candidates with the smallest
   ranks (k capped at n; exact rational arithmetic, so a ratio of 2% of 150 gives 3, and any
   positive ratio of a non-empty stratum gives at least 1). Ties (never seen in practice) break
   by id. Under SHA-256 as a random function every k-subset is equally likely, the result does
   not depend on the order in which lists were stored, and anyone can recompute it with Python's
   standard library alone (see ``scripts/redraw.py`` and ``docs/inspections-draw.md``).

Ids are strings (e.g. a 统一社会信用代码 or ``"obj:123"``); labels name the stratum or the purpose
(``"objects:high"``, ``"inspectors:obj:123"``) so that two selections from one seed are independent.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
from collections.abc import Callable, Iterable
from fractions import Fraction
from itertools import compress

ALGORITHM = "tongban-draw-1"


def canonical_json(obj) -> bytes:
    """The one byte representation hashed for a commitment (sorted keys, no spaces, UTF-8)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(
        "utf-8"
    )


def list_hash(ids: Iterable[str]) -> str:
    """SHA-256 of the sorted ids, one per line, each followed by a newline (UTF-8)."""
    h = hashlib.sha256()
    for item in sorted(set(ids)):
        h.update(item.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def commitment(document: dict) -> str:
    """SHA-256 of the canonical JSON of the commitment document (it must name ``algorithm``)."""
    if document.get("algorithm") != ALGORITHM:
        raise ValueError("commitment document must name the algorithm version")
    return hashlib.sha256(canonical_json(document)).hexdigest()


def normalise_numbers(numbers: Iterable[str]) -> list[str]:
    """Public numbers as entered: each stripped of spaces; digits only, leading zeros kept."""
    out = []
    for raw in numbers:
        value = "".join(str(raw).split())
        if not value.isdigit():
            raise ValueError(f"not a public number: {raw!r}")
        out.append(value)
    if not out:
        raise ValueError("at least one public number is needed")
    return out


def seed_from(commitment_hex: str, numbers: Iterable[str]) -> str:
    return hashlib.sha256(
        (commitment_hex + "|" + ",".join(normalise_numbers(numbers))).encode("utf-8")
    ).hexdigest()


def rank(seed_hex: str, label: str, item_id: str) -> bytes:
    return hashlib.sha256(f"{seed_hex}|{label}|{item_id}".encode()).digest()


def sample_size(n: int, ratio) -> int:
    """k = ceil(n × ratio), capped at n. ``ratio`` is a Fraction, a Decimal, an int or a decimal
    string such as ``"0.02"`` (never a float: 0.1 + 0.2 is not 0.3)."""
    if isinstance(ratio, float):
        raise TypeError("ratio must be exact (str, Decimal or Fraction), not float")
    r = Fraction(str(ratio)) if not isinstance(ratio, Fraction) else ratio
    if r < 0 or r > 1:
        raise ValueError("ratio must be between 0 and 1")
    return min(n, math.ceil(n * r))


def _encoded(ids) -> list[bytes]:
    """Every id as UTF-8 bytes, encoded in one call: a million ``str.encode`` calls cost more than
    the hashing. Joining on a newline is safe only when no id holds one (then encode one by one)."""
    ids = ids if isinstance(ids, list) else list(ids)
    joined = "\n".join(ids)
    parts = joined.encode("utf-8").split(b"\n")
    if len(parts) != len(ids):
        return [item.encode("utf-8") for item in ids]
    return parts


def rank_keys(seed_hex: str, label: str, ids: list[str]) -> list[bytes]:
    """``rank(seed_hex, label, id)`` for every id, in order. The shared prefix is hashed once and
    copied (SHA-256 keeps the state after its first 64-byte block), which halves the work per id."""
    copy = hashlib.sha256(f"{seed_hex}|{label}|".encode()).copy
    keys = []
    append = keys.append
    for item in _encoded(ids):
        h = copy()
        h.update(item)
        append(h.digest())
    return keys


def ranked(seed_hex: str, label: str, ids: Iterable[str]) -> list[str]:
    """All ids ordered by rank (smallest first)."""
    ids = list(ids)
    return [item for _, item in sorted(zip(rank_keys(seed_hex, label, ids), ids, strict=True))]


def select(seed_hex: str, label: str, ids: Iterable[str], k: int) -> list[str]:
    """The k ids with the smallest ranks, in rank order (a stratum's sample)."""
    if k <= 0:
        return []
    ids = list(ids)
    keys = rank_keys(seed_hex, label, ids)
    n = len(ids)
    if k < n:
        # Ranks are uniform 256-bit numbers, so about k·(1 + a margin) of them fall below this
        # bound; keeping only those (a C-level pass, no Python per id) loses nothing when at least
        # k remain, because every rank left out is larger than all of them. Otherwise fall back.
        want = k + 4 * math.isqrt(k) + 16
        if want < n:
            low = ((want << 256) // n).to_bytes(32, "big").__gt__
            small_keys = list(compress(keys, map(low, keys)))
            if len(small_keys) >= k:
                small_ids = compress(ids, map(low, keys))
                return [item for _, item in sorted(zip(small_keys, small_ids, strict=True))[:k]]
    # (rank, id) pairs compare by rank, then by id: the same order as sorting the whole stratum.
    return [item for _, item in heapq.nsmallest(k, zip(keys, ids, strict=True))]


def select_eligible(
    seed_hex: str, label: str, ids: Iterable[str], k: int, eligible: Callable[[str], bool]
) -> list[str]:
    """The first k ids in rank order that pass ``eligible`` (e.g. inspectors without a conflict
    with this object); fewer when the pool is short — the caller must refuse, never fill up."""
    chosen = []
    for item in ranked(seed_hex, label, ids):
        if eligible(item):
            chosen.append(item)
            if len(chosen) == k:
                break
    return chosen


# --- teams (inspectors per object) ------------------------------------------------------------
#
# Ranking the whole pool once per object costs objects × pool hashes (40,000 drawn objects × 10,000
# inspectors is 400 million SHA-256 calls, minutes of work). Instead the pool is ranked once per
# task (label "inspectors") and each object walks that ranking cyclically from its own offset
# (label "inspectors:<object id>"): the first inspector of a walk is uniform over the pool and
# every ordered pair of neighbours equally likely, at one hash per object.


def offset(seed_hex: str, label: str, n: int) -> int:
    """Where a walk starts in a ranked pool of n: the first 8 bytes of
    ``SHA-256(seed_hex + "|" + label + "|")`` as a big-endian integer, modulo n."""
    if n <= 0:
        return 0
    return int.from_bytes(hashlib.sha256(f"{seed_hex}|{label}|".encode()).digest()[:8], "big") % n


class walk:
    """The ranked pool read cyclically from ``start`` (a re-iterable view, never a copy: a task
    walks it once per drawn object)."""

    __slots__ = ("pool", "start")

    def __init__(self, ranked_pool: list[str], start: int):
        self.pool, self.start = ranked_pool, start

    def __iter__(self):
        pool, start = self.pool, self.start
        for i in range(start, len(pool)):
            yield pool[i]
        for i in range(start):
            yield pool[i]

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    __hash__ = None


def pick_team(
    order: Iterable[str],
    k: int,
    eligible: Callable[[str], bool],
    *,
    required: Iterable[str] = (),
    skills: Callable[[str], Iterable[str]] = lambda _i: (),
    chosen: Iterable[str] = (),
) -> tuple[list[str], str | None]:
    """A team from ``order`` (a walk): first, for each required specialty in sorted order that
    the team does not cover yet, the first eligible member of the walk who has it; then the first
    eligible members of the walk until the team has k. ``chosen`` are members already in the team
    (a replacement keeps the others). Returns (team, missing specialty or None); the caller
    refuses when a specialty is missing or the team is smaller than k — never fills up.
    ``order`` is iterated once per pass, so it must be re-iterable (a list or a walk)."""
    team = list(chosen)
    for spec in sorted(set(required)):
        if any(spec in skills(m) for m in team):
            continue
        for item in order:
            if item not in team and eligible(item) and spec in skills(item):
                team.append(item)
                break
        else:
            return team, spec
    for item in order:
        if len(team) >= k:
            break
        if item not in team and eligible(item):
            team.append(item)
    return team, None
