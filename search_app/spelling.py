"""Did-you-mean: a corrected query when a word looks misspelt (no Flask)."""

from __future__ import annotations

from .understand import Understood


def suggest_correction(u: Understood, s, memo=None) -> str | None:
    """A corrected query: misspelt English words (edit distance 2 over the Latin vocabulary) and
    near-miss Chinese words (one character off a word of the titles, 人才工寓 -> 人才公寓).
    memo: an LRU of this index version keeping each word's suggestions (they cost a walk of the
    field's vocabulary)."""
    correctors = {}

    def suggest(field: str, word: str, maxdist: int) -> tuple[str, ...]:
        found = memo.get((field, word)) if memo is not None else None
        if found is None:
            if field not in correctors:
                correctors[field] = s.corrector(field)
            found = tuple(correctors[field].suggest(word, limit=1, maxdist=maxdist))
            if memo is not None:
                memo.put((field, word), found)
        return found

    text, changed = u.text, False
    for w in u.text.split():
        lw = w.lower()
        if lw.isascii() and lw.isalpha() and len(lw) >= 4 and not s.frequency("spell", lw):
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
