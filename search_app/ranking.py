"""Ranking: every factor in one table (name, value, why), and the rerank of the best matches.

A search scores every match with BM25F over the weighted fields (the engine), then reranks the
best RERANK_WINDOW of them by the multipliers below. `?explain=1` names the factors applied."""

from __future__ import annotations

from dataclasses import dataclass

from indexer.analysis import english_terms
from indexer.taxonomy import WIDER_SCOPES, Taxonomy


@dataclass(frozen=True)
class Factor:
    name: str
    value: float
    why: str


# fmt: off
TABLE: tuple[Factor, ...] = (
    # -- field weights of BM25F: where a word is found says how much the document is about it
    Factor("field:title", 4.0, "a word in the title says most about what a document is"),
    Factor("field:title_en", 3.0, "the English title of a Chinese policy, or an English "
                                  "page's title"),
    Factor("field:doc_number_text", 3.0, "the words of a 发文字号 (京人社发) name the "
                                         "issuer's series"),
    Factor("field:agency", 1.5, "the issuing agency is what staff often search by"),
    Factor("field:summary_en", 1.5, "a short English summary is all about the policy"),
    Factor("field:body", 1.0, "the body: the reference weight"),
    Factor("field:body_en", 1.0, "an English body, like a Chinese one"),
    Factor("field:attachments", 0.7, "attachments hold forms and lists as often as substance"),
    # -- how the query's words are searched (search_app/understand.py)
    Factor("doc_number", 1000.0, "a pasted 发文字号 names one document: it comes first"),
    Factor("related_number", 100.0, "the interpretation, guide and translation of that number "
                                    "follow it"),
    Factor("phrase", 2.0, "words typed in quotes, or next to each other in the text, mean more "
                          "together"),
    Factor("proximity_slop", 3, "how many words apart still count as together"),
    Factor("expansion", 0.6, "an official term found for a colloquial one ranks below the exact "
                             "words"),
    Factor("translation", 1.0, "the Chinese terms of an English phrase are what Chinese "
                               "documents say"),
    Factor("english", 0.8, "another English phrase for the same thing (kids school -> "
                           "children school)"),
    Factor("name_words", 3, "an English name typed as such, of this many words or more (an "
                            "agency, a programme, Chinese language classes), counts only with its "
                            "words together: scattered over a page they name something else"),
    Factor("parts", 0.5, "a long compound's parts found apart (子女入学 -> 随迁子女…入学)"),
    # -- the rerank of the best matches (multipliers on the BM25F score)
    Factor("rerank_window", 100, "how many of the best matches the factors below rerank"),
    Factor("expired", 0.5, "an expired policy ranks below an in-force one of similar relevance"),
    Factor("gone", 0.4, "a policy whose page went from its source stays findable (labelled), below "
                        "those still published; expired and gone, both apply"),
    Factor("region", 2.5, "a policy of the community named in the query or chosen as filter"),
    Factor("other_community", 0.5, "a policy of another community, when one was named"),
    Factor("scope", 1.2, "a citywide (national) policy when 北京 (全国) was named: a light boost, "
                         "every community is in Beijing"),
    Factor("community_only", 0.6, "with no community named, one community's policy ranks after "
                                  "those that apply everywhere"),
    Factor("national", 0.9, "with no scope named, a national rule ranks after Beijing's own "
                            "measure that carries it out"),
    Factor("title_covers", 1.3, "a title naming every concept is about the question, not one that "
                                "mentions it in passing"),
    Factor("reader_language", 1.5, "a document in the language the user reads (an English query "
                                   "reads English) before a translation of the same content"),
    Factor("intent_kind", 1.3, "the kind of page that answers what the question asks: a guide "
                               "for materials, where, how long and cost; the policy for who "
                               "qualifies"),
    Factor("language_pair", 0.95, "for an English query, the Chinese policy an English page "
                                  "translates or explains ranks right after it (at this share "
                                  "of its score), and the English page beside its policy"),
    Factor("coverage_floor", 0.3, "what a match of none of several concepts keeps: coverage "
                                  "squared blends from here up to 1"),
    Factor("passing_share", 0.1, "a match in a document's text alone (not its title, summary or "
                                 "number), scoring under this share of the best match, is "
                                 "labelled a passing mention: the word is there, the document is "
                                 "about something else"),
    # -- packages
    Factor("wider_scope_in_package", 0.35, "a citywide or national policy belongs to every "
           "community's package but says less about which community the user cares about"),
)
# fmt: on
FACTOR: dict[str, float] = {f.name: f.value for f in TABLE}
FIELD_WEIGHTS: dict[str, float] = {
    f.name.split(":", 1)[1]: f.value for f in TABLE if f.name.startswith("field:")
}
RERANK_WINDOW = int(FACTOR["rerank_window"])
TITLE_FIELDS = ("title", "title_en")


def negdate(date: str) -> int:
    """Sort key putting newer documents first among equal scores."""
    return -int(date.replace("-", "") or 0)


def term_text(term) -> str:
    return term.decode("utf-8", "replace") if isinstance(term, bytes) else str(term)


