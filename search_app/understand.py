"""Query understanding: folding, 发文字号, phrases, words and their per-field query (no Flask)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.query import And, Or, Phrase, Query, Term

from indexer.analysis import english_terms, fold, query_words
from indexer.fields import normalize_doc_number
from indexer.schema import EN_FIELDS, FIELD_BOOSTS, ZH_FIELDS

# Words that carry no information in a question ("怎么申请人才公寓", "how do I get a visa").
STOP_ZH = frozenset(["的", "了", "吗", "呢", "啊", "吧", "呀", "么", "怎么", "怎样", "怎么样", "如何", "哪里", "哪儿", "在哪", "什么", "需要", "我", "我们", "你", "您", "请问", "想", "想要", "能", "能否", "可以", "可不可以", "是", "是否", "有", "有没有", "和", "与", "及", "或", "在", "到", "给", "把", "被", "要", "去"])
STOP_EN = frozenset(["how", "do", "does", "did", "i", "me", "my", "we", "our", "you", "your", "what", "where", "when", "which", "who", "is", "are", "was", "the", "to", "of", "for", "in", "on", "at", "and", "or", "can", "could", "should", "get", "need", "want", "with", "about", "an", "there", "any", "this", "that"])
_PHRASE_RE = re.compile(r'"([^"]+)"|“([^”]+)”|「([^」]+)」')
DOC_NUMBER_BOOST = 50.0
PHRASE_BOOST = 2.0


@dataclass
class Understood:
    text: str
    words: list[str] = field(default_factory=list)        # Chinese-analyzer words (with ASCII)
    phrases: list[list[str]] = field(default_factory=list)
    doc_number: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases or self.doc_number)

    @property
    def terms(self) -> list[str]:
        out: list[str] = []
        for w in [*self.words, *(w for p in self.phrases for w in p)]:
            if w not in out:
                out.append(w)
        return out


def understand(q: str) -> Understood:
    text = fold(unicodedata.normalize("NFKC", q)).strip()
    u = Understood(text=text)
    u.doc_number = normalize_doc_number(text)
    rest = text
    for m in _PHRASE_RE.finditer(rest):
        words = [w for w in query_words(next(g for g in m.groups() if g))]
        if len(words) > 1:
            u.phrases.append(words)
        elif words:
            u.words.extend(words)
    rest = _PHRASE_RE.sub(" ", rest)
    words = query_words(rest)
    ascii_count = sum(1 for w in words if w.isascii())
    for w in words:
        if w in STOP_ZH or (w in STOP_EN and ascii_count > 1):
            continue
        if w not in u.words:
            u.words.append(w)
    return u


def word_query(word: str) -> Query:
    """One query word across every text field, weighted per field."""
    parts: list[Query] = [Term(f, word, boost=FIELD_BOOSTS[f]) for f in ZH_FIELDS]
    if word.isascii():
        for stem in english_terms(word)[:1]:
            parts.extend(Term(f, stem, boost=FIELD_BOOSTS[f]) for f in EN_FIELDS)
    return Or(parts)


def phrase_query(words: list[str]) -> Query:
    parts: list[Query] = [Phrase(f, words, boost=FIELD_BOOSTS[f] * PHRASE_BOOST) for f in ("title", "body")]
    if all(w.isascii() for w in words):
        stems = [s for w in words for s in english_terms(w)[:1]]
        if len(stems) > 1:
            parts.extend(Phrase(f, stems, boost=FIELD_BOOSTS[f] * PHRASE_BOOST) for f in EN_FIELDS)
    return Or(parts)


def build_queries(u: Understood) -> tuple[Query | None, Query | None]:
    """(all words must match, any word may match); None parts when the query has no words."""
    groups = [word_query(w) for w in u.words] + [phrase_query(p) for p in u.phrases]
    exact = Term("doc_number", u.doc_number, boost=DOC_NUMBER_BOOST) if u.doc_number else None
    strict = And(groups) if groups else None
    loose = Or(groups) if len(groups) > 1 else None
    if exact is not None:
        strict = Or([exact, strict]) if strict is not None else exact
        loose = Or([exact, loose]) if loose is not None else None
    return strict, loose
