"""Every match of a query found and scored at once: Whoosh's posting blocks decoded into numpy
arrays and combined per document, where Whoosh's matchers step through them one posting at a time
(most of an uncached search went there: docs/PERFORMANCE.md).

Scores are Whoosh's BM25F (tests/test_engine.py compares them, query by query): a Term scores its
postings with the same formula, an Or or And adds what its parts scored, an AndMaybe adds its
optional part where the required one matched, a Phrase scores as the sum of its words' scores
where they stand together (positions compared in search_app/phrases.py). Any other query keeps
Whoosh's own matcher, asked only about the documents that can still match.

Two phases: an evaluator made with defer_phrases leaves out the phrases whose only effect is a
boost (in an AndMaybe's optional part), so every match is scored by its words alone; best() then
checks those phrases on the best few hundred (the phrase window) and ranks them again.
"""

from __future__ import annotations

import weakref
from array import array

import numpy as np
from whoosh import scoring
from whoosh.query import And, AndMaybe, Every, Or, Phrase, Query, Term
from whoosh.util.numeric import byte_to_length

from indexer.whoosh_compat import (
    bm25f_parameters,
    deleted_docs,
    field_length_bytes,
    term_postings,
)

from .phrases import near, positions


class Weighting(scoring.BM25F):
    """Whoosh's BM25F, reading each matched document's field length from a list decoded once per
    segment and field (Whoosh reads it from the segment file for every document it scores). The
    engine scores with the same lists; Whoosh's matchers (phrases) through this hook."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf=qf)
        if isinstance(scorer, scoring.WeightLengthScorer):
            lengths = field_lengths(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


# A length byte as Whoosh decodes it; 0 (no length stored) scores as Whoosh's default of 1.
_LENGTH_OF_BYTE = [byte_to_length(b) or 1 for b in range(256)]
_LENGTHS: weakref.WeakKeyDictionary = (
    weakref.WeakKeyDictionary()
)  # segment reader -> {field: lengths}


def field_lengths(reader, fieldname: str) -> array | None:
    """Every document's length of fieldname in one segment (a segment reader belongs to one
    thread's searcher, so no lock). None when the segment is not Whoosh 3's format: Whoosh reads
    it then."""
    per_field = _LENGTHS.get(reader)
    if per_field is None:
        per_field = _LENGTHS[reader] = {}
    if fieldname not in per_field:
        raw = field_length_bytes(reader, fieldname)
        if raw is None:
            per_field[fieldname] = None
        else:
            n = reader.doc_count_all()
            lengths = array("i", map(_LENGTH_OF_BYTE.__getitem__, raw[:n]))  # 4 bytes a document
            lengths.extend([1] * (n - len(lengths)))
            per_field[fieldname] = lengths
    return per_field[fieldname]


_EMPTY_IDS = np.zeros(0, dtype=np.int64)
_EMPTY_TF = np.zeros(0, dtype=np.float64)


class _Segments:
    """What the engine reads once per searcher: where each segment's documents start, which are
    live, and each field's lengths over the whole index."""

    def __init__(self, searcher):
        self.n = searcher.doc_count_all()
        self.leaves = [(sub.reader(), offset) for sub, offset in searcher.leaf_searchers()]
        live = np.ones(self.n, dtype=bool)
        for reader, offset in self.leaves:
            deleted = deleted_docs(reader)
            if deleted:
                live[np.fromiter(deleted, dtype=np.int64) + offset] = False
        self.live = live
        self._lengths: dict[str, np.ndarray] = {}
        # idf and average length of a (field, term) as this searcher's statistics give them: Whoosh
        # reads the term's record from the index for each
        self.idf: dict[tuple[str, bytes], float] = {}
        self.avgfl: dict[str, float] = {}
        self.btext: dict[tuple[str, str], bytes | None] = {}  # a term's text as the index keeps it

    def lengths(self, fieldname: str) -> np.ndarray:
        if fieldname not in self._lengths:
            parts = []
            for reader, _ in self.leaves:
                per = field_lengths(reader, fieldname)
                parts.append(
                    np.frombuffer(per, dtype=np.int32)
                    if per is not None and len(per)
                    else np.ones(reader.doc_count_all(), dtype=np.int32)
                )
            self._lengths[fieldname] = (
                np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
            )
        return self._lengths[fieldname]


_SEGMENTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # searcher -> _Segments


class Matches:
    """The documents a query matched and their scores, one slot per document number."""

    __slots__ = ("scores", "mask", "deferred")

    def __init__(self, scores: np.ndarray, mask: np.ndarray, deferred: list | None = None):
        self.scores, self.mask = scores, mask
        # (phrase, multiplier, where it counts): boosts left for the second phase (Evaluator.best)
        self.deferred = deferred or []

    @property
    def count(self) -> int:
        return int(np.count_nonzero(self.mask))

    def best(self, k: int) -> list[tuple[int, float]]:
        """The k best (document number, score), higher score first, lower number first
        among equals."""
        docs = np.flatnonzero(self.mask)
        if not len(docs) or k <= 0:
            return []
        scores = self.scores[docs]
        if len(docs) > k:  # every document scoring at least the k-th best: ties at the cut stay in
            cut = np.partition(scores, len(docs) - k)[len(docs) - k]
            keep = scores >= cut
            docs, scores = docs[keep], scores[keep]
        order = np.lexsort((docs, -scores))[:k]
        return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))

    def newest(self, k: int, dates: np.ndarray) -> list[tuple[int, float]]:
        """The k newest by dates (a number per document), as Whoosh sorts a reversed key: a higher
        document number first among equal dates."""
        docs = np.flatnonzero(self.mask)
        order = np.lexsort((-docs, -dates[docs]))[: max(k, 0)]
        return [(d, 0.0) for d in docs[order].tolist()]


