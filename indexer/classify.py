"""Rule-based classification: regions and scenarios from the taxonomy's vocabulary."""

from __future__ import annotations

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


def _count(text: str, term: str) -> int:
    return text.count(term) if term else 0


def classify_regions(
    doc: PolicyDocument, tax: Taxonomy, hints: list[str] | tuple[str, ...] = ()
) -> list[str]:
    """Source hints, then agencies and strong mentions of a community in title or body."""
    out = [h for h in hints if h in tax.regions]
    agency = doc.agency or ""
    title = doc.title.lower()
    body = doc.text.lower()
    for slug, r in tax.regions.items():
        if slug in out:
            continue
        aliases = [a.lower() for a in r.aliases if a]
        if (
            any(a in title for a in aliases)
            or any(a.lower() in agency.lower() for a in aliases)
            or sum(_count(body, a) for a in aliases) >= REGION_MENTIONS
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


def scenario_scores(doc: PolicyDocument, tax: Taxonomy) -> dict[str, float]:
    """Evidence per scenario: strong words weigh more, the title more than the body."""
    title = f"{doc.title} {doc.title_en or ''}".lower()
    body = doc.text.lower()
    scores: dict[str, float] = {}
    for slug, s in tax.scenarios.items():
        strong = [t.lower() for t in s.strong]
        weak = [t.lower() for t in s.weak]
        score = TITLE_STRONG * sum(1 for t in strong if t in title)
        score += TITLE_WEAK * sum(1 for t in weak if t in title)
        score += BODY_STRONG * sum(min(_count(body, t), BODY_CAP) for t in strong)
        score += BODY_WEAK * sum(min(_count(body, t), BODY_CAP) for t in weak)
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


def classify_scenarios(doc: PolicyDocument, tax: Taxonomy) -> list[str]:
    scores = scenario_scores(doc, tax)
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
    doc.regions = classify_regions(doc, tax, region_hints)
    doc.scenarios = classify_scenarios(doc, tax)
    return doc
