"""The knowledge-base search as it was before issue 15 (every word must match, relaxed by one word
only when nothing matches), frozen here as the reference the benchmark prints beside the current
search. It reads the same index (whose tokens are a superset of what it was written for: the
bigrams added since only add matches for its two-character alternatives) and keeps its own
query analysis, stopword list included, so later changes to search.py do not move the baseline."""

from __future__ import annotations

import datetime as dt

from django.db import connection

from tongban.appeals import segment
from tongban.appeals.search import FTS_TABLE, _filters
from tongban.core import timeutil

MAX_GROUPS = 8
PG_QUESTION_POOL = 2000
STOPWORDS = frozenset(
    ["的", "了", "是", "吗", "呢", "吧", "啊", "呀", "么", "着", "过", "和", "与", "及", "或", "而", "在", "对", "把", "被",
     "从", "向", "给", "为", "以", "于", "之", "其", "这", "那", "这个", "那个", "我", "我们", "你", "你们", "您", "他", "她",
     "它", "他们", "请问", "请", "怎么", "怎么办", "怎样", "如何", "什么", "哪些", "哪里", "哪个", "为什么", "是否", "能否",
     "可否", "可以", "能", "会", "要", "应", "应当", "需要", "有", "没有", "一个", "一下", "及其", "等", "还", "也", "都",
     "就", "又", "或者", "以及", "如果", "如", "则", "但", "但是", "并", "并且", "即", "该", "所", "这些", "那些", "有关",
     "关于", "相关"]
)


def _words(text: str) -> list[str]:
    out = []
    for raw in segment.tokenizer().cut(text or "", HMM=False):
        for piece in segment._WORD.findall(raw.lower()):
            if piece not in STOPWORDS:
                out.append(piece)
    return out


def query_groups(query: str) -> list[list[list[str]]]:
    tokens = _words(query)
    groups: list[list[list[str]]] = []
    for n, word in enumerate(tokens):
        alternatives = [[word]]
        if len(word) == 1 and segment.is_cjk(word):
            if n > 0 and segment.is_cjk(tokens[n - 1]):
                alternatives.append([tokens[n - 1][-1] + word])
            if n + 1 < len(tokens) and segment.is_cjk(tokens[n + 1]):
                alternatives.append([word + tokens[n + 1][0]])
        groups.append(alternatives)
    unique, seen = [], set()
    for g in groups:
        key = tuple(tuple(a) for a in g)
        if key not in seen:
            seen.add(key)
            unique.append(g)
    return unique


def _fts5_phrase(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def fts5_expression(groups, *, question_only: bool = False) -> str:
    parts = []
    for alternatives in groups:
        alts = [_fts5_phrase(a) for a in alternatives]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    expr = " AND ".join(parts)
    return "{search_question} : (" + expr + ")" if question_only else expr


def _ts_term(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(groups) -> str:
    parts = []
    for alternatives in groups:
        alts = []
        for alternative in alternatives:
            phrase = " <-> ".join(_ts_term(t) for t in alternative)
            alts.append(f"({phrase})" if len(alternative) > 1 else phrase)
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def _run(groups, limit, exclude, filters, *, question_only=False):
    where, params = filters
    if exclude:
        where += " AND a.id NOT IN (" + ",".join(str(int(i)) for i in exclude) + ")"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            if question_only:
                cur.execute(
                    "SELECT a.id, ts_rank_cd(a.search_qvector, q) AS score "
                    "FROM to_tsquery('simple', %s) q, LATERAL (SELECT a.id, a.search_qvector "
                    f"FROM appeals_article a WHERE a.search_qvector @@ q AND {where} LIMIT %s) a "
                    "ORDER BY score DESC, a.id LIMIT %s",
                    [tsquery_expression(groups), *params, PG_QUESTION_POOL, limit],
                )
                return [(row[0], float(row[1])) for row in cur.fetchall()]
            cur.execute(
                "SELECT a.id, ts_rank_cd(a.search_vector, q) AS score "
                "FROM appeals_article a, to_tsquery('simple', %s) q "
                f"WHERE a.search_vector @@ q AND {where} ORDER BY score DESC, a.id LIMIT %s",
                [tsquery_expression(groups), *params, limit],
            )
            return [(row[0], float(row[1])) for row in cur.fetchall()]
        expr = fts5_expression(groups, question_only=question_only)
        want = (limit + len(exclude)) * 2
        cur.execute(
            f"SELECT rowid, bm25({FTS_TABLE}, 3.0, 1.0) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score LIMIT %s",
            [expr, want],
        )
        candidates = [(row[0], -float(row[1])) for row in cur.fetchall()]
        if not candidates:
            return []
        ids = ",".join(str(int(i)) for i, _ in candidates)
        cur.execute(f"SELECT a.id FROM appeals_article a WHERE a.id IN ({ids}) AND {where}", params)
        passing = {row[0] for row in cur.fetchall()}
        kept = [c for c in candidates if c[0] in passing][:limit]
        if len(kept) == limit or len(candidates) < want:
            return kept
        cur.execute(
            f"SELECT a.id, bm25({FTS_TABLE}, 3.0, 1.0) AS score "
            f"FROM {FTS_TABLE} JOIN appeals_article a ON a.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY score, a.id LIMIT %s",
            [expr, *params, limit],
        )
        return [(row[0], -float(row[1])) for row in cur.fetchall()]


def search_ids(query: str, *, limit: int = 10, today: dt.date | None = None) -> list[tuple[int, float]]:
    groups = query_groups(query)[:MAX_GROUPS]
    if not groups:
        return []
    filters = _filters(today=today or timeutil.today(), public=True, kind="", organisation_ids=None)
    found = []
    if len(groups) == 1:
        found = _run(groups, limit, [], filters, question_only=True)
    if len(found) < limit:
        found += _run(groups, limit - len(found), [i for i, _ in found], filters)
    for question_only in (True, False):
        if found or len(groups) < 2:
            break
        seen = [i for i, _ in found]
        relaxed: dict[int, float] = {}
        for drop in range(len(groups)):
            rest = groups[:drop] + groups[drop + 1:]
            for article_id, score in _run(rest, limit - len(found), seen, filters, question_only=question_only):
                relaxed[article_id] = max(score, relaxed.get(article_id, score))
        found += sorted(relaxed.items(), key=lambda item: (-item[1], item[0]))[: limit - len(found)]
    return found
