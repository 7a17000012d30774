"""Reads: match statistics, the rule editor's live preview, explanations, the finder."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db.models import Count, Q

from tongban.accounts.models import Enterprise
from tongban.core import timeutil

from .columns import record_of, registry_cache, tag_bits
from .models import EnterpriseProfile, MatchStatus, Policy, PolicyMatch, PolicyVersion
from .rules import explain as ex
from .rules.spec import validate
from .rules.vector import Evaluator
from .services import version_in_force

SAMPLE = 8


def match_counts(policy_ids) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {pid: {} for pid in policy_ids}
    rows = (
        PolicyMatch.objects.filter(policy_id__in=list(policy_ids))
        .values("policy_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        out[row["policy_id"]][row["status"]] = row["n"]
    for counts in out.values():
        counts["open"] = counts.get("new", 0) + counts.get("notified", 0)
        counts["eligible"] = counts["open"] + counts.get("claimed", 0) + counts.get("granted", 0)
    return out


@dataclass
class Preview:
    count: int
    total: int
    sample: list[Enterprise]
    previous: PolicyVersion | None = None
    added: int = 0
    removed: int = 0
    added_sample: list[Enterprise] | None = None
    removed_sample: list[Enterprise] | None = None

    @property
    def percent(self) -> str:
        return f"{self.count * 100 / self.total:.1f}" if self.total else "0"


def _enterprises(ids: np.ndarray) -> list[Enterprise]:
    chosen = ids[:SAMPLE].tolist()
    found = {e.pk: e for e in Enterprise.objects.filter(pk__in=chosen)}
    return [found[i] for i in chosen if i in found]


def preview(tree: dict, *, policy: Policy | None, on: dt.date | None = None) -> Preview:
    """How many registered enterprises the (validated) rule selects on `on`, a sample, and what
    changes against the version currently in force (or the latest one)."""
    on = on or timeutil.today()
    tree = validate(tree)
    cols = registry_cache.get()
    ev = Evaluator(cols, on, tag_bits())
    hit = ev.evaluate(tree)
    ids = cols.ids[hit]
    result = Preview(count=int(hit.sum()), total=len(cols), sample=_enterprises(ids))
    if policy is not None:
        prev = version_in_force(policy, on) or policy.versions.order_by("-number").first()
        if prev is not None:
            before = ev.evaluate(prev.condition)
            result.previous = prev
            added = cols.ids[hit & ~before]
            removed = cols.ids[before & ~hit]
            result.added, result.removed = len(added), len(removed)
            result.added_sample, result.removed_sample = _enterprises(added), _enterprises(removed)
    return result


def explain_for(policy: Policy, profile: EnterpriseProfile, on: dt.date | None = None) -> dict:
    on = on or timeutil.today()
    version = version_in_force(policy, on)
    if version is None:
        return {"version": None, "step": None, "summary": "该政策在当前日期没有生效的版本。"}
    step = ex.explain(version.condition, record_of(profile), today=on, tag_bits=tag_bits())
    return {"version": version, "step": step, "summary": ex.summary(step)}


def published_policies():
    return (
        Policy.objects.filter(status=Policy.Status.PUBLISHED)
        .select_related("organisation")
        .order_by("-id")
    )


def explain_all(
    profile: EnterpriseProfile | None, record: dict | None = None, on: dt.date | None = None
) -> list[dict]:
    """Every published policy with its verdict for one profile (or a finder's answers)."""
    on = on or timeutil.today()
    record = record if record is not None else record_of(profile)
    bits = tag_bits()
    out = []
    for policy in published_policies():
        version = version_in_force(policy, on)
        if version is None:
            continue
        step = ex.explain(version.condition, record, today=on, tag_bits=bits)
        out.append(
            {"policy": policy, "version": version, "step": step, "summary": ex.summary(step)}
        )
    out.sort(key=lambda r: not r["step"].passed)
    return out


def matches_of_enterprise(enterprise_id: int):
    return (
        PolicyMatch.objects.filter(
            enterprise_id=enterprise_id, policy__status=Policy.Status.PUBLISHED
        )
        .select_related("policy__organisation")
        .order_by("-matched_at")
    )


def grants_published(policy: Policy):
    return (
        PolicyMatch.objects.filter(policy=policy, status=MatchStatus.GRANTED)
        .select_related("enterprise")
        .order_by("-granted_at")
    )


def profile_search(qs, q: str):
    if q:
        qs = qs.filter(Q(enterprise__name__icontains=q) | Q(enterprise__uscc__startswith=q.upper()))
    return qs
