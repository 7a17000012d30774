"""Ledger duplicate check: the time to compare one new problem with every open problem of a
campaign (character-bigram Jaccard, `ledger.services.problems.similarity`), against a reference
loop that only builds the bigram sets, for campaigns of growing size.

Environment: BENCH_LEDGER_OPEN (comma-separated sizes, default "1000,5000,20000"),
BENCH_LEDGER_NEW (new problems checked per size, default 50).
"""

from __future__ import annotations

import os
import random
import statistics
import time

from ._table import print_table

UNITS = ["审批科", "质监站", "平战结合处", "政策法规处", "秘书处", "窗口", "区县人防办"]
ISSUES = ["办事指南与窗口材料清单不一致", "竣工验收等待时间过长", "咨询电话无人接听", "专家评审组织慢",
          "现场勘验预约难", "易地建设费缴费不能网上支付", "重复提交已上传材料", "审批进度查不到", "工作人员态度生硬"]
DETAILS = ["企业多跑一趟", "超过承诺时限", "群众反映强烈", "需协调其他部门", "涉及多个环节", "影响项目开工"]


def _text(rng: random.Random) -> str:
    return f"{rng.choice(UNITS)}{rng.choice(ISSUES)}，{rng.choice(DETAILS)}（第{rng.randint(1, 9999)}号）"


def run() -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    django.setup()
    from tongban.ledger.services.listing import best_match, bigrams

    sizes = [int(s) for s in os.environ.get("BENCH_LEDGER_OPEN", "1000,5000,20000").split(",") if s.strip()]
    new = int(os.environ.get("BENCH_LEDGER_NEW", "50"))
    rng = random.Random(19)
    rows, figures = [], {}
    for n in sizes:
        existing = [_text(rng) for _ in range(n)]
        probes = [_text(rng) for _ in range(new)]
        ref, check = [], []
        for probe in probes:
            t = time.perf_counter()
            for other in existing:
                bigrams(other)
            ref.append(time.perf_counter() - t)
            t = time.perf_counter()
            _key, best = best_match(probe, enumerate(existing))
            check.append(time.perf_counter() - t)
            assert best >= 0
        p50, p95 = statistics.median(check) * 1000, sorted(check)[int(0.95 * (len(check) - 1))] * 1000
        rows.append([n, f"{statistics.median(ref) * 1000:.1f}", f"{p50:.1f}", f"{p95:.1f}"])
        figures[str(n)] = {"reference_ms": round(statistics.median(ref) * 1000, 2), "p50_ms": round(p50, 2),
                           "p95_ms": round(p95, 2)}
    print_table(["open problems", "reference: bigrams only (ms)", "duplicate check p50 (ms)", "p95 (ms)"], rows)
    return figures
