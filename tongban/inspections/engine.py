"""The draw itself, as pure functions over the frozen lists (no database): the platform, the
benchmark and the tests use them; `scripts/redraw.py` re-implements them independently with the
standard library only. The exact algorithm is in docs/inspections-draw.md.

Frozen lists (what the commitment hashes, each list hashed with `core.draw.list_hash` over one
line per entry):
- objects: ``[id, stratum]`` → line ``"<id>|<stratum>"``;
- inspectors: ``[id, [specialty, …]]`` → line ``"<id>|<specialties sorted, comma-joined>"``;
- excluded pairs (declared conflicts, rotation): ``[inspector id, object id, why]`` → line
  ``"<inspector id>|<object id>|<why>"``.
"""

from __future__ import annotations

from collections import defaultdict

from tongban.core import draw as d

FILE_FORMAT = "tongban-draw-file-1"
STRATA_ORDER = ("high", "medium_high", "medium", "low", "unrated")


def object_lines(objects) -> list[str]:
    return [f"{i}|{s}" for i, s in objects]


def inspector_lines(inspectors) -> list[str]:
    return [f"{i}|{','.join(sorted(specs))}" for i, specs in inspectors]


def excluded_lines(excluded) -> list[str]:
    return [f"{a}|{b}|{why}" for a, b, why in excluded]


def strata_of(objects) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for item_id, stratum in objects:
        out[stratum].append(item_id)
    return out


def commitment_document(*, frozen: dict, ratios: dict, task: str, sequence: int, item: str, per_object: int,
                        required: list[str], period: tuple[str, str], committed_at: str) -> dict:
    strata = strata_of(frozen["objects"])
    return {
        "algorithm": d.ALGORITHM,
        "task": task,
        "draw": sequence,
        "item": item,
        "period": list(period),
        "committed_at": committed_at,
        "objects_hash": d.list_hash(object_lines(frozen["objects"])),
        "objects_count": len(frozen["objects"]),
        "inspectors_hash": d.list_hash(inspector_lines(frozen["inspectors"])),
        "inspectors_count": len(frozen["inspectors"]),
        "excluded_hash": d.list_hash(excluded_lines(frozen["excluded"])),
        "excluded_count": len(frozen["excluded"]),
        "strata": {
            s: {"n": len(ids), "ratio": str(ratios[s]), "k": d.sample_size(len(ids), str(ratios[s]))}
            for s, ids in sorted(strata.items())
        },
        "inspectors_per_object": per_object,
        "required_specialties": sorted(set(required)),
    }


_NOBODY: frozenset[str] = frozenset()


class _Pool:
    """The ranked pool of one draw and the walk of docs/inspections-draw.md §4, specialised for
    speed (a 1,000,000-object draw has some 40,000 teams): the same choices as
    ``core.draw.pick_team`` over ``core.draw.walk``, but the walk reads a doubled list by index
    instead of a generator, and exclusions are looked up per object instead of as pairs."""

    def __init__(self, frozen: dict, seed: str):
        self.seed = seed
        self.skills = {i: frozenset(specs) for i, specs in frozen["inspectors"]}
        self.ranked = d.ranked(seed, "inspectors", list(self.skills))
        self._doubled = self.ranked + self.ranked
        self.banned: dict[str, set[str]] = defaultdict(set)
        for a, b, _why in frozen["excluded"]:
            self.banned[b].add(a)

    def team(self, label: str, obj: str, k: int, required, *, chosen=(), never=_NOBODY):
        n = len(self.ranked)
        start = d.offset(self.seed, label, n)
        walk = range(start, start + n)
        pool, skills = self._doubled, self.skills
        banned = self.banned.get(obj, _NOBODY)
        if never:
            banned = banned | never
        team = list(chosen)
        for spec in sorted(set(required)):
            if any(spec in skills[m] for m in team):
                continue
            for j in walk:
                item = pool[j]
                if spec in skills[item] and item not in banned and item not in team:
                    team.append(item)
                    break
            else:
                return team, spec
        if len(team) < k:
            for j in walk:
                item = pool[j]
                if item not in banned and item not in team:
                    team.append(item)
                    if len(team) >= k:
                        break
        return team, None


def compute(frozen: dict, document: dict, seed: str) -> dict:
    """Objects per stratum (k = ceil(n × ratio) smallest ranks, label ``objects:<stratum>``), then a
    team per drawn object; if any object cannot get a full team, no team is assigned at all."""
    strata = strata_of(frozen["objects"])
    chosen = {
        s: d.select(seed, f"objects:{s}", strata.get(s, []), document["strata"][s]["k"])
        for s in sorted(document["strata"])
    }
    pool = _Pool(frozen, seed)
    k, required = document["inspectors_per_object"], document["required_specialties"]
    teams: dict[str, list[str]] = {}
    blocked = []
    for s in sorted(chosen):
        for obj in chosen[s]:
            team, missing = pool.team(f"inspectors:{obj}", obj, k, required)
            if missing is not None:
                blocked.append({"object": obj, "missing_specialty": missing, "eligible": len(team)})
            elif len(team) < k:
                blocked.append({"object": obj, "missing_specialty": None, "eligible": len(team)})
            else:
                teams[obj] = team
    return {"objects": chosen, "teams": {} if blocked else teams, "blocked": blocked}


def replacement(frozen: dict, document: dict, seed: str, *, obj: str, team: list[str], removed: list[str],
                n: int) -> tuple[list[str], str | None]:
    """The team after withdrawing the inspectors in ``removed`` (everyone ever withdrawn from this
    object), walking from label ``replace:<object>:<n>``; a withdrawn inspector never returns."""
    pool = _Pool(frozen, seed)
    remaining = [m for m in team if m not in removed]
    new, missing = pool.team(f"replace:{obj}:{n}", obj, document["inspectors_per_object"],
                             document["required_specialties"], chosen=remaining, never=frozenset(removed))
    if missing is not None or len(new) < document["inspectors_per_object"]:
        return new, missing or "short"
    return new, None


def result_hash(result: dict) -> str:
    import hashlib

    return hashlib.sha256(d.canonical_json(result)).hexdigest()
