"""Knowledge-base search on hotline questions: recall@5 and MRR on a hand-written evaluation set
(bench/data: 80 articles, 414 questions asked the way callers ask), in a corpus padded with
generated civil air defence articles to BENCH_KB_ARTICLES, with latency in-process and over HTTP;
beside it, in the same run, the search as it was before issue 15 (every word must match).

The padding is the old generator (distinct region/subject/action/term/aspect questions with noisy
answers): it shares the real articles' vocabulary, so it competes with them for every query.
No question was built from the words of its article (see bench/data/README.md).

Environment: BENCH_KB_ARTICLES (total, default 100000), BENCH_KB_DATABASE_URL (default a fresh
SQLite file in a temporary folder; a postgres:// URL runs the same on PostgreSQL, dropping and
creating that database), BENCH_KB_HTTP (default 1: also start gunicorn on the same database and
time the public search API and page against /ping; 0 skips), BENCH_KB_PORT (default 8125).
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from ._table import print_table

DATA = Path(__file__).resolve().parent / "data"
SEED = 20261101

REGIONS = [
    "郑州市", "洛阳市", "开封市", "新乡市", "安阳市", "南阳市", "商丘市", "信阳市", "许昌市", "平顶山市",
    "焦作市", "周口市", "驻马店市", "漯河市", "三门峡市", "鹤壁市", "濮阳市", "济源市", "中原区", "金水区",
    "二七区", "管城区", "惠济区", "上街区", "西工区", "洛龙区", "老城区", "涧西区", "龙亭区", "鼓楼区",
    "卫滨区", "红旗区", "文峰区", "北关区", "卧龙区", "宛城区", "梁园区", "睢阳区", "浉河区", "魏都区",
]
SUBJECTS = ["建设单位", "施工单位", "设计单位", "监理单位", "房地产企业", "学校", "医院", "养老机构", "个人", "物业公司"]
ACTIONS = ["申请", "缴纳", "减免", "退还", "备案", "验收", "审批", "变更", "查询", "补办", "注销", "延期", "核定", "登记", "检测"]
TERMS = [
    "防空地下室", "易地建设费", "人防工程", "竣工验收备案", "质量监督手续", "报建审批", "施工图审查", "防护设备",
    "防护密闭门", "滤毒通风", "人防车位", "平战结合", "平战转换", "防空警报", "警报器", "人员掩蔽工程", "物资库",
    "医疗救护工程", "防护单元", "人防指挥所", "疏散基地", "人防工程使用证", "人防工程拆除", "战时通风", "防爆波活门",
    "工程监理", "设计审查", "收费标准", "缴款书", "非税收入",
]
ASPECTS = ["材料", "时限", "流程", "费用", "条件", "依据", "窗口", "网上办理", "表格", "结果"]
FILLERS = [
    "依据有关规定，{t}应当由{s}向人防主管部门提出。",
    "办理{t}实行一次性告知，材料齐全的当场受理。",
    "{t}可以在平台全程网办，无需到窗口。",
    "如对{t}有疑问，可拨打12345热线咨询。",
    "涉及{t}的，承诺时限为五个工作日。",
    "{s}应当配合做好{t}相关工作，确保工程质量。",
    "未按规定办理{t}的，依法责令限期改正。",
    "{t}的具体标准以本省最新规定为准。",
]
TEMPLATES = [
    "{r}{s}{a}{t}的{x}是什么？",
    "{r}{s}如何{a}{t}？{x}有哪些要求",
    "{s}在{r}{a}{t}需要准备哪些{x}",
]


def _combos(n: int, rng: random.Random):
    space = len(REGIONS) * len(SUBJECTS) * len(ACTIONS) * len(TERMS) * len(ASPECTS)
    if n > space:
        raise SystemExit(f"at most {space} distinct articles can be generated")
    for k in rng.sample(range(space), n):
        k, x = divmod(k, len(ASPECTS))
        k, t = divmod(k, len(TERMS))
        k, a = divmod(k, len(ACTIONS))
        r, s = divmod(k, len(SUBJECTS))
        yield REGIONS[r], SUBJECTS[s], ACTIONS[a], TERMS[t], ASPECTS[x]


def _article(combo, rng: random.Random) -> tuple[str, str]:
    r, s, a, t, x = combo
    question = rng.choice(TEMPLATES).format(r=r, s=s, a=a, t=t, x=x)
    noise = [rng.choice(TERMS) for _ in range(4)]
    body = "".join(rng.choice(FILLERS).format(t=nt, s=rng.choice(SUBJECTS)) for nt in [t, *noise])
    return question, f"{r}{s}{a}{t}：{body}"


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _insert(n_total: int, rng: random.Random) -> tuple[dict[str, int], float, int]:
    """Insert the real articles at random places among generated padding, through the real
    segmentation; (real article id -> database id, seconds, padding count)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tongban.accounts.models import Organisation
    from tongban.appeals import segment

    real = json.loads((DATA / "kb_articles.json").read_text(encoding="utf-8"))
    padding = max(0, n_total - len(real))
    org, _ = Organisation.objects.get_or_create(
        code="BENCHKB", defaults={"name": "压测人防办", "kind": "agency", "level": "province", "division_code": "410000",
                                  "path": "999999/"})
    slots = sorted(rng.sample(range(padding + len(real)), len(real)))
    rows = iter(_article(combo, rng) for combo in _combos(padding, rng))
    now = timezone.now()
    sql = (
        "INSERT INTO appeals_article (kind, question, answer, legal_basis, valid_from, valid_to, organisation_id, "
        "category_id, keywords, state, source_appeal_id, search_question, search_body, hits, created_by_id, "
        "published_at, updated_at) VALUES (%s, %s, %s, %s, NULL, NULL, %s, NULL, %s, 'published', NULL, %s, %s, 0, "
        "NULL, %s, %s)"
    )
    t0 = time.perf_counter()
    order: list[str | None] = []
    batch = []
    real_at = dict(zip(slots, real, strict=True))
    with transaction.atomic(), connection.cursor() as cur:
        for position in range(padding + len(real)):
            article = real_at.get(position)
            if article is not None:
                q, a, basis, kw = article["question"], article["answer"], article["legal_basis"], article["keywords"]
                order.append(article["id"])
            else:
                (q, a), basis, kw = next(rows), "", ""
                order.append(None)
            # What search.reindex stores for an article saved through the services.
            batch.append(("faq", q, a, basis, org.pk, kw, segment.index_text(q + " " + kw),
                          segment.index_text(a + " " + basis), now, now))
            if len(batch) == 2000:
                cur.executemany(sql, batch)
                batch.clear()
        if batch:
            cur.executemany(sql, batch)
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            # What `tongban kb_reindex` does after a bulk load: merge the index segments.
            cur.execute("INSERT INTO appeals_article_fts(appeals_article_fts) VALUES ('optimize')")
        cur.execute("ANALYZE")
        cur.execute("SELECT id FROM appeals_article WHERE organisation_id = %s ORDER BY id", [org.pk])
        ids = [row[0] for row in cur.fetchall()]
    return {label: pk for label, pk in zip(order, ids, strict=True) if label}, time.perf_counter() - t0, padding


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def _evaluate(search_fn, questions, id_of) -> dict:
    """recall@5 (share of a question's labelled articles in the first five, averaged), MRR@10
    (1 / rank of the first labelled article, 0 beyond ten) and latency, per question kind."""
    per_kind: dict[str, dict[str, list[float]]] = {}
    misses = []
    for question in questions:
        wanted = {id_of[a] for a in question["answers"]}
        t0 = time.perf_counter()
        ranked = [i for i, _ in search_fn(question["text"], limit=10)]
        ms = (time.perf_counter() - t0) * 1000
        recall = len(wanted & set(ranked[:5])) / len(wanted)
        rank = next((n for n, i in enumerate(ranked, start=1) if i in wanted), None)
        for kind in (question["kind"], "全部"):
            bucket = per_kind.setdefault(kind, {"recall": [], "rr": [], "ms": []})
            bucket["recall"].append(recall)
            bucket["rr"].append(1 / rank if rank else 0.0)
            bucket["ms"].append(ms)
        if not recall:
            misses.append(question)
    return {"kinds": per_kind, "misses": misses}


