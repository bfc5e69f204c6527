"""One response object per search, serialized once for the API, the pages and `search --json`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .packages import Package
from .query import SearchParams


@dataclass
class ResultItem:
    id: str
    url: str
    title: str
    doc_number: str | None
    agency: str | None
    publish_date: str | None
    status: str
    lang: str
    regions: list[str]
    scenarios: list[str]
    snippet: str
    score: float
    kind: str = "policy"
    sample: bool = False
    title_en: str | None = None
    explain: dict | None = None

    def to_dict(self) -> dict:
        d = {
            "id": self.id,
            "url": self.url,
            "title": self.title,
            "doc_number": self.doc_number,
            "agency": self.agency,
            "publish_date": self.publish_date,
            "status": self.status,
            "lang": self.lang,
            "regions": self.regions,
            "scenarios": self.scenarios,
            "snippet": self.snippet,
            "score": round(self.score, 3),
            "kind": self.kind,
            "sample": self.sample,
            "title_en": self.title_en,
        }
        if self.explain is not None:
            d["explain"] = self.explain
        return d


@dataclass
class SearchResponse:
    params: SearchParams
    terms: list[str]
    total: int
    results: list[ResultItem] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    suggestion: str | None = None
    matched: str = "all"  # "all" words matched, or "any" after the fallback
    explain: dict | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    def to_dict(self) -> dict:
        """Exactly the body of GET /api/search (the contract), plus documented extras."""
        return {
            "query": {
                "q": self.params.q,
                "terms": self.terms,
                "filters": dict(self.params.filters),
                "sort": self.params.sort,
                "matched": self.matched,
            },
            "total": self.total,
            "page": self.params.page,
            "per_page": self.params.per_page,
            "results": [r.to_dict() for r in self.results],
            "packages": [p.to_dict() for p in self.packages],
            "facets": self.facets,
            "suggestion": self.suggestion,
            **({"explain": self.explain} if self.explain is not None else {}),
        }
