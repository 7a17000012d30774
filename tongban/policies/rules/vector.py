"""Vectorised evaluation of condition trees over columnar profile data.

Profiles are held as numpy columns of fixed-point integers (0.01 m², fen, day numbers, region
codes, category indexes, tag bitmasks). A tree evaluates to one boolean array over all
profiles; each distinct sub-condition is computed once per evaluator and reused by every policy
that contains it. There is no Python loop over enterprises and no float anywhere.

A missing value (not registered) fails every comparison on it, including "not equal"; `not`
then turns that failure into success, exactly as the one-enterprise explanation does.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np

from .spec import FIELDS, SCALE, day_number, years_before


@dataclass
class Columns:
    """Columnar profiles: `ids` are enterprise ids; other arrays are aligned with them."""

    ids: np.ndarray
    data: dict[str, np.ndarray] = field(default_factory=dict)
    present: dict[str, np.ndarray | None] = field(default_factory=dict)  # None: all present
    categories: dict[str, list[str]] = field(default_factory=dict)  # for "code" fields

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, index: np.ndarray) -> Columns:
        return Columns(
            ids=self.ids[index],
            data={k: v[index] for k, v in self.data.items()},
            present={k: (None if v is None else v[index]) for k, v in self.present.items()},
            categories=self.categories,
        )


def choice_index(name: str) -> dict[str, int]:
    """Choice value → its 1-based position (0 means missing), lowest first for ordered fields."""
    return {v: i for i, (v, _) in enumerate(FIELDS[name].choices, 1)}


def build_columns(ids, raw: dict[str, list]) -> Columns:
    """Columns from per-field Python lists of record values (see explain.record_of)."""
    cols = Columns(ids=np.asarray(ids, dtype=np.int64))
    n = len(cols.ids)
    for name, spec in FIELDS.items():
        values = raw.get(name, [None] * n)
        kind = spec.kind
        if kind == "region":
            arr = np.fromiter((int(v) if v else 0 for v in values), dtype=np.int32, count=n)
            set_column(cols, name, arr, arr != 0)
        elif kind == "code":
            cats, codes = np.unique(
                np.array([v or "" for v in values], dtype="U5"), return_inverse=True
            )
            cats = [str(c) for c in cats]
            if "" not in cats:  # index 0 stays reserved for "missing"
                cats, codes = ["", *cats], codes + 1
            cols.categories[name] = cats
            arr = codes.astype(np.int32)
            set_column(cols, name, arr, arr != 0)
        elif kind == "choice":
            index = choice_index(name)
            arr = np.fromiter((index.get(v, 0) for v in values), dtype=np.int8, count=n)
            set_column(cols, name, arr, arr != 0)
        elif kind in SCALE or kind == "date":
            present = np.fromiter((v is not None for v in values), dtype=bool, count=n)
            if kind == "date":
                arr = np.fromiter(
                    (day_number(v) if v else 0 for v in values), dtype=np.int32, count=n
                )
            else:
                arr = np.fromiter(
                    (v if v is not None else 0 for v in values), dtype=np.int64, count=n
                )
            set_column(cols, name, arr, present)
        elif kind == "tags":
            cols.data[name] = np.fromiter((v or 0 for v in values), dtype=np.int64, count=n)
            cols.present[name] = None
    return cols


def set_column(cols: Columns, name: str, arr: np.ndarray, present: np.ndarray) -> None:
    cols.data[name] = arr
    # Most columns have no gaps; skipping the mask saves one AND per comparison.
    cols.present[name] = None if bool(present.all()) else present


def _compare(arr: np.ndarray, op: str, v: int) -> np.ndarray:
    if op == "eq":
        return arr == v
    if op == "ne":
        return arr != v
    if op == "lt":
        return arr < v
    if op == "lte":
        return arr <= v
    if op == "gt":
        return arr > v
    if op == "gte":
        return arr >= v
    raise ValueError(op)  # pragma: no cover - validated


class Evaluator:
    """Evaluates trees on `cols` as of `today`; shared sub-conditions are computed once."""

    def __init__(self, cols: Columns, today: dt.date, tag_bits: dict[str, int]):
        self.cols = cols
        self.today = today
        self.tag_bits = tag_bits
        self.memo: dict[str, np.ndarray] = {}
        self.n = len(cols)

    def evaluate(self, tree: dict) -> np.ndarray:
        key = json.dumps(tree, sort_keys=True, ensure_ascii=False)
        hit = self.memo.get(key)
        if hit is None:
            hit = self._node(tree)
            self.memo[key] = hit
        return hit

    def _node(self, tree: dict) -> np.ndarray:
        if "field" in tree:
            return self._leaf(tree)
        if "not" in tree:
            return ~self.evaluate(tree["not"])
        ((kind, children),) = tree.items()
        if not children:
            return np.full(self.n, kind == "all", dtype=bool)
        result = self.evaluate(children[0]).copy()
        for child in children[1:]:
            if kind == "all":
                result &= self.evaluate(child)
            else:
                result |= self.evaluate(child)
        return result

    def _mask(self, name: str, out: np.ndarray) -> np.ndarray:
        present = self.cols.present.get(name)
        return out if present is None else out & present

    def _leaf(self, leaf: dict) -> np.ndarray:
        name, op, value = leaf["field"], leaf["op"], leaf["value"]
        spec = FIELDS[name]
        arr = self.cols.data[name]
        kind = spec.kind
        if kind == "tags":
            names = value if isinstance(value, list) else [value]
            mask = 0
            for tag in names:
                mask |= 1 << self.tag_bits[tag] if tag in self.tag_bits else 0
            hit = arr & mask
            if op == "has_all":
                return hit == mask if mask else np.ones(self.n, dtype=bool)
            if op == "has_none":
                return hit == 0
            return hit != 0
        if kind == "region":
            if op in ("in", "not_in"):
                out = np.isin(arr, np.array([int(v) for v in value], dtype=np.int32))
                return out if op == "in" else self._mask(name, ~out)
            code = int(value)
            if op == "within":
                lo, hi = region_span(code)
                return (arr >= lo) & (arr <= hi)
            return self._mask(name, _compare(arr, op, code))
        if kind in ("code", "choice"):
            labels = (
                self.cols.categories[name]
                if kind == "code"
                else [""] + [v for v, _ in spec.choices]
            )
            if op in ORDERED:
                target = choice_ordinal(name, value)
                return self._mask(name, _compare(arr, op, target))
            wanted = value if isinstance(value, list) else [value]
            if op == "prefix":
                lut = np.array([bool(c) and c.startswith(value) for c in labels], dtype=bool)
            else:
                lut = np.array([c in wanted for c in labels], dtype=bool)
            out = lut[arr]
            if op in ("ne", "not_in"):
                out = self._mask(name, ~out)
            return out
        if kind == "date":
            if op in ("years_at_least", "years_less_than"):
                cutoff = day_number(years_before(self.today, int(value)))
                # Founded on or before the cutoff day means at least N full years old today.
                out = arr <= cutoff if op == "years_at_least" else arr > cutoff
            elif op == "between":
                lo, hi = (day_number(dt.date.fromisoformat(v)) for v in value)
                out = (arr >= lo) & (arr <= hi)
            else:
                d = day_number(dt.date.fromisoformat(value))
                out = arr < d if op == "before" else arr > d
            return self._mask(name, out)
        # money, area, int: exact integer comparisons in the field's fixed-point unit
        scale = SCALE[kind]
        if op == "between":
            lo, hi = (fixed(v, scale) for v in value)
            return self._mask(name, (arr >= lo) & (arr <= hi))
        return self._mask(name, _compare(arr, op, fixed(value, scale)))


ORDERED = {"lt", "lte", "gt", "gte"}


def choice_ordinal(name: str, value: str) -> int:
    return choice_index(name)[value]


def fixed(value, scale: int) -> int:
    """A validated written number → integer units (exact: goes through Decimal, never float)."""
    from decimal import Decimal

    return int(Decimal(str(value)) * scale)


def region_span(code: int) -> tuple[int, int]:
    """The codes lying within a region: a province 41xxxx, a city 4101xx, or the county itself."""
    if code % 10000 == 0:
        return code, code + 9999
    if code % 100 == 0:
        return code, code + 99
    return code, code
