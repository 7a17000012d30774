"""Profiles from the database as one enterprise's record (for explanations) or as numpy columns
(for batch matching and previews)."""

from __future__ import annotations

import threading

import numpy as np
from django.db.models import Max, Q

from .models import EnterpriseProfile, PolicyTag
from .rules.spec import FIELDS
from .rules.vector import Columns, build_columns

# rule field → profile column
SOURCE = {
    "region_code": "region_code",
    "industry_code": "industry_code",
    "size_class": "size_class",
    "registered_capital": "registered_capital_fen",
    "annual_revenue": "annual_revenue_fen",
    "employees": "employees",
    "founded_on": "founded_on",
    "credit_grade": "credit_grade",
    "tags": "tag_bits",
    "project_use": "project_use",
    "project_floor_area": "project_floor_area_cm2",
    "project_region": "project_region",
}
LOAD_CHUNK = 100_000


def tag_bits() -> dict[str, int]:
    return dict(PolicyTag.objects.values_list("name", "bit"))


def record_of(profile: EnterpriseProfile) -> dict:
    """One profile in rule-field terms; blank text counts as not registered."""
    record = {}
    for name, column in SOURCE.items():
        value = getattr(profile, column)
        record[name] = None if value == "" else value
    return record


def load_columns(where: Q | None = None, *, profile_ids: list[int] | None = None) -> Columns:
    """Columns of every profile (or those matching `where`, or the given profile ids), ordered by
    enterprise id. The whole registry is streamed in chunks; a list of ids is one query."""
    qs = EnterpriseProfile.objects.all()
    if where is not None:
        qs = qs.filter(where)
    if profile_ids is not None:
        from .matching import _pk_in

        qs = _pk_in(qs, profile_ids)
    fields = ["enterprise_id", *SOURCE.values()]
    ids: list[int] = []
    raw: dict[str, list] = {name: [] for name in FIELDS}
    names = list(SOURCE)
    rows = qs.order_by("enterprise_id").values_list(*fields)
    if profile_ids is None:
        rows = rows.iterator(chunk_size=LOAD_CHUNK)
    for row in rows:
        ids.append(row[0])
        for name, value in zip(names, row[1:], strict=True):
            raw[name].append(None if value == "" else value)
    return build_columns(ids, raw)


def empty_columns() -> Columns:
    return build_columns(np.zeros(0, dtype=np.int64), {name: [] for name in FIELDS})


class _Cache:
    """The whole registry as columns, kept in the process for previews; reloaded when any profile
    was added, removed or changed since (checked with one aggregate query)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.stamp = None
        self.cols: Columns | None = None

    def get(self) -> Columns:
        agg = EnterpriseProfile.objects.aggregate(n=Max("id"), at=Max("updated_at"))
        stamp = (EnterpriseProfile.objects.count(), agg["n"], agg["at"], tuple(tag_bits().items()))
        with self.lock:
            if self.cols is None or stamp != self.stamp:
                self.cols = load_columns()
                self.stamp = stamp
            return self.cols


registry_cache = _Cache()
