"""Hits -> REGION/SCENARIO policy packages, ranked by the evidence of their policies."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.taxonomy import WIDER_SCOPES, Taxonomy

# A citywide or national policy belongs to every community's package, but says less about
# which community the user cares about than a policy of that community does.
WIDER_SCOPE_WEIGHT = 0.35
MAX_PACKAGES = 12


@dataclass
class Package:
    key: str
    region: str
    scenario: str
    title_zh: str
    title_en: str
    score: float = 0.0
    policy_ids: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"key": self.key, "region": self.region, "scenario": self.scenario,
                "title_zh": self.title_zh, "title_en": self.title_en,
                "score": round(self.score, 3), "policy_ids": self.policy_ids}


def package_keys(regions: list[str], scenarios: list[str], tax: Taxonomy,
                 only_region: str | None = None) -> list[tuple[str, str, float]]:
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


def group(hits: list[dict], tax: Taxonomy, only_region: str | None = None) -> list[Package]:
    """hits: dicts with id, score, regions, scenarios, status, in rank order."""
    packages: dict[str, Package] = {}
    for h in hits:
        if h["status"] == "expired":
            continue  # a package lists the policies in force
        for region, scenario, weight in package_keys(h["regions"], h["scenarios"], tax, only_region):
            info = tax.package(region, scenario)
            p = packages.get(info.key)
            if p is None:
                p = packages[info.key] = Package(info.key, region, scenario, info.title_zh, info.title_en)
            p.score += weight * h["score"]
            if h["id"] not in p.policy_ids:
                p.policy_ids.append(h["id"])
    ranked = sorted(packages.values(), key=lambda p: (-p.score, p.key))
    return ranked[:MAX_PACKAGES]
