"""Chinese word segmentation for the knowledge base (jieba, with a civil air defence dictionary).

Chinese has no spaces, so both full-text engines index text that jieba has already cut into
words, joined by spaces. A private `jieba.Tokenizer` keeps our dictionary from changing how
other modules segment. Each word of three or more Chinese characters is also indexed with the
dictionary words inside it, and every two adjacent Chinese characters of the text are indexed
too, so a short query (防空, 地下室) finds 防空地下室 by exact tokens, on SQLite and PostgreSQL
alike. Queries are expanded with the editable synonym file data/kb_synonyms.txt.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings

DICT_PATH = Path(__file__).parent / "data" / "civil_air_defence.dict"
SYNONYMS_PATH = Path(__file__).parent / "data" / "kb_synonyms.txt"

# Words that carry no meaning for retrieval: dropped from documents and queries alike.
STOPWORDS = frozenset(
    ["的", "了", "是", "吗", "呢", "吧", "啊", "呀", "么", "着", "过", "和", "与", "及", "或", "而", "在", "对", "把", "被", "从", "向", "给", "为", "以", "于", "之", "其", "这", "那", "这个", "那个", "我", "我们", "你", "你们", "您", "他", "她", "它", "他们", "请问", "请", "怎么", "怎么办", "怎样", "如何", "什么", "哪些", "哪里", "哪个", "为什么", "是否", "能否", "可否", "可以", "能", "会", "要", "应", "应当", "需要", "有", "没有", "一个", "一下", "及其", "等", "还", "也", "都", "就", "又", "或者", "以及", "如果", "如", "则", "但", "但是", "并", "并且", "即", "该", "所", "这些", "那些", "有关", "关于", "相关",
     # the way callers talk: greetings, fillers and question words that no answer repeats
     "啥", "咋", "咋弄", "咋办", "怎么弄", "干啥", "干嘛", "想", "想问", "想问问", "问", "问问", "问一下", "咨询", "咨询一下",
     "你好", "您好", "谢谢", "麻烦", "麻烦问一下", "具体", "一般", "现在", "已经", "还是", "这种", "那种", "情况", "到底",
     "是不是", "能不能", "可不可以", "要不要", "有没有", "多少", "一些", "比较", "听说", "大概", "需要", "得", "才"]
)
_WORD = re.compile(r"[0-9a-z\u3400-\u9fff\uf900-\ufaff]+")
_CJK = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
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
    the dictionary words inside it, then every two adjacent Chinese characters of the text. The
    bigrams make any Chinese string findable whatever jieba made of the sentence around it (a
    query for 报建 or a synonym meets 报建审批, 人防报建 and a lone 报 + 建 alike), and give a
    misspelt word partial credit; both engines match them as exact tokens, no phrase needed."""
    out: list[str] = []
    freq = _dictionary()
    for word in words(text):
        out.append(word)
        if len(word) >= 3 and is_cjk(word):
            out.extend(piece for piece in sub_words(word) if len(piece) > 2 and freq.get(piece))
    out.extend(bigrams(text))
    return " ".join(out)


# --- synonyms and the ranked query -----------------------------------------------------------


@lru_cache(maxsize=1)
def synonyms() -> dict[str, frozenset[str]]:
    """word -> the other words a query holding it also searches, from data/kb_synonyms.txt (and
    any files in settings.TONGBAN_KB_SYNONYMS). `a b c` is a group of equals; `x y => a b` is
    one-way (a colloquial word or a common misspelling also searches the proper term)."""
    out: dict[str, set[str]] = {}
    for path in [SYNONYMS_PATH, *getattr(settings, "TONGBAN_KB_SYNONYMS", [])]:
        for raw in Path(path).read_text(encoding="utf-8").splitlines():
            line = raw.split("#", 1)[0].strip().lower()
            if not line:
                continue
            if "=>" in line:
                left, right = line.split("=>", 1)
                for key in left.split():
                    out.setdefault(key, set()).update(right.split())
            else:
                group = line.split()
                for key in group:
                    out.setdefault(key, set()).update(group)
    return {key: frozenset(found - {key}) for key, found in out.items()}


# A query term: the index tokens a document must all hold (usually one), and its weight.
Term = tuple[tuple[str, ...], float]
PIECE_WEIGHT = 0.5  # a two-character piece of a longer query word: partial credit only
SYNONYM_WEIGHT = 0.9  # a synonym counts a little less than the word the caller used


