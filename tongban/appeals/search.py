"""Knowledge-base full-text search: SQLite FTS5 or PostgreSQL tsvector over jieba-segmented text
with character bigrams (segment.index_text), ranked by how much of the question an article answers.

People do not ask with the words an article was written in: they paraphrase, use other words
(人防费 for 易地建设费), misspell, and wrap the question in greetings. So no word is required.
`segment.query_terms` turns the query into concepts (a word with its synonyms from the editable
data/kb_synonyms.txt and its two-character pieces), and:

1. candidates: the engine finds up to CANDIDATES articles holding any of the query's terms that
   are not in a large share of the knowledge base (a word in a quarter of all articles tells
   little and would make the engine rank most of the table), plus those holding every common
   concept, topped up from the common concepts when that selects few; FTS5 orders them by
   BM25, PostgreSQL by rarity weights on the question vector (see _pg_candidates);
2. ranking: each candidate is scored in Python with BM25F over its stored tokens (question
   weighted WQ times the answer), a concept counting by its best alternative, so the same
   articles rank the same way on both databases.
Document frequencies come from the index (FTS5's fts5vocab table; PostgreSQL's statistics, with
exact counts for the rarer words, cached for STATS_SECONDS in the process).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
import threading
import time
from dataclasses import dataclass

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from tongban.core import timeutil

from . import segment
from .models import Article

FTS_TABLE = "appeals_article_fts"
FTS_VOCAB = "appeals_article_fts_vocab"  # fts5vocab 'row' table: documents per token (migration 0007)
MAX_CONCEPTS = 16  # words of a query that count; bounds the cost of a pasted paragraph
CANDIDATES = 150  # articles the engine hands to the ranking
COMMON = 0.25  # a term in more than this share of articles does not select candidates on its own
MAX_SELECTING = 8  # at most this many (the rarest) terms select candidates
SELECT_BUDGET = 30000  # ... and together they are in at most this many articles (engine work)
PG_POOL = 3000  # PostgreSQL, one common word: rank the first articles found asking about it
PG_BODY_BUDGET = 1000  # PostgreSQL: answers are searched for the rarest terms within this many rows
WQ = 6.0  # a term in the question counts six times a term in the answer (bench_kb: 3 -> 6 gained 0.01 recall@5)
K1, B = 1.2, 0.75  # BM25 saturation and length normalisation
STATS_SECONDS = 300  # PostgreSQL: how long document frequencies are reused within a process
PG_DF_CAP = 20000  # PostgreSQL: exact counts stop here (a word this frequent is common anyway)


@dataclass
class Hit:
    article: Article
    score: float
    question_html: SafeString
    snippet_html: SafeString


# --- query text for each engine ---------------------------------------------------------------


def _fts5_token(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts5_term(tokens: tuple[str, ...]) -> str:
    inner = " AND ".join(_fts5_token(t) for t in tokens)
    return inner if len(tokens) == 1 else "(" + inner + ")"


def _ts_token(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def _ts_term(tokens: tuple[str, ...]) -> str:
    inner = " & ".join(_ts_token(t) for t in tokens)
    return inner if len(tokens) == 1 else "(" + inner + ")"


def fts5_expression(any_of: list[tuple[str, ...]], all_of: list[list[tuple[str, ...]]]) -> str:
    """Articles holding any term of `any_of`, or one term of every group of `all_of`."""
    parts = [_fts5_term(t) for t in any_of]
    if all_of:
        parts.append("(" + " AND ".join("(" + " OR ".join(_fts5_term(t) for t in g) + ")" for g in all_of) + ")")
    return " OR ".join(parts)


def tsquery_expression(any_of: list[tuple[str, ...]], all_of: list[list[tuple[str, ...]]]) -> str:
    parts = [_ts_term(t) for t in any_of]
    if all_of:
        parts.append("(" + " & ".join("(" + " | ".join(_ts_term(t) for t in g) + ")" for g in all_of) + ")")
    return " | ".join(parts)


# --- document frequencies ---------------------------------------------------------------------

_stats_lock = threading.Lock()
_stats: dict = {"at": 0.0, "n": 0, "common": {}, "df": {}}  # per process (SQLite keeps only "n")


def clear_stats() -> None:
    """Forget cached frequencies (after an article is saved in this process)."""
    with _stats_lock:
        _stats.update(at=0.0, n=0, common={}, df={})


def _frequencies(tokens: set[str]) -> tuple[int, dict[str, int]]:
    """(number of articles, token -> number of articles holding it)."""
    if not tokens:
        return 0, {}
    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            with _stats_lock:
                if time.monotonic() - _stats["at"] > STATS_SECONDS:
                    _stats.update(at=time.monotonic(), n=0)
            if not _stats["n"]:  # counting 100,000 rows on every query would cost milliseconds
                cur.execute(f"SELECT count(*) FROM {FTS_TABLE}_docsize")  # noqa: S608 - fixed SQL
                _stats["n"] = cur.fetchone()[0]
            n = _stats["n"]
            listed = sorted(tokens)
            cur.execute(f"SELECT term, doc FROM {FTS_VOCAB} WHERE term IN ({','.join(['%s'] * len(listed))})",  # noqa: S608
                        listed)
            return n, {term: doc for term, doc in cur.fetchall()}
        with _stats_lock:
            if time.monotonic() - _stats["at"] > STATS_SECONDS:
                _stats.update(at=time.monotonic(), n=0, common={}, df={})
        if not _stats["n"]:
            cur.execute("SELECT count(*) FROM appeals_article")
            n = cur.fetchone()[0]
            # ANALYZE keeps the most common lexemes of the vector with their share of rows.
            cur.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                        "WHERE tablename = 'appeals_article' AND attname = 'search_vector'")
            row = cur.fetchone()
            common = {}
            if row and row[0] and n > 1000:
                common = {elem: round(freq * n) for elem, freq in zip(row[0], row[1], strict=False)}
            with _stats_lock:
                _stats.update(n=n, common=common)
        n, common, known = _stats["n"], _stats["common"], _stats["df"]
        missing = sorted(t for t in tokens if t not in common and t not in known)
        if missing:
            cur.execute(
                "SELECT t, (SELECT count(*) FROM (SELECT 1 FROM appeals_article a "
                "WHERE a.search_vector @@ to_tsquery('simple', q) LIMIT %s) s) "
                "FROM unnest(%s::text[], %s::text[]) AS x(t, q)",
                [PG_DF_CAP, missing, [_ts_token(t) for t in missing]],
            )
            found = dict(cur.fetchall())
            with _stats_lock:
                known.update(found)
        return n, {t: common.get(t, known.get(t, 0)) for t in tokens}


def _idf(n: int, df: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


# --- engine queries ---------------------------------------------------------------------------


def _filters(*, today: dt.date, public: bool, kind: str, organisation_ids: list[int] | None):
    sql = []
    params: list = []
    if public:
        sql.append("a.state = 'published' AND (a.valid_from IS NULL OR a.valid_from <= %s) "
                   "AND (a.valid_to IS NULL OR a.valid_to >= %s)")
        params += [today, today]
    else:
        sql.append("a.state <> 'withdrawn'")
    if kind:
        sql.append("a.kind = %s")
        params.append(kind)
    if organisation_ids is not None:
        sql.append("a.organisation_id IN (" + ",".join(str(int(i)) for i in organisation_ids or [0]) + ")")
    return " AND ".join(sql), params


def _plan(concepts, n: int, df: dict[str, int]):
    """(terms any of which selects a candidate, common concepts all of which select one).

    A term of several tokens selects by its two rarest (the ranking checks the rest), and at
    most MAX_SELECTING of the rarest terms select, while their postings stay within
    SELECT_BUDGET: the engine's work is bounded, not proportional to the query's length."""
    def term_df(tokens):
        return min(df.get(t, 0) for t in tokens)

    def selector(tokens):
        return tuple(sorted(sorted(tokens, key=lambda t: df.get(t, 0))[:2]))

    limit = max(COMMON * n, 50)
    rare: dict[tuple[str, ...], int] = {}
    common_concepts = []
    for concept in concepts:
        strong = [t for t, w in concept if w > segment.PIECE_WEIGHT and term_df(t) > 0]
        if strong and all(term_df(t) > limit for t in strong):
            common_concepts.append(list(dict.fromkeys(selector(t) for t in strong)))
        for t in strong:
            if term_df(t) <= limit:
                rare[selector(t)] = term_df(t)
    if not rare and not common_concepts:  # only pieces (a misspelt word): let them select
        rare = {t: term_df(t) for concept in concepts for t, _ in concept if 0 < term_df(t) <= limit}
    kept, postings = [], 0
    for term in sorted(rare, key=lambda t: (rare[t], t))[:MAX_SELECTING]:
        if kept and postings + rare[term] > SELECT_BUDGET:
            break  # the rarer terms already select; the rest only rank
        kept.append(term)
        postings += rare[term]
    all_of = common_concepts if len(common_concepts) > 1 or not kept else []
    return kept, all_of


def _candidates(concepts, n, df, filters) -> list[int]:
    any_of, all_of = _plan(concepts, n, df)
    if not any_of and not all_of:
        return []
    where, params = filters
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            return _pg_candidates(cur, concepts, any_of, all_of, n, df, where, params)
        expr = fts5_expression(any_of, all_of)
        # Rank in the index alone first (no join: a broad query matches much of the table), then
        # keep the candidates that pass the filters; only when too many fail, rank with the join.
        cur.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - values bound
            f"ORDER BY bm25({FTS_TABLE}, {WQ}, 1.0) LIMIT %s",
            [expr, CANDIDATES * 2],
        )
        ranked = [row[0] for row in cur.fetchall()]
        if not ranked:
            return []
        ids = ",".join(str(int(i)) for i in ranked)
        cur.execute(f"SELECT a.id FROM appeals_article a WHERE a.id IN ({ids}) AND {where}", params)  # noqa: S608
        passing = {row[0] for row in cur.fetchall()}
        kept = [i for i in ranked if i in passing][:CANDIDATES]
        if len(kept) == CANDIDATES or len(ranked) < CANDIDATES * 2:
            return kept + _fill_up(cur, concepts, df, any_of, all_of, kept, where, params)
        cur.execute(
            f"SELECT a.id FROM {FTS_TABLE} JOIN appeals_article a ON a.id = {FTS_TABLE}.rowid "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY bm25({FTS_TABLE}, {WQ}, 1.0), a.id LIMIT %s",
            [expr, *params, CANDIDATES],
        )
        return [row[0] for row in cur.fetchall()]


def _fill_up(cur, concepts, df, any_of, all_of, found, where, params) -> list[int]:
    """SQLite: when the rare terms select few articles, the questions holding a common concept
    left out of the selection (人防工程 beside the rare 防空洞) compete too, by BM25."""
    if len(found) >= CANDIDATES // 3:
        return []
    used = set(any_of) | {t for g in all_of for t in g}
    common = [tuple(sorted(sorted(t, key=lambda x: df.get(x, 0))[:2])) for concept in concepts
              for t, w in concept if w > segment.PIECE_WEIGHT and min(df.get(x, 0) for x in t) > 0]
    common = [t for t in dict.fromkeys(common) if t not in used]
    if not common:
        return []
    expr = "{search_question} : (" + fts5_expression([*any_of, *common], []) + ")"
    cur.execute(
        f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "  # noqa: S608 - values bound
        f"ORDER BY bm25({FTS_TABLE}, {WQ}, 1.0) LIMIT %s",
        [expr, CANDIDATES * 2],
    )
    ranked = [row[0] for row in cur.fetchall() if row[0] not in set(found)]
    if not ranked:
        return []
    ids = ",".join(str(int(i)) for i in ranked)
    cur.execute(f"SELECT a.id FROM appeals_article a WHERE a.id IN ({ids}) AND {where}", params)  # noqa: S608
    passing = {row[0] for row in cur.fetchall()}
    return [i for i in ranked if i in passing][: CANDIDATES - len(found)]


def _pg_candidates(cur, concepts, any_of, all_of, n, df, where, params) -> list[int]:
    """PostgreSQL: (a) articles whose question holds the terms, ordered by the sum of the
    terms' rarity weights (BM25 without term counts; ts_rank has no document frequencies), from
    the small question vector and its own index; (b) articles whose answer holds the rarest
    terms (postings within PG_BODY_BUDGET), by ts_rank. The whole vector is large (TOASTed):
    each row read from it is decompressed, so (b) reads few rows and (a) none."""
    def by_question(any_of, all_of, pool: bool, exclude: list[int]) -> list[int]:
        terms = list(dict.fromkeys([*any_of, *(t for g in all_of for t in g)]))
        weights = [_idf(n, min(df.get(t, 0) for t in term)) for term in terms]
        score = " + ".join(f"(CASE WHEN a.search_qvector @@ to_tsquery('simple', %s) THEN {w:.4f} ELSE 0 END)"
                           for w in weights)
        # A broad word (人防) is in a large share of questions: score the first PG_POOL found
        # (a bitmap scan stops there) rather than every row.
        cur.execute(
            f"SELECT a.id, {score} AS score FROM (SELECT a.id, a.search_qvector FROM appeals_article a "  # noqa: S608
            f"WHERE a.search_qvector @@ to_tsquery('simple', %s) AND {where} {f'LIMIT {PG_POOL}' if pool else ''}) a "
            "ORDER BY score DESC, a.id LIMIT %s",
            [*(_ts_term(term) for term in terms), tsquery_expression(any_of, all_of), *params, CANDIDATES],
        )
        return [row[0] for row in cur.fetchall() if row[0] not in set(exclude)]

    found = by_question(any_of, all_of, not any_of, [])
    if len(found) < CANDIDATES // 3:  # few selected: let the common concepts left out compete
        used = set(any_of) | {t for g in all_of for t in g}
        common = [tuple(sorted(sorted(t, key=lambda x: df.get(x, 0))[:2])) for concept in concepts
                  for t, w in concept if w > segment.PIECE_WEIGHT and min(df.get(x, 0) for x in t) > 0]
        common = [t for t in dict.fromkeys(common) if t not in used]
        if common:
            found += by_question([*any_of, *common], [], True, found)
    rarest, postings = [], 0
    for term in sorted(any_of, key=lambda t: min(df.get(x, 0) for x in t)):
        postings += min(df.get(x, 0) for x in term)
        if rarest and postings > PG_BODY_BUDGET:
            break
        rarest.append(term)
    if rarest:
        body_query = tsquery_expression(rarest, [])
        cur.execute(
            "SELECT a.id FROM appeals_article a WHERE a.search_vector @@ to_tsquery('simple', %s) "  # noqa: S608
            f"AND {where} ORDER BY ts_rank(a.search_vector, to_tsquery('simple', %s)) DESC, a.id LIMIT %s",
            [body_query, *params, body_query, CANDIDATES // 3],
        )
        found += [row[0] for row in cur.fetchall() if row[0] not in set(found)]
    return found


def _rank(concepts, n: int, df: dict[str, int], ids: list[int]) -> list[tuple[int, float]]:
    """BM25F over the stored tokens of each candidate (each field normalised by its own length,
    so a long answer does not bury a question that matches); a concept scores by its best
    alternative."""
    if not ids:
        return []
    rows = Article.objects.filter(pk__in=ids).values_list("id", "search_question", "search_body")
    wanted = {t for concept in concepts for term, _ in concept for t in term}
    in_question: dict[str, dict[int, int]] = {t: {} for t in wanted}
    in_body: dict[str, dict[int, int]] = {t: {} for t in wanted}
    lengths: dict[int, tuple[int, int]] = {}
    for pk, question, body in rows:
        # Counting each wanted token in the padded text is done in C; no splitting needed.
        q_text, b_text = f" {question} ", f" {body} "
        for t in wanted:
            if c := q_text.count(f" {t} "):
                in_question[t][pk] = c
            if c := b_text.count(f" {t} "):
                in_body[t][pk] = c
        lengths[pk] = (question.count(" ") + 1, body.count(" ") + 1)
    avg_q = sum(q for q, _ in lengths.values()) / len(lengths)
    avg_b = sum(b for _, b in lengths.values()) / len(lengths)
    # tf in a field is divided by that field's length relative to the average, then weighted.
    scale_q = {pk: WQ / (1 - B + B * q / avg_q) for pk, (q, _) in lengths.items()}
    scale_b = {pk: 1 / (1 - B + B * b / avg_b) for pk, (_, b) in lengths.items()}
    totals: dict[int, float] = {}
    for concept in concepts:
        best: dict[int, float] = {}
        # A synonym or a piece never weighs more than the word typed (a rare synonym would
        # otherwise outrank the caller's own word); the word typed is the concept's first term.
        ceiling = _idf(n, min(df.get(t, 0) for t in concept[0][0]))
        for term, weight in concept:
            w = weight * min(ceiling, _idf(n, min(df.get(t, 0) for t in term))) * (K1 + 1)
            holding = set(in_question[term[0]]) | set(in_body[term[0]])
            for t in term[1:]:
                holding &= set(in_question[t]) | set(in_body[t])
            for pk in holding:
                tf = (scale_q[pk] * min(in_question[t].get(pk, 0) for t in term)
                      + scale_b[pk] * min(in_body[t].get(pk, 0) for t in term))
                if tf:
                    value = w * tf / (tf + K1)
                    if value > best.get(pk, 0.0):
                        best[pk] = value
        for pk, value in best.items():
            totals[pk] = totals.get(pk, 0.0) + value
    return sorted(((pk, round(v, 4)) for pk, v in totals.items()), key=lambda item: (-item[1], item[0]))


def search_ids(query: str, *, limit: int = 10, public: bool = True, kind: str = "",
               organisation_ids: list[int] | None = None, today: dt.date | None = None) -> list[tuple[int, float]]:
    """(article id, score) best first: the articles answering most of the query, whether or not
    they hold every word of it."""
    concepts = segment.query_terms(query)[:MAX_CONCEPTS]
    if not concepts:
        return []
    n, df = _frequencies({t for concept in concepts for term, _ in concept for t in term})
    filters = _filters(today=today or timeutil.today(), public=public, kind=kind, organisation_ids=organisation_ids)
    ids = _candidates(concepts, n, df, filters)
    return _rank(concepts, n, df, ids)[:limit]


def search(query: str, *, limit: int = 10, public: bool = True, kind: str = "",
           organisation_ids: list[int] | None = None) -> list[Hit]:
    ranked = search_ids(query, limit=limit, public=public, kind=kind, organisation_ids=organisation_ids)
    articles = Article.objects.select_related("organisation", "category").in_bulk([i for i, _ in ranked])
    terms = segment.highlight_terms(query)
    hits = []
    for article_id, score in ranked:
        article = articles.get(article_id)
        if article is None:
            continue
        hits.append(Hit(article=article, score=score, question_html=highlight(article.question, terms),
                        snippet_html=highlight(snippet(article.answer, terms), terms)))
    return hits


# --- highlighting -------------------------------------------------------------------------------


def snippet(text: str, terms: list[str], width: int = 90) -> str:
    """A window of the answer around the first term found (the start if none)."""
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) <= width:
        return text
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - width // 4) if positions else 0
    end = min(len(text), start + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def highlight(text: str, terms: list[str]) -> SafeString:
    """Escape `text` and wrap each occurrence of a term in <mark>. Marks are placed on the raw
    text's spans, then every piece is escaped, so no markup can come from the text itself."""
    if not text:
        return mark_safe("")
    lowered = text.lower()
    marked = [False] * len(text)
    for term in terms:
        if not term:
            continue
        start = lowered.find(term)
        while start >= 0:
            for i in range(start, start + len(term)):
                marked[i] = True
            start = lowered.find(term, start + len(term))
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        piece = html.escape(text[i:j])
        out.append(f"<mark>{piece}</mark>" if marked[i] else piece)
        i = j
    return mark_safe("".join(out))


def reindex(article: Article) -> None:
    """Fill the segmented fields; the database keeps the index in step (FTS5 triggers, or the
    generated tsvector column on PostgreSQL)."""
    article.search_question = segment.index_text(article.question + " " + article.keywords)
    article.search_body = segment.index_text(article.answer + " " + article.legal_basis)
    clear_stats()  # this process's cached frequencies no longer match the index
