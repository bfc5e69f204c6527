"""Searching the served index (no Flask): SearchParams -> SearchResponse, documents, suggestions."""

from __future__ import annotations

import json
import logging
import threading
import weakref
from array import array
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.query import And, Every, Or, Query, Term

from indexer import settings
from indexer.analysis import english_terms, fold
from indexer.documents import PolicyDocument
from indexer.schema import IndexMissing, current_generation, open_index
from indexer.taxonomy import WIDER_SCOPES, Taxonomy

from . import lexicon
from . import packages as pk
from .engine import Evaluator, Matches, Weighting
from .highlight import snippet
from .lru import LRU
from .query import SearchParams
from .results import ResultItem, SearchResponse
from .understand import Understood, build_queries, fallback_query, understand

log = logging.getLogger(__name__)
EXPIRED_FACTOR = 0.5  # an expired policy ranks below an in-force one of similar relevance
REGION_FACTOR = 2.5  # a policy of the community named in the query or chosen as filter
OTHER_COMMUNITY_FACTOR = 0.5  # ... and a policy of another community, when one was named
SCOPE_FACTOR = 1.2  # a citywide (or national) policy when 北京 (全国) was named
COMMUNITY_ONLY_FACTOR = 0.6
TITLE_FACTOR = 1.3  # every concept of the query in the title
TITLE_FIELDS = ("title", "title_en")
READER_LANGUAGE_FACTOR = (
    1.5  # a document in the language the user reads (an English query: English first)
)
COVERAGE_FLOOR = 0.3  # what a hit matching none of several concepts keeps (it matched something)   # no community named: one community's policy after everyone's
RERANK_WINDOW = 100
FACETS = ("region", "scenario", "agency", "year", "status", "lang")
MAX_FACET_VALUES = 30


class SearchIndex:
    """The served index generation; reopened when a build swaps generations or commits."""

    def __init__(self, index_root: Path):
        self.index_root = Path(index_root)
        self._lock = threading.Lock()
        self._ix = None
        self._key: tuple | None = None
        self._local = threading.local()
        self._cache: dict[str, object] = {}
        # Every open searcher, whatever thread opened it: closed when this object goes (an app
        # discarded, a test finished), since a thread's own searcher is closed only when it moves on.
        self._open: set = set()
        weakref.finalize(self, _close_all, self._open, self._lock)

    def _current_key(self) -> tuple:
        gen = current_generation(self.index_root)
        if gen is None:
            raise IndexMissing(f"no search index in {self.index_root}; run `policy-index index`")
        toc = max((p.name for p in gen.glob("_MAIN_*.toc")), default="")
        return (gen.name, toc)

    def _refresh(self) -> None:
        """Point this thread at the current index version (its older searcher is closed)."""
        key = self._current_key()
        with self._lock:
            if key != self._key:
                self._ix = open_index(self.index_root)
                self._key = key
                self._cache = {}
            ix, key, cache = self._ix, self._key, self._cache
        local = self._local
        if getattr(local, "key", None) != key:
            old = getattr(local, "searcher", None)
            local.searcher, local.key, local.cache = ix.searcher(weighting=Weighting()), key, cache
            with self._lock:
                self._open.add(local.searcher)
                self._open.discard(old)
            if old is not None:
                old.close()

    def searcher(self):
        """A searcher of the current index for this thread (reused until the index changes; inside
        pinned(), the version the pin began with)."""
        if not getattr(self._local, "pins", 0):
            self._refresh()
        return self._local.searcher

    @contextmanager
    def pinned(self):
        """One index version for everything inside: a search reads hits, facets and stored documents
        one after another, and a build committing in between must not close the searcher it reads."""
        local = self._local
        if not getattr(local, "pins", 0):
            self._refresh()
        local.pins = getattr(local, "pins", 0) + 1
        try:
            yield local.searcher
        finally:
            local.pins -= 1

    def cached(self, name: str, compute):
        """A value derived from this thread's index version, computed once per version."""
        self.searcher()
        cache = self._local.cache
        if name not in cache:
            cache[name] = compute()
        return cache[name]


def _close_all(searchers: set, lock) -> None:
    with lock:
        for s in searchers:
            s.close()
        searchers.clear()


def region_scopes(region: str) -> list[str]:
    """A region and the wider scopes whose policies apply in it: a community's residents are
    covered by citywide and national policy, Beijing's by national policy."""
    if region in WIDER_SCOPES:
        return list(WIDER_SCOPES[WIDER_SCOPES.index(region) :])
    return [region, *WIDER_SCOPES]