class Evaluator:
    """Runs queries on one searcher. Decoded postings are kept for the evaluator's life (one search
    request: its strict, wider and filter queries read many of the same terms) and, given a cache
    (an LRU of this index version, shared by a process's threads), for later searches too."""

    def __init__(self, searcher, cache=None, defer_phrases: bool = False):
        self.s = searcher
        seg = _SEGMENTS.get(searcher)
        if seg is None:
            seg = _SEGMENTS[searcher] = _Segments(searcher)
        self.seg = seg
        self.n = seg.n
        self.schema = searcher.schema
        w = searcher.weighting
        self.bm25 = isinstance(w, scoring.BM25F)
        self.weighting = w
        self._postings: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = {}
        self._cache = cache if cache is not None and cache.limit > 0 else None
        self._context = None
        self.defer_phrases = defer_phrases
        self._deferred: list = []

    # ---- postings --------------------------------------------------------------------------
    def _bytes(self, fieldname: str, text) -> bytes | None:
        if isinstance(text, bytes):
            return text if fieldname in self.schema else None
        known = self.seg.btext
        key = (fieldname, text)
        if key not in known:
            if len(known) > 200_000:
                known.clear()
            try:
                known[key] = (
                    self.schema[fieldname].to_bytes(text) if fieldname in self.schema else None
                )
            except ValueError:
                known[key] = None
        return known[key]

    def postings(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(live document numbers ascending, term frequencies) of a term over the whole index."""
        btext = self._bytes(fieldname, text)
        if btext is None:
            return _EMPTY_IDS, _EMPTY_TF
        key = (fieldname, btext)
        found = self._postings.get(key)
        if found is None and self._cache is not None:
            found = self._cache.get(key)
            if found is not None:
                self._postings[key] = found
        if found is None:
            fmt = self.schema[fieldname].format
            ids, tfs = [], []
            for reader, offset in self.seg.leaves:
                got = term_postings(reader, fieldname, btext, fmt)
                if got is None:
                    continue
                i, tf = got
                ids.append(i + offset)
                tfs.append(tf)
            if not ids:
                found = (_EMPTY_IDS, _EMPTY_TF)
            else:
                i, tf = (
                    (ids[0], tfs[0])
                    if len(ids) == 1
                    else (np.concatenate(ids), np.concatenate(tfs))
                )
                live = self.seg.live[i]
                if not live.all():
                    i, tf = i[live], tf[live]
                # 4 bytes each: Whoosh stores frequencies as 32-bit floats, so nothing is lost
                found = (i.astype(np.int32), tf.astype(np.float32))
                for a in found:
                    a.setflags(write=False)  # shared by every search of this version: never changed
            self._postings[key] = found
            if self._cache is not None:
                self._cache.put(key, found)
        return found

    def term_scores(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        """(document numbers, BM25F scores) of a term, as Whoosh's BM25FScorer computes them."""
        ids, tf = self.postings(fieldname, text)
        if not len(ids):
            return ids, tf
        field = self.schema[fieldname]
        if not field.scorable:
            return ids, tf.astype(np.float64)  # Whoosh's WeightScorer: the frequency
        btext = self._bytes(fieldname, text)
        w = self.weighting
        seg = self.seg
        idf = seg.idf.get((fieldname, btext))
        if idf is None:
            if len(seg.idf) > 200_000:
                seg.idf.clear()
            idf = seg.idf[fieldname, btext] = self.s.idf(fieldname, btext)
        avgfl = seg.avgfl.get(fieldname)
        if avgfl is None:
            avgfl = seg.avgfl[fieldname] = self.s.avg_field_length(fieldname) or 1
        b, k1 = bm25f_parameters(w, fieldname)
        fl = self.seg.lengths(fieldname)[ids]
        tf = tf.astype(np.float64)  # in float32 (as stored) the sums would drift from Whoosh's
        return ids, idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * fl / avgfl)))

    # ---- queries ---------------------------------------------------------------------------
    def search(self, query: Query, allowed: np.ndarray | None = None) -> Matches:
        """Every live document query matches (within allowed, when given) and its score; with
        defer_phrases, the phrase boosts are left for best()."""
        self._deferred = []
        scores, mask = self._run(query, allowed, 1.0, None)
        mask &= self.seg.live
        if allowed is not None:
            mask &= allowed
        return Matches(scores, mask, self._deferred)

    def mask(self, query: Query) -> np.ndarray:
        """The live documents a filter query matches."""
        return self.search(query).mask

    def best(self, found: Matches, k: int, window: int) -> list[tuple[int, float]]:
        """The k best of found, as Matches.best, once the phrase boosts left out of the first phase
        are added to the best max(k, window) by their word scores and those are ranked again."""
        if not found.deferred:
            return found.best(k)
        docs = np.array(sorted(d for d, _ in found.best(max(k, window))), dtype=np.int64)
        for q, factor, where in found.deferred:
            ids, sc = self.phrase_scores(q, docs[where[docs]])
            found.scores[ids] += sc * factor
        found.deferred = []
        scores = found.scores[docs]
        order = np.lexsort((docs, -scores))[: max(k, 0)]
        return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))

    def _run(self, q: Query, within, chain, where) -> tuple[np.ndarray, np.ndarray]:
        """(scores, mask) of q over every document number; scores are 0 outside the mask.
        within, when given, is where the caller still needs answers: a query may leave out what
        lies outside it. chain: the product of the boosts above q while every node above adds
        q's score unchanged into the final one (Or, AndMaybe), else None. where: inside an
        AndMaybe's optional part reached through Ors only (q's mask matters to no one), the
        documents q's score counts for; else None."""
        if not self.bm25:
            return self._whoosh(q, within)
        n = self.n
        if isinstance(q, Term):
            scores, mask = np.zeros(n), np.zeros(n, dtype=bool)
            ids, sc = self.term_scores(q.fieldname, q.text)
            scores[ids] = sc * q.boost
            mask[ids] = True
            return scores, mask
        down = None if chain is None else chain * q.boost
        if isinstance(q, Or):
            scores, mask = np.zeros(n), np.zeros(n, dtype=bool)
            for sub in q.subqueries:
                if isinstance(sub, Term):  # straight into the sums, no array per term
                    ids, sc = self.term_scores(sub.fieldname, sub.text)
                    scores[ids] += sc * sub.boost
                    mask[ids] = True
                else:
                    s, m = self._run(sub, within, down, where)
                    scores += s
                    mask |= m
        elif isinstance(q, And):
            if not q.subqueries:
                return np.zeros(n), np.zeros(n, dtype=bool)
            scores, mask = self._run(q.subqueries[0], within, None, None)
            for sub in q.subqueries[1:]:
                s, m = self._run(sub, mask if within is None else mask & within, None, None)
                mask &= m
                scores += s
            scores *= mask
        elif isinstance(q, AndMaybe):
            scores, mask = self._run(q.a, within, down, None)
            counts = mask if within is None else mask & within
            s, _ = self._run(q.b, counts, down, counts if down is not None else None)
            scores += s * mask
        elif isinstance(q, Every):
            scores, mask = np.zeros(n), self.seg.live.copy()
        elif isinstance(q, Phrase) and q.words and self._positional(q.fieldname):
            scores, mask = np.zeros(n), np.zeros(n, dtype=bool)
            if self.defer_phrases and chain is not None and where is not None:
                self._deferred.append((q, chain, where.copy()))
                return scores, mask
            ids, sc = self.phrase_scores(q, None if within is None else np.flatnonzero(within))
            scores[ids], mask[ids] = sc, True
            return scores, mask
        else:
            return self._whoosh(q, within)
        if q.boost != 1.0:
            scores *= q.boost
        return scores, mask

    def _positional(self, fieldname: str) -> bool:
        if fieldname not in self.schema:
            return False
        fmt = self.schema[fieldname].format
        return bool(fmt and fmt.supports("positions"))

    def phrase_scores(self, q: Phrase, docs: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """(documents, scores) where q's words stand together: among docs (ascending; None: any
        document), those holding every word with the words in order within q.slop, scored as
        Whoosh scores a phrase (q.boost times the sum of its words' scores)."""
        words = [self._bytes(q.fieldname, w) for w in q.words]
        if any(w is None for w in words):
            return _EMPTY_IDS, _EMPTY_TF
        cand = docs
        for w in words:  # the documents holding every word
            ids = self.postings(q.fieldname, w)[0]
            cand = ids.astype(np.int64) if cand is None else cand[_holds(ids, cand)]
            if not len(cand):
                return _EMPTY_IDS, _EMPTY_TF
        fmt = self.schema[q.fieldname].format
        at = [positions(self.seg.leaves, fmt, q.fieldname, w, cand) for w in words]
        keep = np.fromiter(
            (near([p[i] for p in at], q.slop) for i in range(len(cand))),
            dtype=bool,
            count=len(cand),
        )
        cand = cand[keep]
        total = np.zeros(len(cand))
        for w in words:
            ids, sc = self.term_scores(q.fieldname, w)
            total += sc[np.searchsorted(ids, cand)]
        return cand, total * q.boost

    def _whoosh(self, q: Query, within: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's own matcher for q (a phrase: positions to compare), asked about the documents in
        within only, and for a phrase only about those holding every word of it."""
        n = self.n
        scores, mask = np.zeros(n), np.zeros(n, dtype=bool)
        candidates = within
        if isinstance(q, Phrase) and q.words:
            words = np.ones(n, dtype=bool) if within is None else within.copy()
            for word in q.words:
                present = np.zeros(n, dtype=bool)
                present[self.postings(q.fieldname, word)[0]] = True
                words &= present
            candidates = words
        if self._context is None:
            self._context = self.s.context(weighting=self.weighting)
        for sub, offset in self.s.leaf_searchers():
            m = q.matcher(sub, self._context)
            size = sub.doc_count_all()
            if candidates is None:
                while m.is_active():
                    d = m.id() + offset
                    scores[d], mask[d] = m.score(), True
                    m.next()
                continue
            for d in np.flatnonzero(candidates[offset : offset + size]).tolist():
                if not m.is_active():
                    break
                if m.id() < d:
                    m.skip_to(d)
                if m.is_active() and m.id() == d:
                    scores[d + offset], mask[d + offset] = m.score(), True
        return scores, mask

    def contains(self, fieldname: str, text, docnums: list[int]) -> list[bool]:
        """Whether each of docnums holds the term."""
        ids = self.postings(fieldname, text)[0]
        if not len(ids) or not docnums:
            return [False] * len(docnums)
        want = np.asarray(docnums, dtype=np.int64)
        at = np.minimum(np.searchsorted(ids, want), len(ids) - 1)
        return (ids[at] == want).tolist()


def _holds(ids: np.ndarray, docs: np.ndarray) -> np.ndarray:
    """Which of docs are in ids (both ascending)."""
    if not len(ids):
        return np.zeros(len(docs), dtype=bool)
    at = np.minimum(np.searchsorted(ids, docs), len(ids) - 1)
    return ids[at] == docs
