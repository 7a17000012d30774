"""Chinese word segmentation for the knowledge base (jieba, with a civil air defence dictionary).

Chinese has no spaces, so both full-text engines index text that jieba has already cut into
words, joined by spaces. A private `jieba.Tokenizer` keeps our dictionary from changing how
other modules segment. Each word of three or more Chinese characters is also indexed with the
dictionary words and two-character pieces inside it, so a short query (防空, 地下室) finds
防空地下室 by an exact token, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DICT_PATH = Path(__file__).parent / "data" / "civil_air_defence.dict"

# Words that carry no meaning for retrieval: dropped from documents and queries alike.
STOPWORDS = frozenset(
    ["的", "了", "是", "吗", "呢", "吧", "啊", "呀", "么", "着", "过", "和", "与", "及", "或", "而", "在", "对", "把", "被", "从", "向", "给", "为", "以", "于", "之", "其", "这", "那", "这个", "那个", "我", "我们", "你", "你们", "您", "他", "她", "它", "他们", "请问", "请", "怎么", "怎么办", "怎样", "如何", "什么", "哪些", "哪里", "哪个", "为什么", "是否", "能否", "可否", "可以", "能", "会", "要", "应", "应当", "需要", "有", "没有", "一个", "一下", "及其", "等", "还", "也", "都", "就", "又", "或者", "以及", "如果", "如", "则", "但", "但是", "并", "并且", "即", "该", "所", "这些", "那些", "有关", "关于", "相关"]
)
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_lock = threading.Lock()


@lru_cache(maxsize=1)
def tokenizer():
    """The jieba tokenizer with the domain dictionary (and any extra dictionaries configured
    in settings.TONGBAN_KB_DICTIONARIES), loaded once per process."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tok = jieba.Tokenizer()
        tok.initialize()
        for path in [DICT_PATH, *getattr(settings, "TONGBAN_KB_DICTIONARIES", [])]:
            tok.load_userdict(str(path))
    return tok


def domain_words() -> list[str]:
    return [line.split()[0] for line in DICT_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def words(text: str) -> list[str]:
    """The meaningful words of `text`, in order: lower-cased, punctuation and stopwords dropped."""
    out = []
    for raw in tokenizer().cut(text or "", HMM=False):
        for piece in _WORD.findall(raw.lower()):
            if piece not in STOPWORDS:
                out.append(piece)
    return out


def is_cjk(word: str) -> bool:
    return bool(_CJK.match(word))


def _dictionary() -> dict:
    return tokenizer().FREQ


def sub_words(word: str) -> list[str]:
    """The dictionary words inside a longer word, then its two-character pieces, each once."""
    freq = _dictionary()
    out: list[str] = []
    for size in range(len(word) - 1, 1, -1):
        for i in range(len(word) - size + 1):
            piece = word[i : i + size]
            if (size == 2 or freq.get(piece)) and piece not in out:
                out.append(piece)
    return out


def index_text(text: str) -> str:
    """The space-joined tokens that the full-text index stores for `text`: each word, followed by
    the dictionary words and two-character pieces inside it, so a query for 地下室 or 防空 finds
    防空地下室 by an exact token (cheap for both engines, no phrase matching)."""
    out: list[str] = []
    for word in words(text):
        out.append(word)
        if len(word) >= 3 and is_cjk(word):
            out.extend(sub_words(word))
    return " ".join(out)


def query_groups(query: str) -> list[list[list[str]]]:
    """The query as groups of alternatives; a document must match one alternative of each group.
    An alternative is a phrase (a list of adjacent tokens), usually one token. jieba (without
    HMM) yields only dictionary words and single characters; a single character also matches
    as the two-character piece it forms with its neighbour (建设费 -> 建设 + 费|设费)."""
    tokens = words(query)
    groups: list[list[list[str]]] = []
    for n, word in enumerate(tokens):
        alternatives = [[word]]
        if len(word) == 1 and is_cjk(word):
            if n > 0 and is_cjk(tokens[n - 1]):
                alternatives.append([tokens[n - 1][-1] + word])
            if n + 1 < len(tokens) and is_cjk(tokens[n + 1]):
                alternatives.append([word + tokens[n + 1][0]])
        groups.append(alternatives)
    unique, seen = [], set()
    for g in groups:
        key = tuple(tuple(a) for a in g)
        if key not in seen:
            seen.add(key)
            unique.append(g)
    return unique


def highlight_terms(query: str) -> list[str]:
    """Strings to mark in the original text: the query's words, longest first."""
    terms = {w for w in words(query) if len(w) > 1 or is_cjk(w)}
    return sorted(terms, key=len, reverse=True)
