"""Rule-based classification: regions and scenarios from the taxonomy's vocabulary."""

from __future__ import annotations

from .documents import PolicyDocument
from .taxonomy import Taxonomy

MAX_SCENARIOS = 3


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
            or sum(_count(body, a) for a in aliases) >= 4
        ):
            out.append(slug)
    if not out:
        # Beijing first: a Beijing branch of a national body (中国人民银行北京市分行) issues for Beijing.
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
        score = 6.0 * sum(1 for t in strong if t in title) + 2.0 * sum(
            1 for t in weak if t in title
        )
        score += sum(min(_count(body, t), 6) for t in strong)
        score += 0.3 * sum(min(_count(body, t), 6) for t in weak)
        if score:
            scores[slug] = score
    return scores


def classify_scenarios(doc: PolicyDocument, tax: Taxonomy) -> list[str]:
    scores = scenario_scores(doc, tax)
    if not scores:
        return ["services"] if "services" in tax.scenarios else []
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top = ranked[0][1]
    return [s for s, v in ranked[:MAX_SCENARIOS] if v >= 0.45 * top and v >= 4.0] or [ranked[0][0]]


def classify(
    doc: PolicyDocument, tax: Taxonomy, region_hints: list[str] | tuple[str, ...] = ()
) -> PolicyDocument:
    """Fill doc.regions and doc.scenarios in place; returns doc."""
    doc.regions = classify_regions(doc, tax, region_hints)
    doc.scenarios = classify_scenarios(doc, tax)
    return doc
