#!/usr/bin/env python3
"""Re-draw a published 双随机 draw from its draw file and say whether the platform told the truth.

    python3 scripts/redraw.py draw.json

Python's standard library only: no Tongban code is imported. It recomputes, from the file alone,
the commitment (from the frozen lists and parameters), the seed (from the commitment and the
public numbers), the drawn objects per stratum, every inspector team and every 回避 replacement,
and prints "OK" or the first difference (exit status 1). The algorithm is described in
docs/inspections-draw.md; this is a second, independent implementation of it.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import math
import sys
from fractions import Fraction


def canonical(obj) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lines_hash(lines) -> str:
    h = hashlib.sha256()
    for line in sorted(set(lines)):
        h.update(line.encode("utf-8") + b"\n")
    return h.hexdigest()


def k_of(n: int, ratio: str) -> int:
    return min(n, math.ceil(n * Fraction(ratio)))


def smallest(seed: str, label: str, ids, k: int) -> list[str]:
    if k <= 0:
        return []
    return [i for _key, i in heapq.nsmallest(
        k, ((hashlib.sha256(f"{seed}|{label}|{i}".encode()).digest(), i) for i in ids))]


def start_of(seed: str, label: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(f"{seed}|{label}|".encode()).digest()[:8], "big") % n if n else 0


def team_for(order, k, ok, required, skills, have=()):
    team = list(have)
    for spec in sorted(set(required)):
        if any(spec in skills[m] for m in team):
            continue
        found = next((i for i in order if i not in team and ok(i) and spec in skills[i]), None)
        if found is None:
            return team, spec
        team.append(found)
    for i in order:
        if len(team) >= k:
            break
        if i not in team and ok(i):
            team.append(i)
    return team, None


def differ(what: str, expected, got) -> int:
    print(f"DIFFERENT: {what}\n  published:  {json.dumps(expected, ensure_ascii=False)[:500]}\n"
          f"  recomputed: {json.dumps(got, ensure_ascii=False)[:500]}")
    return 1


def check(f: dict) -> int:
    doc = f["commitment_document"]
    if doc.get("algorithm") != "tongban-draw-1":
        return differ("algorithm", "tongban-draw-1", doc.get("algorithm"))
    objects, inspectors, excluded = f["objects"], f["inspectors"], f["excluded"]
    for key, lines in (
        ("objects_hash", [f"{i}|{s}" for i, s in objects]),
        ("inspectors_hash", [f"{i}|{','.join(sorted(sp))}" for i, sp in inspectors]),
        ("excluded_hash", [f"{a}|{b}|{w}" for a, b, w in excluded]),
    ):
        if lines_hash(lines) != doc[key]:
            return differ(key + " (the frozen list does not match the commitment)", doc[key], lines_hash(lines))
    strata: dict[str, list[str]] = {}
    for i, s in objects:
        strata.setdefault(s, []).append(i)
    for s, row in doc["strata"].items():
        if row["n"] != len(strata.get(s, [])) or row["k"] != k_of(row["n"], row["ratio"]):
            return differ(f"stratum {s}: n and k = ceil(n × ratio)", row,
                          {"n": len(strata.get(s, [])), "k": k_of(len(strata.get(s, [])), row["ratio"])})
    commitment = hashlib.sha256(canonical(doc)).hexdigest()
    if commitment != f["commitment"]:
        return differ("commitment", f["commitment"], commitment)
    if not f.get("seed"):
        print("OK (commitment only: the public numbers are not fixed yet)")
        return 0
    numbers = ["".join(str(n).split()) for n in f["public_numbers"]]
    seed = sha(commitment + "|" + ",".join(numbers))
    if seed != f["seed"]:
        return differ("seed", f["seed"], seed)
    chosen = {s: smallest(seed, f"objects:{s}", strata.get(s, []), doc["strata"][s]["k"]) for s in sorted(doc["strata"])}
    skills = {i: set(sp) for i, sp in inspectors}
    pool = [i for _key, i in sorted((hashlib.sha256(f"{seed}|inspectors|{i}".encode()).digest(), i) for i in skills)]
    banned = {(a, b) for a, b, _w in excluded}
    k, required = doc["inspectors_per_object"], doc["required_specialties"]

    def walk(label):
        s = start_of(seed, label, len(pool))
        return pool[s:] + pool[:s]

    teams, blocked = {}, []
    for s in sorted(chosen):
        for obj in chosen[s]:
            team, missing = team_for(walk(f"inspectors:{obj}"), k, lambda i, o=obj: (i, o) not in banned,
                                     required, skills)
            if missing is not None or len(team) < k:
                blocked.append({"object": obj, "missing_specialty": missing, "eligible": len(team)})
            else:
                teams[obj] = team
    result = {"objects": chosen, "teams": {} if blocked else teams, "blocked": blocked}
    published = f["result"]
    for s in sorted(set(chosen) | set(published["objects"])):
        if chosen.get(s) != published["objects"].get(s):
            return differ(f"objects drawn in stratum {s}", published["objects"].get(s), chosen.get(s))
    for obj in sorted(set(result["teams"]) | set(published["teams"])):
        if result["teams"].get(obj) != published["teams"].get(obj):
            return differ(f"inspectors of {obj}", published["teams"].get(obj), result["teams"].get(obj))
    if result["blocked"] != published["blocked"]:
        return differ("blocked objects", published["blocked"], result["blocked"])
    digest = hashlib.sha256(canonical(result)).hexdigest()
    if f.get("result_sha256") and digest != f["result_sha256"]:
        return differ("result_sha256 (byte for byte)", f["result_sha256"], digest)
    current = {obj: list(team) for obj, team in result["teams"].items()}
    removed: dict[str, list[str]] = {}
    for rep in f.get("replacements", []):
        obj = rep["object"]
        removed.setdefault(obj, []).append(rep["removed"])
        gone = set(removed[obj])
        have = [m for m in current[obj] if m not in gone]
        team, _missing = team_for(walk(f"replace:{obj}:{rep['n']}"), k,
                                  lambda i, o=obj, g=gone: (i, o) not in banned and i not in g, required, skills, have)
        if team != rep["team"]:
            return differ(f"replacement {rep['n']} of {obj}", rep["team"], team)
        current[obj] = team
    print(f"OK commitment {commitment[:16]}… seed {seed[:16]}… objects {sum(map(len, chosen.values()))} "
          f"teams {len(result['teams'])} replacements {len(f.get('replacements', []))}")
    return 0


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        return check(json.load(fh))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
