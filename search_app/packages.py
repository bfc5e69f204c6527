"""Hits -> REGION/SCENARIO policy packages, ranked by the evidence of their policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.classify import query_scenario_scores
from indexer.taxonomy import WIDER_SCOPES, Taxonomy

from .ranking import FACTOR

WIDER_SCOPE_WEIGHT = FACTOR["wider_scope_in_package"]
MAX_PACKAGES = 12
NAMED_SHARE = 0.5  # a named community's package leads when it scores half its best one


@dataclass
class Package:
    key: str
    region: str
    scenario: str
    title_zh: str
    title_en: str
    score: float = 0.0
    policy_ids: list[str] = field(default_factory=list)
    matched: dict[str, list[str]] = field(default_factory=dict)  # policy id -> words it matched
    nearest: bool = False  # offered for a query that found nothing, not matched by it

    @property
    def matched_terms(self) -> list[str]:
        out: list[str] = []
        for words in self.matched.values():
            out.extend(w for w in words if w not in out)
        return out

    def to_dict(self) -> dict:
        d = {
            "key": self.key,
            "region": self.region,
            "scenario": self.scenario,
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "score": round(self.score, 3),
            "policy_ids": self.policy_ids,
            "matched_terms": self.matched_terms,
            "matched": self.matched,
        }
        if self.nearest:
            d["nearest"] = True
        return d


def package_keys(
    regions: list[str], scenarios: list[str], tax: Taxonomy, only_region: str | None = None
) -> list[tuple[str, str, float]]:
    """(region, scenario, weight) of every package a document belongs to."""
    communities = tax.communities
    out = []
    for r in regions:
        targets = communities if r in WIDER_SCOPES else [r] if r in communities else []
        weight = WIDER_SCOPE_WEIGHT if r in WIDER_SCOPES else 1.0
        for c in targets:
            if only_region and c != only_region:
                continue
            out.extend((c, s, weight) for s in scenarios if s in tax.scenarios)
    return out


def group(
    hits: list[dict], tax: Taxonomy, only_region: str | None = None, named: tuple[str, ...] = ()
) -> list[Package]:
    """hits: dicts with id, score, regions, scenarios, status, in rank order. named: the
    communities the query names (亦庄, 望京): their packages come first."""
    packages: dict[str, Package] = {}
    keys: dict[tuple, list] = {}  # hits share a few combinations of regions and scenarios
    for h in hits:
        if h["status"] == "expired" or h.get("gone"):
            continue  # a package lists the policies in force, still published at their source
        combo = (tuple(h["regions"]), tuple(h["scenarios"]))
        if combo not in keys:
            found = package_keys(h["regions"], h["scenarios"], tax, only_region)
            keys[combo] = [(r, s, w, tax.package(r, s)) for r, s, w in found]
        for region, scenario, weight, info in keys[combo]:
            p = packages.get(info.key)
            if p is None:
                p = packages[info.key] = Package(
                    info.key, region, scenario, info.title_zh, info.title_en
                )
            p.score += weight * h["score"]
            if h["id"] not in p.matched:  # the policies listed so far (a list would be searched)
                p.policy_ids.append(h["id"])
                p.matched[h["id"]] = list(h.get("terms") or [])
    # The named community's packages lead, those that matched well (a scene touched only in
    # passing, by a citywide policy, stays in score order with the rest).
    top = max((p.score for p in packages.values() if p.region in named), default=0.0)
    lead = {k for k, p in packages.items() if p.region in named and p.score >= NAMED_SHARE * top}
    ranked = sorted(packages.values(), key=lambda p: (p.key not in lead, -p.score, p.key))
    return ranked[:MAX_PACKAGES]


def nearest(
    u, tax: Taxonomy, package_ids, only_region: str | None = None, limit: int = 6
) -> list[Package]:
    """Packages to offer when a query finds nothing: scenes whose vocabulary the query touches,
    in the communities it names (or the one filtered on), else in every community."""
    words = {w.lower() for c in u.concepts for w in (c.typed, *c.words, *c.expansions)}
    scores = query_scenario_scores(words, tax)
    regions = (
        [only_region]
        if only_region in tax.communities
        else ([r for r in u.regions if r in tax.communities] or tax.communities)
    )
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:3] or [("services", 0)]
    out = []
    for scenario, score in ranked:
        for region in regions:
            info = tax.package(region, scenario)
            out.append(
                Package(
                    info.key,
                    region,
                    scenario,
                    info.title_zh,
                    info.title_en,
                    float(score),
                    package_ids(region, scenario)[:5],
                    nearest=True,
                )
            )
    return out[:limit]
