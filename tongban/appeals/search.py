"""Knowledge-base full-text search: SQLite FTS5 or PostgreSQL tsvector over jieba-segmented text.

Both engines get the same query plan from `segment.query_groups`: every group must match (AND),
each group by any of its alternatives (OR), an alternative being a phrase of adjacent tokens.
When fewer than `limit` articles match them all, articles matching any group are added after
them, so a long natural-language question still finds its answer. Ranking is BM25 (FTS5) or
ts_rank_cd (PostgreSQL), the question weighted above the answer.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

from tongban.core import timeutil

from . import segment
from .models import Article

FTS_TABLE = "appeals_article_fts"
MAX_GROUPS = 8  # words of a query that count; bounds the cost of a pasted paragraph
PG_QUESTION_POOL = 2000


@dataclass
class Hit:
    article: Article
    score: float
    question_html: SafeString
    snippet_html: SafeString


# --- query text for each engine ---------------------------------------------------------------


def _fts5_phrase(tokens: list[str]) -> str:
    return '"' + " ".join(t.replace('"', '""') for t in tokens) + '"'


def fts5_expression(groups: list[list[list[str]]], *, question_only: bool = False) -> str:
    parts = []
    for alternatives in groups:
        alts = [_fts5_phrase(a) for a in alternatives]
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    expr = " AND ".join(parts)
    return "{search_question} : (" + expr + ")" if question_only else expr


def _ts_term(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_expression(groups: list[list[list[str]]]) -> str:
    parts = []
    for alternatives in groups:
        alts = []
        for alternative in alternatives:
            phrase = " <-> ".join(_ts_term(t) for t in alternative)
            alts.append(f"({phrase})" if len(alternative) > 1 else phrase)
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(parts)


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


def _run(groups, limit: int, exclude: list[int], filters, *, question_only: bool = False) -> list[tuple[int, float]]:
    """Articles matching every group, best first."""
    where, params = filters
    if exclude:
        where += " AND a.id NOT IN (" + ",".join(str(int(i)) for i in exclude) + ")"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The question has its own vector and index (migration 0003): matching it needs no
            # recheck of the weighted vector, which a broad word would do for every row.
            if question_only:
                # A broad word is in thousands of questions; rank the first PG_QUESTION_POOL found
                # (a bitmap scan stops there) instead of visiting every row: bounded latency, and
                # every one of them asks about the word.
                cur.execute(
                    "SELECT a.id, ts_rank_cd(a.search_qvector, q) AS score "  # noqa: S608 - values bound
                    "FROM to_tsquery('simple', %s) q, LATERAL (SELECT a.id, a.search_qvector "
                    f"FROM appeals_article a WHERE a.search_qvector @@ q AND {where} LIMIT %s) a "
                    "ORDER BY score DESC, a.id LIMIT %s",
                    [tsquery_expression(groups), *params, PG_QUESTION_POOL, limit],
                )
                return [(row[0], float(row[1])) for row in cur.fetchall()]
            cur.execute(
                "SELECT a.id, ts_rank_cd(a.search_vector, q) AS score "  # noqa: S608 - fixed SQL, values bound
                "FROM appeals_article a, to_tsquery('simple', %s) q "
                f"WHERE a.search_vector @@ q AND {where} ORDER BY score DESC, a.id LIMIT %s",
                [tsquery_expression(groups), *params, limit],
            )
            return [(row[0], float(row[1])) for row in cur.fetchall()]
        expr = fts5_expression(groups, question_only=question_only)
        # Rank in the index alone first (no join: a broad query matches much of the table), then
        # keep the candidates that pass the filters; only when too many fail, rank with the join.
        want = (limit + len(exclude)) * 2
        cur.execute(
            f"SELECT rowid, bm25({FTS_TABLE}, 3.0, 1.0) AS score FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score LIMIT %s",
            [expr, want],
        )
        candidates = [(row[0], -float(row[1])) for row in cur.fetchall()]
        if not candidates:
            return []
        ids = ",".join(str(int(i)) for i, _ in candidates)
        cur.execute(f"SELECT a.id FROM appeals_article a WHERE a.id IN ({ids}) AND {where}", params)  # noqa: S608
        passing = {row[0] for row in cur.fetchall()}
        kept = [c for c in candidates if c[0] in passing][:limit]
        if len(kept) == limit or len(candidates) < want:
            return kept
        cur.execute(
            f"SELECT a.id, bm25({FTS_TABLE}, 3.0, 1.0) AS score "  # noqa: S608 - fixed SQL, values bound
            f"FROM {FTS_TABLE} JOIN appeals_article a ON a.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s AND {where} ORDER BY score, a.id LIMIT %s",
            [expr, *params, limit],
        )
        return [(row[0], -float(row[1])) for row in cur.fetchall()]


def search_ids(query: str, *, limit: int = 10, public: bool = True, kind: str = "",
               organisation_ids: list[int] | None = None, today: dt.date | None = None) -> list[tuple[int, float]]:
    """(article id, score) best first:
    1. for a single word, articles whose question holds it come first (a broad word then ranks
       only these, which keeps it fast);
    2. articles holding every word anywhere, the question weighing more;
    3. only when no article holds every word: those whose question holds every word but one (a
       long question rarely has every word in one article), ranked among themselves; and when
       still none, every word but one anywhere."""
    groups = segment.query_groups(query)[:MAX_GROUPS]
    if not groups:
        return []
    filters = _filters(today=today or timeutil.today(), public=public, kind=kind, organisation_ids=organisation_ids)
    found = []
    if len(groups) == 1:  # one broad word: rank the articles asking about it before the rest
        found = _run(groups, limit, [], filters, question_only=True)
    if len(found) < limit:
        found += _run(groups, limit - len(found), [i for i, _ in found], filters)
    for question_only in (True, False):
        # Relax only when no article holds every word: a precise query keeps precise answers,
        # and each relaxation costs one query per word.
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