def _filter_query(p: SearchParams) -> Query | None:
    parts: list[Query] = []
    if p.region:
        parts.append(Or([Term("regions", r) for r in region_scopes(p.region)]))
    if p.scenario:
        parts.append(Term("scenarios", p.scenario))
    if p.agency:
        parts.append(Term("agency_facet", p.agency))
    if p.status:
        parts.append(Term("status", p.status))
    if p.lang:
        parts.append(Term("lang", p.lang))
    if p.year:
        parts.append(Term("year", p.year))
    return And(parts) if parts else None


def _doc(s, docnum: int) -> dict:
    return json.loads(s.stored_fields(docnum)["doc"])


def _term_text(term) -> str:
    return term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)


def _shown_terms(u) -> dict[str, str]:
    """Index term -> the words to show for it: what the user typed and its expansions as such,
    the stems of an English phrase searched for a Chinese word as that phrase."""
    shown = {w: w for w in u.terms}  # in query order: the order matched words are shown in
    for e, phrase in ((e, p) for c in u.concepts for p in c.english for e in english_terms(p)):
        shown.setdefault(e, phrase)
    shown.update((e, w) for w in u.words if w.isascii() for e in english_terms(w)[:1])
    return shown


def _window_terms(
    ev: Evaluator, query: Query | None, docnums: list[int]
) -> dict[int, list[tuple[str, str]]]:
    """(field, term) of the query's terms that each of docnums contains (the rerank window): looked
    up in the postings the search decoded."""
    found: dict[int, list[tuple[str, str]]] = {n: [] for n in docnums}
    if query is None or not docnums:
        return found
    for field, text in sorted(set(query.iter_all_terms(phrases=True))):
        for n, has in zip(docnums, ev.contains(field, text, docnums), strict=True):
            if has:
                found[n].append((field, _term_text(text)))
    return found


def _matched_terms(pairs: list[tuple[str, str]], shown: dict[str, str]) -> list[str]:
    """The query words a hit matched, as the user would name them, in the query's order (field
    names dropped; a compound's parts only when nothing else matched)."""
    found = {
        text for field, text in pairs if field not in ("regions", "doc_number", "related_numbers")
    }  # boosts and exact numbers
    out: list[str] = []
    for term, name in shown.items():
        if term in found and name not in out:
            out.append(name)
    return out or sorted(found)


def _explain(
    bm25f: float,
    pairs: list[tuple[str, str]],
    f: dict,
    u,
    score: float,
    scored: bool,
    reader: str | None,
) -> dict:
    """Why a result ranked where it did: words matched per field and the boosts applied (no scores
    when the order is by date)."""
    per_field: dict[str, list[str]] = {}
    for field, text in pairs:
        per_field.setdefault(field, []).append(text)
    boosts = {}
    if set(f["region"]) & set(u.regions):
        boosts["community named in the query"] = sorted(set(f["region"]) & set(u.regions))
    if f["status"] == "expired":
        boosts["expired: score multiplied by"] = EXPIRED_FACTOR
    if f["lang"] == ("en" if u.latin_only else reader):
        boosts["document in the reader's language: score multiplied by"] = READER_LANGUAGE_FACTOR
    if "doc_number" in per_field:
        boosts["document number matched exactly"] = True
    return {
        "score": round(score, 3) if scored else None,
        "bm25f": round(bm25f, 3) if scored else None,
        "matched": per_field,
        "boosts": boosts,
    }


def _coverage(pairs: list[tuple[str, str]], concept_terms: list[set[str]]) -> float:
    """Documents that answer more of the question rank higher: the share of the query's concepts
    a hit matched, squared, blended in (a hit matching every concept keeps its score); a title
    that names every concept is about the question, not one that mentions it in passing."""
    if not concept_terms:
        return 1.0
    matched, in_title = set(), set()
    for fieldname, text in pairs:
        matched.add(text)
        if fieldname in TITLE_FIELDS:
            in_title.add(text)
    share = sum(1 for terms in concept_terms if terms & matched) / len(concept_terms)
    factor = COVERAGE_FLOOR + (1 - COVERAGE_FLOOR) * share * share
    if all(terms & in_title for terms in concept_terms):
        factor *= TITLE_FACTOR
    return factor