def _http(questions, url: str, port: int) -> list[list]:
    """Start gunicorn on the bench database and time, one request at a time (latency, not
    throughput), /ping, the public search API and the public search page for every question."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tongban.settings",
           "TONGBAN_RATE_PUBLIC_QUERY": "100000000", "TONGBAN_AXES_ENABLED": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tongban.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
         "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + "/ping", timeout=1)  # noqa: S310 - our own http URL
                break
            except OSError:
                time.sleep(0.2)
        targets = [
            ("/ping (reference)", lambda q: "/ping"),
            ("API /api/v1/kb/search?limit=5", lambda q: "/api/v1/kb/search?" + urllib.parse.urlencode({"q": q, "limit": 5})),
            ("page /appeals/kb/?q=", lambda q: "/appeals/kb/?" + urllib.parse.urlencode({"q": q})),
        ]
        for label, path in targets:
            for question in questions[:10]:  # warm both workers (dictionary, connections)
                urllib.request.urlopen(base + path(question["text"]), timeout=30).read()  # noqa: S310
            times, errors = [], 0
            for question in questions:
                t0 = time.perf_counter()
                try:
                    with urllib.request.urlopen(base + path(question["text"]), timeout=30) as response:  # noqa: S310
                        response.read()
                        errors += response.status != 200
                except OSError:
                    errors += 1
                times.append((time.perf_counter() - t0) * 1000)
            rows.append([label, len(times), f"{_pct(times, 0.5):.1f}", f"{_pct(times, 0.95):.1f}",
                         f"{_pct(times, 0.99):.1f}", errors])
    finally:
        server.terminate()
        server.wait()
    return rows


def run() -> dict:
    n_total = int(os.environ.get("BENCH_KB_ARTICLES", "100000"))
    url = os.environ.get("BENCH_KB_DATABASE_URL", "")
    http = os.environ.get("BENCH_KB_HTTP", "1") != "0"
    port = int(os.environ.get("BENCH_KB_PORT", "8125"))
    tmp = None
    if not url:
        tmp = tempfile.TemporaryDirectory(prefix="tongban-bench-kb-")
        url = f"sqlite:///{tmp.name}/kb.sqlite3"
    _setup(url)
    from django.db import connection

    from tongban.appeals import search
    from tongban.appeals.models import Article

    from . import _kb_baseline

    questions = json.loads((DATA / "kb_questions.json").read_text(encoding="utf-8"))
    id_of, seconds, padding = _insert(n_total, random.Random(SEED))
    print(f"database: {connection.vendor}; {Article.objects.count():,} articles ({len(id_of)} written, "
          f"{padding:,} generated padding) indexed in {seconds:.1f} s; {len(questions)} questions; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    search.search_ids("预热")  # load the dictionaries and warm the caches outside the timings
    _kb_baseline.search_ids("预热")
    engines = [("before issue 15 (all words)", _kb_baseline.search_ids), ("current (ranked, synonyms)", search.search_ids)]
    results = {label: _evaluate(fn, questions, id_of) for label, fn in engines}
    kinds = ["paraphrase", "synonym", "colloquial", "typo", "extra", "全部"]
    rows = []
    for kind in kinds:
        for label, _ in engines:
            bucket = results[label]["kinds"].get(kind)
            if not bucket:
                continue
            rows.append([kind, label, len(bucket["ms"]), f"{statistics.fmean(bucket['recall']):.3f}",
                         f"{statistics.fmean(bucket['rr']):.3f}", f"{_pct(bucket['ms'], 0.5):.2f}",
                         f"{_pct(bucket['ms'], 0.95):.2f}"])
    print_table(["问题类型", "检索", "问题数", "recall@5", "MRR@10", "进程内 p50 ms", "进程内 p95 ms"], rows)
    current = results[engines[1][0]]["kinds"]["全部"]
    recall = statistics.fmean(current["recall"])
    print(f"target: recall@5 >= 0.9 -> {'met' if recall >= 0.9 else 'NOT met'} ({recall:.3f})")
    misses = results[engines[1][0]]["misses"]
    if misses:
        print(f"questions whose labelled article is not in the first five ({len(misses)}): "
              + "; ".join(f"{q['id']} {q['text']}" for q in misses[:20]) + (" …" if len(misses) > 20 else ""))
    t0 = time.perf_counter()
    for question in questions:
        search.search(question["text"], limit=10)
    page_ms = (time.perf_counter() - t0) * 1000 / len(questions)
    print(f"with fetching and highlighting (search.search): {page_ms:.2f} ms per question on average")
    figures = {"articles": Article.objects.count(), "database": connection.vendor, "questions": len(questions),
               **{label: {"recall@5": round(statistics.fmean(r["kinds"]["全部"]["recall"]), 4),
                          "mrr@10": round(statistics.fmean(r["kinds"]["全部"]["rr"]), 4),
                          "p50_ms": round(_pct(r["kinds"]["全部"]["ms"], 0.5), 2),
                          "p95_ms": round(_pct(r["kinds"]["全部"]["ms"], 0.95), 2)} for label, r in results.items()}}
    connection.close()
    if http:
        rows = _http(questions, url, port)
        print(f"over HTTP: gunicorn, 2 sync workers, one request at a time, {len(questions)} questions; "
              f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print_table(["URL", "请求数", "p50 ms", "p95 ms", "p99 ms", "错误"], rows)
        figures["http"] = {r[0]: {"p50_ms": float(r[2]), "p95_ms": float(r[3]), "errors": r[5]} for r in rows}
    if tmp is not None:
        tmp.cleanup()
    return figures
