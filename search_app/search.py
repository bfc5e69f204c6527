"""Searching the served index (no Flask): SearchParams -> SearchResponse, documents, packages,
suggestions. A query flows down once: understand -> match and score (engine) -> rerank (ranking)
-> facets, packages, spelling -> one response object."""

from __future__ import annotations

import json
import logging
from array import array

from whoosh.query import And, Every, Or, Query, Term

from indexer.analysis import english_terms, fold
from indexer.model import FACETS, PolicyDocument
from indexer.settings import Config
from indexer.taxonomy import WIDER_SCOPES, Taxonomy

from . import forme, lexicon
from . import packages as pk
from . import ranking as R
from .changelog import ChangeLog
from .docnumbers import NumberCheck, highlight_terms, nearest_numbers, only_a_number
from .engine import Evaluator
from .facets import FacetColumns, FacetTable, date_keys
from .highlight import flatten, snippet
from .index_version import SearchIndex
from .lexicon_edits import LexiconEdits
from .lru import LRU
from .query import SearchParams
from .reading_order import flat, reading_order
from .results import CommunityView, PackageView, ResultItem, SceneView, SearchResponse
from .spelling import finds_clearly_more, repair_latin, suggest_correction
from .understand import build_queries, fallback_query, understand

log = logging.getLogger(__name__)


def region_scopes(region: str) -> list[str]:
    """A region and the wider scopes whose policies apply in it: a community's residents are
    covered by citywide and national policy, Beijing's by national policy."""
    if region in WIDER_SCOPES:
        return list(WIDER_SCOPES[WIDER_SCOPES.index(region) :])
    return [region, *WIDER_SCOPES]


def filter_query(p: SearchParams, agency_spellings=lambda key: [key]) -> Query | None:
    """The filters of p; agency_spellings: an agency's key -> the agency fields that name it."""
    parts: list[Query] = []
    if p.region:
        parts.append(Or([Term("regions", r) for r in region_scopes(p.region)]))
    if p.scenario:
        parts.append(Term("scenarios", p.scenario))
    if p.audience:
        parts.append(Term("audience", p.audience))
    if p.agency:
        parts.append(Or([Term("agency_facet", a) for a in agency_spellings(p.agency)]))
    if p.status:
        parts.append(Term("status", p.status))
    if p.lang:
        parts.append(Term("lang", p.lang))
    if p.year:
        parts.append(Term("year", p.year))
    return And(parts) if parts else None


def _window_terms(ev: Evaluator, query: Query | None, docnums: list[int]) -> dict[int, list]:
    """(field, term) of the query's terms that each of docnums contains (the rerank window): looked
    up in the postings the search decoded."""
    found: dict[int, list[tuple[str, str]]] = {n: [] for n in docnums}
    if query is None or not docnums:
        return found
    for field, text in sorted(set(query.iter_all_terms(phrases=True))):
        for n, has in zip(docnums, ev.contains(field, text, docnums), strict=True):
            if has:
                found[n].append((field, R.term_text(text)))
    return found