def _rank_factor(f: dict, wanted: set[str], tax: Taxonomy, reader_lang: str | None = None) -> float:
    """Multipliers on relevance: expired below in force; the community the user named first;
    with no community named, policies for everyone before those of one community; documents in
    the reader's language before translations of the same content."""
    factor = EXPIRED_FACTOR if f["status"] == "expired" else 1.0
    if reader_lang and f["lang"] == reader_lang:
        factor *= READER_LANGUAGE_FACTOR
    regions = set(f["region"])
    communities = wanted & set(tax.communities)
    if communities:
        if regions & communities:
            factor *= REGION_FACTOR
        elif not regions & set(WIDER_SCOPES):
            factor *= OTHER_COMMUNITY_FACTOR
    else:
        if regions and regions <= set(tax.communities):
            factor *= COMMUNITY_ONLY_FACTOR
        if regions & wanted:  # 北京 or 全国 named: every community is in Beijing, a light boost
            factor *= SCOPE_FACTOR
    return factor


class FacetTable:
    """Each live document's facet values by document number, as dicts on request. Kept as a tuple per
    document whose values are shared between documents (a dict per document cost about 1.7 KB: 85 MB
    a worker at 50,000 documents)."""

    KEYS = (
        "id",
        "title",
        "title_en",
        "region",
        "scenario",
        "agency",
        "year",
        "status",
        "lang",
        "date",
    )
    LISTS = ("region", "scenario", "agency")
    OWN = ("id", "title", "title_en")  # one document's own, not worth sharing

    def __init__(self, rows):
        shared: dict = {}

        def share(key, value):
            if key in self.OWN:
                return value
            value = tuple(value) if isinstance(value, list) else value
            return shared.setdefault(value, value)

        self._rows = [None if f is None else tuple(share(k, f[k]) for k in self.KEYS) for f in rows]

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, n: int) -> dict | None:
        t = self._rows[n]
        if t is None:
            return None
        row = dict(zip(self.KEYS, t, strict=True))
        for k in self.LISTS:
            row[k] = list(row[k])
        return row

    def __iter__(self):
        return (self[n] for n in range(len(self._rows)))

    def id(self, n: int) -> str:
        return self._rows[n][0]


def _negdate(date: str) -> int:
    """Sort key putting newer documents first among equal scores."""
    return -int(date.replace("-", "") or 0)


