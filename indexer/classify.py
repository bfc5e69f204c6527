"""Rule-based classification: regions and scenarios from the taxonomy's vocabulary."""

from __future__ import annotations

import ahocorasick

from .model import PolicyDocument
from .taxonomy import Taxonomy

MAX_SCENARIOS = 3
# A community named this often in a body is where the document applies (a passing mention of a
# district, in a list of districts, is once or twice).
REGION_MENTIONS = 4
# Evidence for a scene: a strong word of its vocabulary in a title (or a query) counts three times a
# weak one; in a body each occurrence counts (up to BODY_CAP), the weak ones at 0.3.
TITLE_STRONG, TITLE_WEAK = 6.0, 2.0
BODY_STRONG, BODY_WEAK = 1.0, 0.3
BODY_CAP = 6  # more occurrences than this say no more about what a text is about
# A scene is kept beside the best one when it has this share of the best one's evidence, and at
# least MIN_EVIDENCE (one strong word in the body four times, or a weak one in the title twice).
KEEP_SHARE = 0.45
MIN_EVIDENCE = 4.0


_AUTOMATA: dict[str, ahocorasick.Automaton] = {}  # by the taxonomy's classifier digest


def _automaton(tax: Taxonomy) -> ahocorasick.Automaton:
    """Every word classification counts (scene vocabulary, region aliases), in one automaton that
    finds all of them in one pass over a text."""
    found = _AUTOMATA.get(tax.classifier_digest)
    if found is not None:
        return found
    auto = ahocorasick.Automaton()
    words = {t for strong, weak in tax.lowered_vocabulary.values() for t in (*strong, *weak)}
    words |= {a.lower() for r in tax.regions.values() for a in r.aliases if a}
    for w in words:
        if w:  # (the word, and whether two of its occurrences can overlap: 哈哈 in 哈哈哈)
            auto.add_word(w, (w, any(w[:i] == w[-i:] for i in range(1, len(w)))))
    auto.make_automaton()
    if len(_AUTOMATA) > 8:
        _AUTOMATA.clear()
    _AUTOMATA[tax.classifier_digest] = auto
    return auto


class _Text:
    """How often each of the taxonomy's words occurs in a text (lower-cased), counted as
    str.count counts: occurrences of one word do not overlap each other."""

    __slots__ = ("counts",)

    def __init__(self, text: str, tax: Taxonomy):
        counts: dict[str, int] = {}
        ends: dict[str, int] = {}
        for end, (word, overlaps) in _automaton(tax).iter(text.lower()):
            if overlaps:
                if end - len(word) + 1 < ends.get(word, 0):
                    continue  # overlaps its previous occurrence, which str.count would not count
                ends[word] = end + 1
            counts[word] = counts.get(word, 0) + 1
        self.counts = counts

    def count(self, term: str) -> int:
        return self.counts.get(term, 0)


def classify_regions(
    doc: PolicyDocument,
    tax: Taxonomy,
    hints: list[str] | tuple[str, ...] = (),
    body: _Text | None = None,
) -> list[str]:
    """Source hints, then agencies and strong mentions of a community in title or body."""
    out = [h for h in hints if h in tax.regions]
    agency = doc.agency or ""
    agency_l, title = agency.lower(), doc.title.lower()
    body = body or _Text(doc.text, tax)
    for slug, aliases in _region_aliases(tax):
        if slug in out:
            continue
        if (
            any(a in title or a in agency_l for a in aliases)
            or sum(body.count(a) for a in aliases) >= REGION_MENTIONS
        ):
            out.append(slug)
    if not out:
        # Beijing first: a Beijing branch of a national body (中国人民银行北京市分行)
        # issues for Beijing.
        for slug in ("beijing", "national"):
            r = tax.regions.get(slug)
            if r and any(
                m in agency or (doc.doc_number or "").startswith(m) for m in r.agency_markers
            ):
                out.append(slug)
                break
    return out or (["beijing"] if "beijing" in tax.regions else [])


