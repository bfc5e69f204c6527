"""Did-you-mean: a corrected query when a word looks misspelt, and the English words repaired
before searching (no Flask)."""

from __future__ import annotations

import re

from .understand import Understood


def suggest_correction(u: Understood, s) -> str | None:
    """A corrected query: misspelt English words (edit distance 2 over the Latin vocabulary) and
    near-miss Chinese words (one character off a word of the titles, 人才工寓 -> 人才公寓)."""
    spell, title = s.corrector("spell"), s.corrector("title")
    text, changed = u.text, False
    for w in u.text.split():
        lw = w.lower()
        if lw.isascii() and lw.isalpha() and len(lw) >= 4 and not s.frequency("spell", lw):
            best = spell.suggest(lw, limit=1, maxdist=2)
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
                best = title.suggest(cand, limit=1, maxdist=1)
                if best and len(best[0]) == len(cand):
                    text, changed = text.replace(cand, best[0], 1), True
                    break
    return text if changed else None


_LONG_LATIN = re.compile(r"[A-Za-z]{6,}")


def repair_latin(text: str, s) -> str | None:
    """The query with each long English word the documents never use replaced by the one word
    they do use a single edit away (appartment -> apartment, apostile -> apostille): searched as
    that word, and said so. None when nothing was repaired. A word with two such neighbours, or
    none, is left as typed."""
    spell, out = None, text
    for w in dict.fromkeys(_LONG_LATIN.findall(text)):
        lw = w.lower()
        if s.frequency("spell", lw):
            continue
        spell = spell or s.corrector("spell")
        near = spell.suggest(lw, limit=2, maxdist=1)
        if len(near) == 1:
            out = re.sub(rf"\b{re.escape(w)}\b", near[0], out)
    return out if out != text else None