class SearchService:
    """Everything the API, the pages and the CLI ask of the index."""

    def __init__(self, index: SearchIndex, tax: Taxonomy):
        self.index = index
        self.tax = tax

    def search(self, p: SearchParams) -> SearchResponse:
        """The answer to p; repeated searches come from a bounded cache of the current index version
        (a new generation or commit empties it, as does a reloaded lexicon or a changed setting)."""
        with self.index.pinned():
            cache = self.index.cached("responses", lambda: LRU(int(settings.get("response_cache"))))
            key = (p, id(self.tax), int(settings.get("and_min_hits")))
            lex = lexicon.load()
            hit = cache.get(key)
            if hit is not None and hit[0] is lex:
                return hit[1]
            resp = self._search(p)
            cache.put(key, (lex, resp))
            return resp

    def _search(self, p: SearchParams) -> SearchResponse:
        u = understand(p.q, self.tax)
        s = self.index.searcher()
        ev = Evaluator(
            s,
            self.index.cached(
                "postings",
                lambda: LRU(
                    int(settings.get("postings_cache_mb")) * 2**20,
                    weigh=lambda v: v[0].nbytes + v[1].nbytes,
                ),
            ),
        )
        strict, loose = build_queries(u)
        filt = _filter_query(p)
        allowed = ev.mask(filt) if filt is not None else None
        window = max(p.offset + p.per_page, RERANK_WINDOW if p.sort == "relevance" else 0)
        matched, used = "all", strict
        found = ev.search(strict if strict is not None else Every(), allowed)
        # Too little with every word: first the same characters in sequence (a compound segmented
        # differently), then any of the words. The wider query keeps the strict one inside it, so
        # what matched every word stays on top.
        min_hits = int(settings.get("and_min_hits"))
        fallback = fallback_query(u) if strict is not None else None
        exact_found = u.doc_number and s.document_number(doc_number=u.doc_number) is not None
        for query, label in ((fallback, "characters"), (loose, "any")):
            if query is None or exact_found or found.count >= min_hits:
                continue
            wider = Or([strict, query])
            more = ev.search(wider, allowed)
            if more.count > found.count:
                found, matched, used = more, label, wider
        total = found.count
        scored = p.sort == "relevance" and strict is not None
        table = self.facet_table()
        # Rank on the facet column (no document bodies are read for the rerank window).
        top = found.best(window) if scored else found.newest(window, self.date_keys())
        bm25f = dict(top)
        hits = [(n, table[n], sc) for n, sc in top]
        pairs = _window_terms(ev, used, [n for n, _, _ in hits])
        if scored:
            wanted = set(u.regions) | ({p.region} if p.region in self.tax.communities else set())
            concept_terms = [
                set(c.all_terms())
                | {e for w in c.all_terms() if w.isascii() for e in english_terms(w)[:1]}
                for c in u.concepts
            ]
            reader = "en" if u.latin_only else p.reader  # an English query reads English
            hits = [
                (
                    n,
                    f,
                    sc
                    * _rank_factor(f, wanted, self.tax, reader)
                    * _coverage(pairs[n], concept_terms),
                )
                for n, f, sc in hits
            ]
            hits.sort(key=lambda x: (-x[2], _negdate(x[1]["date"])))
        shown = _shown_terms(u)
        terms_of = {f["id"]: _matched_terms(pairs[n], shown) for n, f, _ in hits[:RERANK_WINDOW]}
        items = []
        for n, f, sc in hits[p.offset : p.offset + p.per_page]:
            item = self._item(_doc(s, n), sc, u)
            if p.explain:
                item.explain = _explain(bm25f[n], pairs[n], f, u, sc, scored, p.reader)
            items.append(item)
        package_input = [
            {
                "id": f["id"],
                "score": sc,
                "regions": f["region"],
                "scenarios": f["scenario"],
                "status": f["status"],
                "terms": terms_of.get(f["id"], []),
            }
            for _, f, sc in hits[:RERANK_WINDOW]
        ]
        if total:
            packages = pk.group(package_input, self.tax, p.region) if not u.empty else []
        else:
            packages = pk.nearest(u, self.tax, self.package_ids, p.region)
        facets = self._facets(found)
        suggestion = self._suggest_correction(u, s) if u.words else None
        return SearchResponse(
            params=p,
            terms=u.terms,
            total=total,
            results=items,
            packages=packages,
            facets=facets,
            suggestion=suggestion,
            matched=matched,
            explain=u.explain() if p.explain else None,
        )

    def warm(self) -> None:
        """Open the current index and build what every search reads (a worker calls this at start)."""
        with self.index.pinned():
            self.facet_table()
            self.facet_columns()
            self.date_keys()
            self.package_members()

    def facet_table(self) -> FacetTable:
        """Facet values per document number of the current index (None for deleted documents)."""

        def build():
            reader = self.index.searcher().reader()
            col = reader.column_reader("facets")
            return FacetTable(
                json.loads(col[n]) if col[n] and not reader.is_deleted(n) else None
                for n in range(reader.doc_count_all())
            )

        return self.index.cached("facet_table", build)

    def facet_columns(self) -> dict[str, tuple[list[str], np.ndarray, np.ndarray]]:
        """Per facet: its values, and (document number, value number) pairs of every live document."""

        def build():
            values: dict[str, list[str]] = {name: [] for name in FACETS}
            number: dict[str, dict[str, int]] = {name: {} for name in FACETS}
            pairs = {name: (array("i"), array("i")) for name in FACETS}
            for n, f in enumerate(self.facet_table()):  # one pass: a row is a dict made on request
                if f is None:
                    continue
                for name in FACETS:
                    numbers, docs, codes = number[name], *pairs[name]
                    for v in f[name] if isinstance(f[name], list) else (f[name],):
                        if v:
                            if v not in numbers:
                                numbers[v] = len(values[name])
                                values[name].append(v)
                            docs.append(n)
                            codes.append(numbers[v])
            return {
                name: (
                    values[name],
                    np.frombuffer(pairs[name][0], dtype=np.int32),
                    np.frombuffer(pairs[name][1], dtype=np.int32),
                )
                for name in FACETS
            }

        return self.index.cached("facet_columns", build)

    def date_keys(self) -> np.ndarray:
        """Publication date per document number as a number (20240131; 0 for none), for date order."""
        return self.index.cached(
            "date_keys",
            lambda: np.array(
                [-_negdate(f["date"]) if f else 0 for f in self.facet_table()], dtype=np.int64
            ),
        )

    def _facets(self, found: Matches) -> dict[str, dict[str, int]]:
        out = {}
        for name, (values, docs, codes) in self.facet_columns().items():
            counts = np.bincount(codes[found.mask[docs]], minlength=len(values))
            ranked = sorted(
                ((values[i], int(counts[i])) for i in np.flatnonzero(counts).tolist()),
                key=lambda kv: (-kv[1], kv[0]),
            )
            out[name] = dict(ranked[:MAX_FACET_VALUES])
        return out

    def _item(self, d: dict, score: float, u: Understood) -> ResultItem:
        return ResultItem(
            id=d["id"],
            url=d["url"],
            title=d["title"],
            doc_number=d.get("doc_number"),
            agency=d.get("agency"),
            publish_date=d.get("publish_date"),
            status=d["status"],
            lang=d["lang"],
            regions=d["regions"],
            scenarios=d["scenarios"],
            snippet=snippet(d.get("text") or "", u.terms),
            score=score,
            kind=d.get("kind", "policy"),
            sample=bool(d.get("sample")),
            title_en=d.get("title_en"),
        )

    def _suggest_correction(self, u: Understood, s) -> str | None:
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
            # An unknown word, alone or with a neighbour ("人才" + "工寓"), one character off a title word.
            for cand in (
                w,
                words[i - 1] + w if i else "",
                w + words[i + 1] if i + 1 < len(words) else "",
            ):
                if len(cand) >= 3 and cand in text:
                    best = title.suggest(cand, limit=1, maxdist=1)
                    if best and len(best[0]) == len(cand):
                        text, changed = text.replace(cand, best[0], 1), True
                        break
        return text if changed else None

    # ---- documents and packages ---------------------------------------------------------
    def document(self, doc_id: str) -> PolicyDocument | None:
        with self.index.pinned() as s:
            stored = s.document(id=doc_id)
        return PolicyDocument(**json.loads(stored["doc"])) if stored else None

    def documents(self, ids: list[str]) -> list[PolicyDocument]:
        with self.index.pinned():
            return [d for d in (self.document(i) for i in ids) if d]

    def _package_members(self) -> dict[str, array]:
        """Every package key -> document numbers of its in-force policies, newest first."""
        table = self.facet_table()
        members: dict[str, list[tuple[str, str, int]]] = {}
        for n, f in enumerate(table):
            if f is None or f["status"] == "expired":
                continue
            for region, scenario, _ in pk.package_keys(f["region"], f["scenario"], self.tax):
                members.setdefault(f"{region}/{scenario}", []).append((f["date"], f["id"], n))
        return {
            key: array("i", (n for _, _, n in sorted(v, reverse=True)))
            for key, v in members.items()
        }

    def package_members(self) -> dict[str, array]:
        return self.index.cached("package_members", self._package_members)

    def package_ids(self, region: str, scenario: str) -> list[str]:
        table = self.facet_table()
        return [table.id(n) for n in self.package_members().get(f"{region}/{scenario}", ())]

    def package_counts(self) -> list[dict]:
        members = self.package_members()
        out = []
        for region in self.tax.communities:
            for scenario in self.tax.scenarios:
                info = self.tax.package(region, scenario)
                out.append(
                    {
                        "key": info.key,
                        "region": region,
                        "scenario": scenario,
                        "title_zh": info.title_zh,
                        "title_en": info.title_en,
                        "count": len(members.get(info.key, [])),
                    }
                )
        return out

    def suggest(self, prefix: str, limit: int = 8) -> list[dict]:
        """Completions while typing: package names first, then policy titles."""
        q = fold(prefix).strip().lower()
        if not q:
            return []
        out: list[dict] = []
        for info in (
            self.tax.package(r, s) for r in self.tax.communities for s in self.tax.scenarios
        ):
            if q in info.title_zh.lower() or q in info.title_en.lower():
                out.append(
                    {
                        "text": info.title_zh,
                        "text_en": info.title_en,
                        "kind": "package",
                        "key": info.key,
                    }
                )
        titles = self.index.cached(
            "titles",
            lambda: sorted(
                ((f["title"], f["title_en"], f["id"]) for f in self.facet_table() if f),
                key=lambda t: len(t[0]),
            ),
        )
        lex = lexicon.load()
        for term in sorted(
            (k for k in (*lex.glossary, *lex.synonyms) if k.startswith(q) and k != q), key=len
        )[:3]:
            official = (lex.glossary.get(term) or lex.synonyms.get(term) or ("",))[0]
            out.append({"text": term, "text_en": None, "kind": "term", "means": official or None})
        starts = [t for t in titles if t[0].lower().startswith(q) or t[1].lower().startswith(q)]
        within = [t for t in titles if t not in starts and (q in t[0].lower() or q in t[1].lower())]
        out.extend(
            {"text": t, "text_en": te or None, "kind": "policy", "id": i}
            for t, te, i in starts + within
        )
        return out[:limit]
