"""双随机 draw: 1,000,000 objects in 5 strata, 10,000 inspectors, conflicts and rotation — the platform's draw and the standalone verifier (scripts/redraw.py) on the same input.

Sizes: BENCH_INSPECTION_OBJECTS (default 1,000,000) and BENCH_INSPECTION_INSPECTORS (10,000);
e.g. `BENCH_INSPECTION_OBJECTS=20000 BENCH_INSPECTION_INSPECTORS=500 python -m bench inspections`.
The target (issue 16) is a draw in ≤ 2 s at full size, reproduced byte for byte by the verifier.
"""

from __future__ import annotations

import importlib.util
import os
import random
import time
from pathlib import Path

from tongban.core import draw as core_draw
from tongban.inspections import engine

from ._table import print_table

REDRAW = Path(__file__).resolve().parent.parent / "scripts" / "redraw.py"
STRATA = [("high", 0.05), ("medium_high", 0.15), ("medium", 0.40), ("low", 0.40)]
RATIOS = {"high": "0.30", "medium_high": "0.10", "medium": "0.02", "low": "0.01", "unrated": "0.02"}


def population(n_objects: int, n_inspectors: int, rng: random.Random) -> dict:
    names, weights = zip(*STRATA, strict=True)
    strata = rng.choices(names, weights=weights, k=n_objects)
    objects = [[f"obj:{i}", s] for i, s in enumerate(strata)]
    specs = ["结构", "电气", "通风", "防化"]
    inspectors = [[f"ins:{i}", sorted(set(rng.sample(specs, rng.randint(0, 2))))] for i in range(n_inspectors)]
    excluded = set()
    for _ in range(n_inspectors * 2):  # declared conflicts
        excluded.add((f"ins:{rng.randrange(n_inspectors)}", f"obj:{rng.randrange(n_objects)}", "conflict"))
    for _ in range(n_inspectors):  # last teams (rotation)
        excluded.add((f"ins:{rng.randrange(n_inspectors)}", f"obj:{rng.randrange(n_objects)}", "rotation"))
    return {"objects": objects, "inspectors": inspectors, "excluded": sorted(map(list, excluded))}


def run() -> dict:
    n_objects = int(os.environ.get("BENCH_INSPECTION_OBJECTS", "1000000"))
    n_inspectors = int(os.environ.get("BENCH_INSPECTION_INSPECTORS", "10000"))
    rng = random.Random(16)
    frozen = population(n_objects, n_inspectors, rng)

    t0 = time.perf_counter()
    doc = engine.commitment_document(frozen=frozen, ratios=RATIOS, task="BENCH-001", sequence=1, item="RFJC-001@1",
                                     per_object=2, required=["结构"], period=("2026-03-01", "2026-04-30"),
                                     committed_at="2026-02-27T10:00:00+08:00")
    commitment = core_draw.commitment(doc)
    t_commit = time.perf_counter() - t0

    seed = core_draw.seed_from(commitment, ["03", "11", "19", "24", "27", "31", "09"])
    t0 = time.perf_counter()
    result = engine.compute(frozen, doc, seed)
    t_draw = time.perf_counter() - t0
    digest = engine.result_hash(result)

    spec = importlib.util.spec_from_file_location("redraw", REDRAW)
    redraw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(redraw)
    published = {"format": engine.FILE_FORMAT, "commitment_document": doc, "commitment": commitment, **frozen,
                 "public_numbers": ["03", "11", "19", "24", "27", "31", "09"], "seed": seed, "result": result,
                 "result_sha256": digest, "replacements": []}
    t0 = time.perf_counter()
    status = redraw.check(published)
    t_verify = time.perf_counter() - t0

    drawn = sum(len(v) for v in result["objects"].values())
    print_table(
        ["step", "objects", "inspectors", "drawn objects", "teams", "seconds"],
        [["commit (hash the frozen lists)", n_objects, n_inspectors, "", "", f"{t_commit:.2f}"],
         ["platform draw (objects + teams)", n_objects, n_inspectors, drawn, len(result["teams"]), f"{t_draw:.2f}"],
         ["standalone verifier (commitment + seed + draw)", n_objects, n_inspectors, drawn, len(result["teams"]),
          f"{t_verify:.2f}"]],
    )
    print(f"verifier: {'agrees byte for byte (result SHA-256 ' + digest[:16] + '…)' if status == 0 else 'DIFFERS'}")
    return {"objects": n_objects, "inspectors": n_inspectors, "drawn": drawn, "commit_s": round(t_commit, 3),
            "draw_s": round(t_draw, 3), "verify_s": round(t_verify, 3), "verifier_ok": status == 0}
