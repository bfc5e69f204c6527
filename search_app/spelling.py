"""Did-you-mean: a corrected query when a word looks misspelt, and the English words repaired
before searching (no Flask).

A word is never "corrected" when it is an ordinary word of the language (an English word list:
pyspellchecker's, from a frequency count over subtitles and web text), a word of the glossary or
a place name the taxonomy knows; and a correction is offered only when it finds clearly more than
the query did (SearchService checks that with the index)."""

from __future__ import annotations

import re
from functools import lru_cache

from . import lexicon
from .understand import Understood

# A correction is offered when the query found at most FEW documents with every word, and the
# correction finds at least MORE times as many.
FEW = 10
MORE = 2


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """Ordinary English words, lower case (about 160,000: loaded once, on the first check)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)


_KNOWN: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}


def _known_words(lex: lexicon.Lexicon, aliases: tuple[str, ...]) -> frozenset[str]:
    """The words of the glossary's English phrases and the taxonomy's English place names (kept
    per loaded lexicon: a changed glossary file is a new lexicon)."""
    key = (id(lex), aliases)
    if key not in _KNOWN:
        out = {w for phrase in lex.glossary for w in phrase.split()}
        out.update(w for a in aliases for w in a.lower().split())
        _KNOWN.clear()  # only the current lexicon's words are kept
        _KNOWN[key] = frozenset(out)
    return _KNOWN[key]


def is_known(word: str, tax=None) -> bool:
    """True for an English word that must never be corrected: an ordinary word, a glossary word,
    a place name (huairou, yizhuang)."""
    w = word.lower()
    if w in english_words():
        return True
    aliases = tuple(a for r in tax.regions.values() for a in r.aliases) if tax else ()
    return w in _known_words(lexicon.load(), aliases)


def suggest_correction(u: Understood, s, tax=None, memo=None) -> str | None:
    """A corrected query: misspelt English words (edit distance 2 over the Latin vocabulary) and
    near-miss Chinese words (one character off a word of the titles, 人才工寓 -> 人才公寓).
    memo: an LRU of this index version keeping each word's suggestions."""

    def suggest(field: str, word: str, maxdist: int) -> tuple[str, ...]:
        return _suggestions(s, memo, field, word, maxdist, 1)

    text, changed = u.text, False
    for w in u.text.split():
        lw = w.lower()
        if (lw.isascii() and lw.isalpha() and len(lw) >= 4 and not s.frequency("spell", lw)
                and not is_known(lw, tax)):  # fmt: skip
            best = suggest("spell", lw, 2)
            if best:
                text, changed = text.replace(w, best[0], 1), True
    words = [w for c in u.concepts for w in c.words]
    for i, w in enumerate(words):
        if w.isascii() or len(w) < 2 or s.frequency("title", w) or s.frequency("body", w):
            continue
        # An unknown word, alone or with a neighbour ("人才" + "工寓"), one character
        # off a title word.
        neighbours = (words[i - 1] + w if i else "", w + words[i + 1] if i + 1 < len(words) else "")
        for cand in (w, *neighbours):
            if len(cand) >= 3 and cand in text:
                best = suggest("title", cand, 1)
                if best and len(best[0]) == len(cand):
                    text, changed = text.replace(cand, best[0], 1), True
                    break
    return text if changed else None


def _suggestions(s, memo, field: str, word: str, maxdist: int, limit: int) -> tuple[str, ...]:
    """The words of a field's vocabulary near word, kept in memo (an LRU of the index version,
    or None): finding them costs a walk of the field's vocabulary."""
    key = (field, word, maxdist, limit)
    found = memo.get(key) if memo is not None else None
    if found is None:
        found = tuple(s.corrector(field).suggest(word, limit=limit, maxdist=maxdist))
        if memo is not None:
            memo.put(key, found)
    return found


_LONG_LATIN = re.compile(r"[A-Za-z]{6,}")


def repair_latin(text: str, s, tax=None, memo=None) -> str | None:
    """The query with each long English word the documents never use replaced by the one word
    they do use a single edit away (appartment -> apartment, apostile -> apostille): searched as
    that word, and said so. None when nothing was repaired. A word with two such neighbours, or
    none, and an ordinary English word, are left as typed."""
    out = text
    for w in dict.fromkeys(_LONG_LATIN.findall(text)):
        lw = w.lower()
        if s.frequency("spell", lw) or is_known(lw, tax):
            continue
        near = _suggestions(s, memo, "spell", lw, 1, 2)
        if len(near) == 1:
            out = re.sub(rf"\b{re.escape(w)}\b", near[0], out)
    return out if out != text else None


def finds_clearly_more(found_before: int, found_after: int) -> bool:
    """Whether a correction is worth offering: the query found few documents with every word,
    and the correction finds clearly more."""
    return found_before <= FEW and found_after >= MORE * max(found_before, 1)