class SearchService:
    """Everything the API, the pages and the CLI ask of the index."""

    def __init__(self, index: SearchIndex, tax: Taxonomy, config: Config):
        self.index = index
        self.tax = tax
        self.config = config
        self.changelog = ChangeLog(config.paths.store)  # the store's history of each document
        self.edits = LexiconEdits(config.paths.lexicon)  # operators' edits to the vocabulary

    def lexicon(self) -> lexicon.Lexicon:
        """The vocabulary queries are read with: the shipped one with the operators' edits."""
        return self.edits.lexicon()

    def search(self, p: SearchParams, lex: lexicon.Lexicon | None = None) -> SearchResponse:
        """The answer to p; repeated searches come from a bounded cache of the current index
        version (a new generation or commit empties it) made with the current lexicon (an answer
        made with an earlier one is not served). With lex, the answer a proposed lexicon would
        give: made afresh, and not cached."""
        with self.index.pinned():
            if lex is not None:
                return self._search(p, lex)
            cache = self.index.cached("responses", lambda: LRU(self.config.response_cache))
            lex = self.lexicon()
            hit = cache.get(p)
            if hit is not None and hit[0] is lex:
                return hit[1]
            resp = self._search(p, lex)
            cache.put(p, (lex, resp))
            return resp

    def _evaluator(self, s) -> Evaluator:
        megabytes = self.config.postings_cache_mb
        cache = self.index.cached("postings", lambda: LRU(
            megabytes * 2**20, weigh=lambda v: v[0].nbytes + v[1].nbytes))  # fmt: skip
        return Evaluator(s, cache, defer_phrases=True)

    def matching_ids(self, p: SearchParams, limit: int) -> list[str]:
        """The ids of the documents a search finds, newest first, at most limit: what the feed of a
        saved search follows."""
        with self.index.pinned():
            found = self._match(p, understand(p.q, self.tax, self.lexicon()))[2]
            table = self.facet_table()
            return [table.id(n) for n, _ in found.newest(limit, self.date_keys())]

    def _match(self, p: SearchParams, u):
        """(searcher, evaluator, matches, "all" | "characters" | "any", the query used, the query
        of every word, how many documents hold every word)."""
        s = self.index.searcher()
        ev = self._evaluator(s)
        strict, loose = build_queries(u)
        filt = filter_query(p, self.agency_spellings)
        allowed = ev.mask(filt) if filt is not None else None
        matched, used = "all", strict
        found = ev.search(strict if strict is not None else Every(), allowed)
        all_words = found.count
        # Fewer with every word than a reader looks through (and_min_hits): first the same
        # characters in sequence (a compound segmented differently), then any of the words. The
        # wider query keeps the strict one inside it, so what matched every word stays on top,
        # and the documents that share most of the question follow instead of nothing.
        min_hits = self.config.and_min_hits
        fallback = fallback_query(u) if strict is not None else None
        exact_found = u.doc_number and s.document_number(doc_number=u.doc_number) is not None
        for query, label in ((fallback, "characters"), (loose, "any")):
            if query is None or exact_found or found.count >= min_hits:
                continue
            wider = Or([strict, query])
            more = ev.search(wider, allowed)
            if more.count > found.count:
                found, matched, used = more, label, wider
        return s, ev, found, matched, used, strict, all_words

    def _search(self, p: SearchParams, lex: lexicon.Lexicon) -> SearchResponse:
        repaired = (
            repair_latin(p.q, self.index.searcher(), self.tax, self._corrections()) if p.q else None
        )
        u = understand(repaired or p.q, self.tax, lex)
        if u.text and u.empty:  # 😀, %, *: typed, but nothing in it can be searched for
            return SearchResponse(params=p, terms=[], total=0, searchable=False,
                                  facets={name: {} for name in FACETS})  # fmt: skip
        number = self._number_check(u)
        if number and not number.exists and only_a_number(u):
            return self._nearest_numbers(p, u, number)
        s, ev, found, matched, used, strict, all_words = self._match(p, u)
        window = max(p.offset + p.per_page, R.RERANK_WINDOW if p.sort == "relevance" else 0)
        total = found.count
        scored = p.sort == "relevance" and strict is not None
        table = self.facet_table()
        # Rank on the facet column (no document bodies are read for the rerank window).
        top = (
            ev.best(found, window, self.config.phrase_window)
            if scored
            else found.newest(window, self.date_keys())
        )
        bm25f = dict(top)
        hits = [(n, table[n], sc) for n, sc in top]
        pairs = _window_terms(ev, used, [n for n, _, _ in hits])
        if scored:
            hits = self._rerank(hits, pairs, u, p)
        shown = R.shown_terms(u)
        terms_of = {
            f["id"]: R.matched_terms(pairs[n], shown) for n, f, _ in hits[: R.RERANK_WINDOW]
        }
        items = []
        # a document's text as snippets search it (folded), kept for the documents shown lately
        folded_texts = self.index.cached("folded_texts", lambda: LRU(2_000_000, weigh=len))
        for n, f, sc in hits[p.offset : p.offset + p.per_page]:
            d = json.loads(s.stored_fields(n)["doc"])
            text = d.get("text") or ""
            folded = folded_texts.get(n)
            if folded is None:
                folded = fold(flatten(text)).lower()
                folded_texts.put(n, folded)
            item = ResultItem.of(d, snippet(text, highlight_terms(u), folded=folded), sc)
            item.passing = scored and R.in_passing(pairs[n], sc, hits[0][2])
            if p.explain:
                item.explain = R.explain(bm25f[n], pairs[n], f, u, sc, scored, p.reader)
            items.append(item)
        if total:
            package_input = [
                {"id": f["id"], "score": sc, "regions": f["region"], "scenarios": f["scenario"],
                 "status": f["status"], "gone": f["gone"], "terms": terms_of.get(f["id"], [])}
                for _, f, sc in hits[: R.RERANK_WINDOW]
            ]  # fmt: skip
            named = tuple(r for r in u.regions if r in self.tax.communities)
            packages = pk.group(package_input, self.tax, p.region, named) if not u.empty else []
        else:
            packages = pk.nearest(u, self.tax, self.package_ids, p.region)
        return SearchResponse(
            params=p, terms=u.terms, total=total, results=items, packages=packages,
            facets=self.facet_columns().counts(found.mask),
            suggestion=self._suggestion(u, p, s, ev, strict, lex), matched=matched,
            searched_for=repaired, matched_all=all_words if strict is not None else None,
            explain=u.explain() if p.explain else None, number=number,
        )  # fmt: skip

    def _number_check(self, u) -> NumberCheck | None:
        """Whether a document has the 发文字号 the query names; if none does, the nearest numbers
        of the same issuer (that year first)."""
        if not u.doc_number:
            return None
        s = self.index.searcher()
        if s.document_number(doc_number=u.doc_number) is not None:
            return NumberCheck(u.doc_number, True)
        held = self.index.cached(
            "doc_numbers", lambda: [t.decode("utf-8") for t in s.reader().lexicon("doc_number")]
        )
        table, nearest = self.facet_table(), []
        for number in nearest_numbers(u.doc_number, held):
            n = s.document_number(doc_number=number)
            f = table[n] if n is not None else None
            if f:
                nearest.append({"id": f["id"], "doc_number": number, "title": f["title"],
                                "title_en": f["title_en"] or None})  # fmt: skip
        return NumberCheck(u.doc_number, False, nearest)

    def _nearest_numbers(self, p: SearchParams, u, number: NumberCheck) -> SearchResponse:
        """The answer to a query that is only a 发文字号 no document has: the documents of the
        nearest numbers, and a plain statement that none has the number asked for."""
        items = []
        for e in number.nearest[p.offset : p.offset + p.per_page]:
            d = json.loads(self.index.searcher().document(id=e["id"])["doc"])
            items.append(ResultItem.of(d, snippet(d.get("text") or "", []), 0.0))
        return SearchResponse(params=p, terms=u.terms, total=len(number.nearest), results=items,
                              facets={name: {} for name in FACETS}, matched="nearest",
                              number=number)  # fmt: skip

    def _corrections(self) -> LRU:
        """The spelling suggestions of this index version, per word (repair and did-you-mean)."""
        return self.index.cached("corrections", lambda: LRU(4096))

    def _suggestion(self, u, p: SearchParams, s, ev, strict, lex) -> str | None:
        """A spelling correction of the query, offered only when it finds clearly more documents
        than the query found with every word."""
        fixed = suggest_correction(u, s, self.tax, self._corrections()) if u.words else None
        if fixed is None:
            return None
        allowed = ev.mask(filt) if (filt := filter_query(p, self.agency_spellings)) else None
        before = ev.search(strict, allowed).count if strict is not None else 0
        after = self._match(p, understand(fixed, self.tax, lex))[2].count
        return fixed if finds_clearly_more(before, after) else None

    def _rerank(self, hits: list, pairs: dict, u, p: SearchParams) -> list:
        communities = self.tax.communities
        wanted = set(u.regions) | ({p.region} if p.region in communities else set())
        concept_terms = [
            set(c.all_terms())
            | {e for w in c.all_terms() if w.isascii() for e in english_terms(w)[:1]}
            for c in u.concepts
        ]  # fmt: skip
        reader = "en" if u.latin_only else p.reader  # an English query reads English
        hits = [(n, f, sc * R.rank_factor(f, wanted, self.tax, reader, u.wants_kind)
                 * R.coverage(pairs[n], concept_terms)) for n, f, sc in hits]  # fmt: skip
        hits.sort(key=lambda x: (-x[2], R.negdate(x[1]["date"])))
        if u.latin_only:
            hits = R.pair_languages(hits)
            hits.sort(key=lambda x: (-x[2], R.negdate(x[1]["date"])))
        return hits

    # ---- what every search reads, built once per index version --------------------------------
    def warm(self) -> None:
        """Open the current index and build what every search reads (a worker calls
        this at start)."""
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

    def facet_columns(self) -> FacetColumns:
        return self.index.cached(
            "facet_columns", lambda: FacetColumns(self.facet_table(), self.tax.agency_keys)
        )

    def agency_spellings(self, key: str) -> list[str]:
        """The agency fields of the index that name the agency key (one of the facet's keys)."""

        def build():
            out: dict[str, list[str]] = {}
            for f in self.facet_table():
                for raw in f["agency"] if f else ():
                    for k in self.tax.agency_keys(raw):
                        if raw not in out.setdefault(k, []):
                            out[k].append(raw)
            return out

        keys = self.tax.agency_keys(key)  # any spelling of a known agency means that agency
        canonical = keys[0] if len(keys) == 1 else key
        return self.index.cached("agency_spellings", build).get(canonical) or [key]

    def date_keys(self):
        return self.index.cached("date_keys", lambda: date_keys(self.facet_table()))

    # ---- documents, packages, communities ---------------------------------------------------
    def document(self, doc_id: str) -> PolicyDocument | None:
        with self.index.pinned() as s:
            stored = s.document(id=doc_id)
        return PolicyDocument.from_dict(json.loads(stored["doc"])) if stored else None

    def documents(self, ids: list[str]) -> list[PolicyDocument]:
        with self.index.pinned():
            return [d for d in (self.document(i) for i in ids) if d]

    def _package_members(self) -> dict[str, array]:
        """Every package key -> document numbers of its in-force policies, newest first."""
        table = self.facet_table()
        members: dict[str, list[tuple[str, str, int]]] = {}
        for n, f in enumerate(table):
            if f is None or f["status"] == "expired" or f["gone"]:
                continue  # a package lists policies in force, still published at their source
            for region, scenario, _ in pk.package_keys(f["region"], f["scenario"], self.tax):
                members.setdefault(f"{region}/{scenario}", []).append((f["date"], f["id"], n))
        return {key: array("i", (n for _, _, n in sorted(v, reverse=True)))
                for key, v in members.items()}  # fmt: skip

    def package_members(self) -> dict[str, array]:
        return self.index.cached("package_members", self._package_members)

    def package_ids(self, region: str, scenario: str) -> list[str]:
        table = self.facet_table()
        return [table.id(n) for n in self.package_members().get(f"{region}/{scenario}", ())]

    def package(self, region: str, scenario: str) -> PackageView:
        """One package with its policies (region a community, scenario a scene: checked by the
        caller)."""
        info = self.tax.package(region, scenario)
        with self.index.pinned():
            docs = flat(reading_order(self.documents(self.package_ids(region, scenario)), region))
        return PackageView(info.key, region, scenario, info.title_zh, info.title_en,
                           info.description_zh, info.description_en, docs)  # fmt: skip

    def scope_documents(self, region: str) -> list[PolicyDocument]:
        """The documents in force (not expired, still published) of a community and the wider
        scopes over it, read once per index version."""

        def read():
            scopes = set(region_scopes(region))
            ids = [f["id"] for f in self.facet_table() if f and f["status"] != "expired"
                   and not f["gone"] and scopes & set(f["region"])]  # fmt: skip
            return self.documents(ids)

        with self.index.pinned():
            return self.index.cached(f"scope_documents:{region}", read)

    def for_me(self, profile: forme.Profile) -> forme.ForMe:
        """The package of one person (search_app/forme.py)."""
        return forme.build(profile, self.scope_documents(profile.region), self.tax)

    def community(self, region: str) -> CommunityView:
        scenes = []
        with self.index.pinned():
            for scenario in self.tax.scenarios:
                ids = self.package_ids(region, scenario)
                heads = [g.head for g in reading_order(self.documents(ids), region)[:3]]
                scenes.append(SceneView(scenario, self.tax.package(region, scenario), len(ids),
                                        heads))  # fmt: skip
        return CommunityView(region, scenes)

    def package_counts(self) -> list[dict]:
        members = self.package_members()
        out = []
        for region in self.tax.communities:
            for scenario in self.tax.scenarios:
                info = self.tax.package(region, scenario)
                out.append({"key": info.key, "region": region, "scenario": scenario,
                            "title_zh": info.title_zh, "title_en": info.title_en,
                            "count": len(members.get(info.key, []))})  # fmt: skip
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
                out.append({"text": info.title_zh, "text_en": info.title_en, "kind": "package",
                            "key": info.key})  # fmt: skip
        titles = self.index.cached("titles", lambda: sorted(
            ((f["title"], f["title_en"], f["id"]) for f in self.facet_table() if f),
            key=lambda t: len(t[0])))  # fmt: skip
        lex = self.lexicon()
        keys = sorted(
            (k for k in (*lex.glossary, *lex.synonyms) if k.startswith(q) and k != q), key=len
        )
        for term in keys[:3]:
            official = (lex.glossary.get(term) or lex.synonyms.get(term) or ("",))[0]
            out.append({"text": term, "text_en": None, "kind": "term", "means": official or None})
        starts = [t for t in titles if t[0].lower().startswith(q) or t[1].lower().startswith(q)]
        within = [t for t in titles if t not in starts and (q in t[0].lower() or q in t[1].lower())]
        out.extend({"text": t, "text_en": te or None, "kind": "policy", "id": i}
                   for t, te, i in starts + within)  # fmt: skip
        return out[:limit]