def bigrams(text: str) -> list[str]:
    """Every two adjacent Chinese characters of each run of them in `text`, in order."""
    out = []
    for run in _CJK_RUN.findall((text or "").lower()):
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def _tokens_of(text: str) -> tuple[str, ...]:
    """The index tokens any article containing `text` is sure to hold: its bigrams for Chinese
    (whatever jieba made of the article's sentence), else its words."""
    text = text.lower()
    if is_cjk(text):
        return tuple(dict.fromkeys(bigrams(text)))
    return tuple(dict.fromkeys(words(text)))


def query_terms(query: str) -> list[list[Term]]:
    """The query as concepts, each a list of alternative terms: a document scores on a concept by
    its best alternative (so a word and its synonyms are not counted twice), and the concepts
    add up, so an article matching most of a long question ranks first without matching all.

    A concept is a word of the query, with its synonyms and, for words of three characters or
    more, each two-character piece for partial credit (防空地下式 still meets 防空地下室); a
    synonym key found in the text across words (人防费, cut 人防 + 费, also searches 易地建设费); or
    a character jieba left alone (an unknown or misspelt word) paired with its neighbours."""
    text = (query or "").lower()
    tokens = words(text)
    syn = synonyms()
    concepts: list[list[Term]] = []

    def synonym_terms(key: str) -> list[Term]:
        return [(_tokens_of(o), SYNONYM_WEIGHT) for o in sorted(syn.get(key, ())) if len(o) > 1 and _tokens_of(o)]

    located, position = [], 0
    for word in tokens:  # where each word is in the text as typed
        at = text.find(word, position)
        located.append((word, at))
        position = at + len(word) if at >= 0 else position
    keys_in_text = {k for k in syn if len(k) > 1 and k in text}
    n = 0
    while n < len(located):
        word, at = located[n]
        if len(word) == 1 and is_cjk(word):
            # A run of characters jieba left alone: each adjacent pair is a concept; a lone
            # character pairs with the meaningful characters next to it in the text.
            end = n
            while (end + 1 < len(located) and len(located[end + 1][0]) == 1 and is_cjk(located[end + 1][0])
                   and located[end + 1][1] == located[end][1] + 1):
                end += 1
            if end > n:
                pairs = [located[i][0] + located[i + 1][0] for i in range(n, end)]
                concepts += [[((pair,), PIECE_WEIGHT)] for pair in pairs if pair not in keys_in_text]
            elif at >= 0:
                around = [text[at - 1 : at + 1] if at > 0 else "", text[at : at + 2]]
                alternatives = [((pair,), PIECE_WEIGHT) for pair in around
                                if len(pair) == 2 and is_cjk(pair) and not set(pair) & STOPWORDS and pair not in keys_in_text]
                if alternatives:
                    concepts.append(alternatives)
            for i in range(n, end + 1):  # a one-character key (卖, 拆) searches its longer synonyms
                if synonym_terms(located[i][0]):
                    concepts.append(synonym_terms(located[i][0]))
            n = end + 1
            continue
        alternatives = [(_tokens_of(word), 1.0)]
        if len(word) >= 3 and is_cjk(word):
            alternatives += [((piece,), PIECE_WEIGHT) for piece in bigrams(word)]
        concepts.append(alternatives + synonym_terms(word))
        n += 1
    words_in_query = set(tokens)
    for key in sorted(keys_in_text, key=len, reverse=True):
        if key not in words_in_query:  # a key jieba cut across words, or left in characters
            concepts.append([(_tokens_of(key), 1.0), *synonym_terms(key)])
    unique, seen = [], set()
    for concept in concepts:
        best: dict[tuple[str, ...], float] = {}
        for term_tokens, weight in concept:
            if term_tokens:
                best[term_tokens] = max(weight, best.get(term_tokens, 0.0))
        key = frozenset(best.items())
        if best and key not in seen:
            seen.add(key)
            unique.append(list(best.items()))
    return unique


def highlight_terms(query: str) -> list[str]:
    """Strings to mark in the original text: the query's words and the synonyms searched for
    them (two characters or more), longest first."""
    text = (query or "").lower()
    found = {w for w in words(text) if len(w) > 1 or is_cjk(w)}
    syn = synonyms()
    for key in list(syn):
        if (len(key) > 1 and key in text) or key in found:
            found.update(o for o in syn[key] if len(o) > 1)
    return sorted(found, key=len, reverse=True)