def _region_aliases(tax: Taxonomy) -> list[tuple[str, tuple[str, ...]]]:
    """Each region's aliases, lower-cased once per taxonomy."""
    found = _ALIASES.get(tax.classifier_digest)
    if found is None:
        found = [
            (slug, tuple(a.lower() for a in r.aliases if a)) for slug, r in tax.regions.items()
        ]
        _ALIASES[tax.classifier_digest] = found
    return found


_ALIASES: dict[str, list[tuple[str, tuple[str, ...]]]] = {}


def _scene_index(tax: Taxonomy) -> dict[str, list[tuple[str, bool]]]:
    """word -> (scene, strong?) for every place the word has in the scenes' vocabularies."""
    found = _INDEXES.get(tax.classifier_digest)
    if found is None:
        found = {}
        for slug, (strong, weak) in tax.lowered_vocabulary.items():
            for words, is_strong in ((strong, True), (weak, False)):
                for w in words:
                    found.setdefault(w, []).append((slug, is_strong))
        _INDEXES[tax.classifier_digest] = found
    return found


_INDEXES: dict[str, dict[str, list[tuple[str, bool]]]] = {}


def scenario_scores(doc: PolicyDocument, tax: Taxonomy,
                    body: _Text | None = None) -> dict[str, float]:  # fmt: skip
    """Evidence per scenario: strong words weigh more, the title more than the body."""
    title = _Text(f"{doc.title} {doc.title_en or ''}", tax)
    body = body or _Text(doc.text, tax)
    index = _scene_index(tax)
    # per scene: strong and weak words in the title (each once), occurrences in the body (capped)
    tally: dict[str, list[int]] = {}
    for word in title.counts:
        for slug, strong in index.get(word, ()):
            tally.setdefault(slug, [0, 0, 0, 0])[0 if strong else 1] += 1
    for word, n in body.counts.items():
        for slug, strong in index.get(word, ()):
            tally.setdefault(slug, [0, 0, 0, 0])[2 if strong else 3] += min(n, BODY_CAP)
    scores: dict[str, float] = {}
    for slug in tax.scenarios:  # the taxonomy's order, as ties are broken by it
        ts, tw, bs, bw = tally.get(slug, (0, 0, 0, 0))
        score = TITLE_STRONG * ts + TITLE_WEAK * tw + BODY_STRONG * bs + BODY_WEAK * bw
        if score:
            scores[slug] = score
    return scores


def query_scenario_scores(words: set[str], tax: Taxonomy) -> dict[str, float]:
    """Evidence per scenario in a query's words, weighed as in a title; a query word inside a
    strong word counts too (看病 -> 看病就医)."""
    text = " ".join(sorted(words))
    scores: dict[str, float] = {}
    for slug, sc in tax.scenarios.items():
        score = TITLE_STRONG * sum(
            1 for t in sc.strong
            if t.lower() in text or any(len(w) > 1 and w in t.lower() for w in words)
        )  # fmt: skip
        score += TITLE_WEAK * sum(1 for t in sc.weak if t.lower() in text)
        if score:
            scores[slug] = score
    return scores


def classify_scenarios(doc: PolicyDocument, tax: Taxonomy, body: _Text | None = None) -> list[str]:
    scores = scenario_scores(doc, tax, body)
    if not scores:
        return ["services"] if "services" in tax.scenarios else []
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    kept = [s for s, v in ranked[:MAX_SCENARIOS] if v >= KEEP_SHARE * top and v >= MIN_EVIDENCE]
    return kept or [ranked[0][0]]


def classify(
    doc: PolicyDocument, tax: Taxonomy, region_hints: list[str] | tuple[str, ...] = ()
) -> PolicyDocument:
    """Fill doc.regions and doc.scenarios in place; returns doc."""
    body = _Text(doc.text, tax)  # the body's words counted once for both
    doc.regions = classify_regions(doc, tax, region_hints, body)
    doc.scenarios = classify_scenarios(doc, tax, body)
    return doc