def shown_terms(u) -> dict[str, str]:
    """Index term -> the words to show for it: what the user typed and its expansions as such,
    the stems of an English phrase searched for a Chinese word as that phrase."""
    shown = {w: w for w in u.terms}  # in query order: the order matched words are shown in
    for e, phrase in ((e, p) for c in u.concepts for p in c.english for e in english_terms(p)):
        shown.setdefault(e, phrase)
    shown.update((e, w) for w in u.words if w.isascii() for e in english_terms(w)[:1])
    return shown


def matched_terms(pairs: list[tuple[str, str]], shown: dict[str, str]) -> list[str]:
    """The query words a hit matched, as the user would name them, in the query's order (field
    names dropped; a compound's parts only when nothing else matched)."""
    boosts_only = ("regions", "doc_number", "related_numbers")  # boosts and exact numbers
    found = {text for field, text in pairs if field not in boosts_only}
    out: list[str] = []
    for term, name in shown.items():
        if term in found and name not in out:
            out.append(name)
    return out or sorted(found)


BODY_FIELDS = frozenset({"body", "body_en", "attachments"})


def in_passing(pairs: list[tuple[str, str]], score: float, best: float) -> bool:
    """Whether a hit only mentions the query's words in passing: found in its text alone, and
    far below the best match of the search."""
    fields = {field for field, _ in pairs}
    return bool(fields) and fields <= BODY_FIELDS and score < FACTOR["passing_share"] * best


def coverage(pairs: list[tuple[str, str]], concept_terms: list[set[str]]) -> float:
    """Documents that answer more of the question rank higher: the share of the query's concepts
    a hit matched, squared, blended in (a hit matching every concept keeps its score); a title
    that names every concept is about the question (title_covers)."""
    if not concept_terms:
        return 1.0
    matched, in_title = set(), set()
    for fieldname, text in pairs:
        matched.add(text)
        if fieldname in TITLE_FIELDS:
            in_title.add(text)
    share = sum(1 for terms in concept_terms if terms & matched) / len(concept_terms)
    floor = FACTOR["coverage_floor"]
    factor = floor + (1 - floor) * share * share
    if all(terms & in_title for terms in concept_terms):
        factor *= FACTOR["title_covers"]
    return factor


def rank_factor(f: dict, wanted: set[str], tax: Taxonomy, reader_lang: str | None = None,
                wants_kind: str | None = None) -> float:  # fmt: skip
    """Multipliers on relevance: expired below in force; the community the user named first;
    with no community named, policies for everyone before those of one community; documents in
    the reader's language before translations of the same content; the kind of page the
    question asks for."""
    factor = FACTOR["expired"] if f["status"] == "expired" else 1.0
    if wants_kind and f.get("kind") == wants_kind:
        factor *= FACTOR["intent_kind"]
    if f.get("gone"):
        factor *= FACTOR["gone"]
    if reader_lang and f["lang"] == reader_lang:
        factor *= FACTOR["reader_language"]
    regions = set(f["region"])
    communities = wanted & set(tax.communities)
    if communities:
        if regions & communities:
            factor *= FACTOR["region"]
        elif not regions & set(WIDER_SCOPES):
            factor *= FACTOR["other_community"]
    else:
        if regions and regions <= set(tax.communities):
            factor *= FACTOR["community_only"]
        if regions & wanted:  # 北京 or 全国 named
            factor *= FACTOR["scope"]
        elif regions == {"national"}:
            factor *= FACTOR["national"]
    return factor


def pair_languages(hits: list) -> list:
    """An English query's hits with each document's other-language counterpart (the Chinese
    policy of an English page, the English page of a Chinese policy) lifted to just below it:
    both rank, the one the reader reads first. hits: (doc number, facet row, score), sorted."""
    by_id = {f["id"]: i for i, (_, f, _) in enumerate(hits)}
    scores = [sc for _, _, sc in hits]
    for i, (_, f, sc) in enumerate(hits[:RERANK_WINDOW]):
        for other in f.get("pairs") or ():
            j = by_id.get(other)
            if j is not None and j > i:
                scores[j] = max(scores[j], sc * FACTOR["language_pair"])
    return [(n, f, scores[i]) for i, (n, f, _) in enumerate(hits)]


def explain(bm25f: float, pairs: list[tuple[str, str]], f: dict, u, score: float, scored: bool,
            reader: str | None) -> dict:  # fmt: skip
    """Why a result ranked where it did: words matched per field and the factors applied (no
    scores when the order is by date)."""
    per_field: dict[str, list[str]] = {}
    for field, text in pairs:
        per_field.setdefault(field, []).append(text)
    boosts: dict[str, object] = {}
    if set(f["region"]) & set(u.regions):
        boosts["community named in the query"] = sorted(set(f["region"]) & set(u.regions))
    if f["status"] == "expired":
        boosts["expired: score multiplied by"] = FACTOR["expired"]
    if f.get("gone"):
        boosts["gone from its source: score multiplied by"] = FACTOR["gone"]
    if f["lang"] == ("en" if u.latin_only else reader):
        boosts["document in the reader's language: score multiplied by"] = FACTOR["reader_language"]
    if "doc_number" in per_field:
        boosts["document number matched exactly"] = True
    return {"score": round(score, 3) if scored else None,
            "bm25f": round(bm25f, 3) if scored else None, "matched": per_field,
            "boosts": boosts}  # fmt: skip
