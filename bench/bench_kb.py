"""Knowledge-base search: 100,000 generated civil air defence articles, latency (p50/p95/p99) and
recall@5 on a labelled query set, on SQLite FTS5 (and PostgreSQL tsvector when asked).

Every generated article has a distinct (region, subject, action, term, aspect) in its question, so
each labelled query has exactly one right answer; answers carry random other terms as noise, so
queries compete with thousands of partial matches. Query kinds: keywords, a natural question, a
question with the term shortened to two characters, and a bare two-character term (latency only:
it matches a large share of the corpus and has no single right answer).

Environment: BENCH_KB_ARTICLES (default 100000), BENCH_KB_QUERIES (per kind, default 200),
BENCH_KB_DATABASE_URL (default a fresh SQLite file in a temporary folder; a postgres:// URL runs
the same on PostgreSQL).
"""

from __future__ import annotations

import os
import random
import statistics
import tempfile
import time

from ._table import print_table

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


def _generate(n: int, rng: random.Random) -> tuple[list, float, float]:
    """Insert n published articles through the real segmentation; (combos, seconds, chars/s)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from tongban.accounts.models import Organisation
    from tongban.appeals import segment

    org, _ = Organisation.objects.get_or_create(
        code="BENCHKB", defaults={"name": "压测人防办", "kind": "agency", "level": "province", "division_code": "410000",
                                  "path": "999999/"})
    combos = list(_combos(n, rng))
    now = timezone.now()
    t0 = time.perf_counter()
    chars = 0
    batch = []
    sql = (
        "INSERT INTO appeals_article (kind, question, answer, legal_basis, valid_from, valid_to, organisation_id, "
        "category_id, keywords, state, source_appeal_id, search_question, search_body, hits, created_by_id, "
        "published_at, updated_at) VALUES (%s, %s, %s, '', NULL, NULL, %s, NULL, '', 'published', NULL, %s, %s, 0, "
        "NULL, %s, %s)"
    )
    with transaction.atomic(), connection.cursor() as cur:
        for combo in combos:
            question, answer = _article(combo, rng)
            chars += len(question) + len(answer)
            batch.append(("faq", question, answer, org.pk, segment.index_text(question), segment.index_text(answer),
                          now, now))
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
    seconds = time.perf_counter() - t0
    return combos, seconds, chars / seconds


def _queries(combos, per_kind: int, rng: random.Random) -> dict[str, list[tuple[str, tuple]]]:
    picks = rng.sample(combos, per_kind * 3)
    kinds: dict[str, list[tuple[str, tuple]]] = {"关键词": [], "自然问句": [], "两字简称": [], "两字短词": []}
    for i, combo in enumerate(picks):
        r, s, a, t, x = combo
        if i < per_kind:
            kinds["关键词"].append((f"{r} {s} {a} {t} {x}", combo))
        elif i < 2 * per_kind:
            kinds["自然问句"].append((f"请问{r}的{s}怎么{a}{t}，{x}是什么", combo))
        else:
            kinds["两字简称"].append((f"{r}{s}{a}{t[:2]}{x}", combo))
    for _ in range(per_kind):
        kinds["两字短词"].append((rng.choice(TERMS)[:2], None))
    return kinds


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run() -> None:
    n = int(os.environ.get("BENCH_KB_ARTICLES", "100000"))
    per_kind = int(os.environ.get("BENCH_KB_QUERIES", "200"))
    url = os.environ.get("BENCH_KB_DATABASE_URL", "")
    tmp = None
    if not url:
        tmp = tempfile.TemporaryDirectory(prefix="tongban-bench-kb-")
        url = f"sqlite:///{tmp.name}/kb.sqlite3"
    _setup(url)
    from django.db import connection

    from tongban.appeals import search
    from tongban.appeals.models import Article

    rng = random.Random(20261101)
    combos, seconds, speed = _generate(n, rng)
    print(f"database: {connection.vendor}; {Article.objects.count():,} articles indexed in {seconds:.1f} s "
          f"({speed:,.0f} characters/s through jieba and the index)")
    question_of = dict(Article.objects.values_list("id", "question"))
    id_of: dict[tuple, int] = {}
    for article_id, combo in zip(sorted(question_of), combos, strict=True):
        id_of[combo] = article_id
    search.search_ids("预热")  # load the dictionary and warm the caches outside the timings
    rows = []
    every_engine: list[float] = []
    every_page: list[float] = []
    for kind, queries in _queries(combos, per_kind, rng).items():
        engine, page, found = [], [], 0
        for text, combo in queries:
            t0 = time.perf_counter()
            ranked = search.search_ids(text, limit=10)
            engine.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            search.search(text, limit=10)
            page.append((time.perf_counter() - t0) * 1000)
            if combo is not None and id_of[combo] in [i for i, _ in ranked[:5]]:
                found += 1
        every_engine += engine
        every_page += page
        recall = f"{100 * found / len(queries):.1f}%" if queries[0][1] is not None else "—"
        rows.append([kind, len(queries), f"{_pct(engine, 0.5):.2f}", f"{_pct(engine, 0.95):.2f}",
                     f"{_pct(engine, 0.99):.2f}", f"{_pct(page, 0.95):.2f}", recall])
    labelled = sum(int(r[1]) for r in rows[:3])
    recall_all = sum(float(r[6].rstrip("%")) * int(r[1]) for r in rows[:3]) / labelled
    rows.append(["全部", len(every_engine), f"{_pct(every_engine, 0.5):.2f}", f"{_pct(every_engine, 0.95):.2f}",
                 f"{_pct(every_engine, 0.99):.2f}", f"{_pct(every_page, 0.95):.2f}", f"{recall_all:.1f}%"])
    print_table(["查询类型", "查询数", "检索 p50 ms", "检索 p95 ms", "检索 p99 ms", "含高亮 p95 ms", "recall@5"], rows)
    print(f"target: p95 <= 20 ms over all queries -> {'met' if _pct(every_engine, 0.95) <= 20 else 'NOT met'} "
          f"(engine), {'met' if _pct(every_page, 0.95) <= 20 else 'NOT met'} (with fetch and highlighting)")
    print(f"median latency of all queries: {statistics.median(every_engine):.2f} ms")
    if tmp is not None:
        connection.close()
        tmp.cleanup()
