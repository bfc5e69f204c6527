"""The response objects: one per search, package and community, each carrying everything its page
needs, serialized once for the API, the pages and `search --json`."""

from __future__ import annotations

from dataclasses import dataclass, field

from indexer.model import PolicyDocument

from .docnumbers import NumberCheck
from .packages import Package
from .query import SearchParams

NO_WORDS = (
    "The query has no searchable words (only symbols or emoji): type a word, a name or a "
    "document number."
)
# The links a result shows beside its title, in this order of preference.
RESULT_LINKS = ("translation", "original", "replaced_by")


def link_view(entry: dict | None) -> dict | None:
    """A resolved link as pages show it: our policy page when we hold the target, else its URL."""
    if entry is None:
        return None
    return {"id": entry.get("id"), "url": entry.get("url"), "title": entry.get("title"),
            "title_en": entry.get("title_en"), "lang": entry.get("lang")}  # fmt: skip


def result_links(related: list[dict], status: str) -> dict[str, dict | None]:
    """{translation, original, replaced_by} of a document: held targets only, except that an
    expired document names what replaced it even when we do not hold that."""
    out: dict[str, dict | None] = {}
    for rel in RESULT_LINKS:
        entry = next((r for r in related
                      if r["rel"] == rel and (r.get("id") or rel == "replaced_by")),
                     None)  # fmt: skip
        if rel == "replaced_by" and status != "expired":
            entry = None
        out[rel] = link_view(entry)
    return out


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
    summary_en: str | None = None
    links: dict[str, dict | None] = field(default_factory=dict)
    gone_on: str | None = None  # the day its page went from the source
    updated_on: str | None = None
    passing: bool = False  # the query's words are only mentioned in its text (ranking.in_passing)
    explain: dict | None = None

    @classmethod
    def of(cls, d: dict, snippet: str, score: float) -> ResultItem:
        """A result from a stored document's dict (the index keeps the whole document)."""
        return cls(
            id=d["id"], url=d["url"], title=d["title"], doc_number=d.get("doc_number"),
            agency=d.get("agency"), publish_date=d.get("publish_date"), status=d["status"],
            lang=d["lang"], regions=d["regions"], scenarios=d["scenarios"], snippet=snippet,
            score=score, kind=d.get("kind", "policy"), sample=bool(d.get("sample")),
            title_en=d.get("title_en"), summary_en=d.get("summary_en"),
            links=result_links(d.get("related") or [], d["status"]),
            gone_on=d.get("gone_on"), updated_on=d.get("updated_on"),
        )  # fmt: skip

    def to_dict(self) -> dict:
        d = {"id": self.id, "url": self.url, "title": self.title, "doc_number": self.doc_number,
             "agency": self.agency, "publish_date": self.publish_date, "status": self.status,
             "lang": self.lang, "regions": self.regions, "scenarios": self.scenarios,
             "snippet": self.snippet, "score": round(self.score, 3), "kind": self.kind,
             "sample": self.sample, "title_en": self.title_en, "summary_en": self.summary_en,
             "links": self.links, "gone_on": self.gone_on,
             "updated_on": self.updated_on,
             "mentioned_in_passing": self.passing}  # fmt: skip
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
    matched: str = "all"  # "all" words matched, or "characters" / "any" after widening
    matched_all: int | None = None  # how many documents hold every word (before widening)
    searched_for: str | None = None  # the query as searched, when misspelt English was repaired
    explain: dict | None = None
    searchable: bool = True  # False: the query had no word to search for (😀, %, *)
    number: NumberCheck | None = None  # the 发文字号 the query names: held or not, the nearest

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.params.per_page))

    def to_dict(self) -> dict:
        """Exactly the body of GET /api/search (the contract), plus documented extras."""
        return {
            "query": {"q": self.params.q, "terms": self.terms, "filters": dict(self.params.filters),
                      "sort": self.params.sort, "matched": self.matched,
                      "matched_all": self.matched_all,
                      "searched_for": self.searched_for,
                      "searchable": self.searchable},  # fmt: skip
            "total": self.total, "page": self.params.page, "per_page": self.params.per_page,
            "results": [r.to_dict() for r in self.results],
            "packages": [p.to_dict() for p in self.packages],
            "facets": self.facets,
            "suggestion": self.suggestion,
            **({"explain": self.explain} if self.explain is not None else {}),
            **({} if self.searchable else {"message": NO_WORDS}),
            **({"doc_number": self.number.to_dict()} if self.number else {}),
        }  # fmt: skip


# Fields of a document a package lists (the text and the page's own links stay out).
_LISTED_LEAVE_OUT = ("text", "links", "provenance")


@dataclass
class PackageView:
    """One package (a community's scene) with its in-force policies, for its page and the API."""

    key: str
    region: str
    scenario: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    policies: list[PolicyDocument] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.policies)

    def to_dict(self) -> dict:
        listed = [{k: v for k, v in d.contract_dict().items() if k not in _LISTED_LEAVE_OUT}
                  for d in self.policies]  # fmt: skip
        return {"key": self.key, "region": self.region, "scenario": self.scenario,
                "title_zh": self.title_zh, "title_en": self.title_en,
                "description_zh": self.description_zh, "description_en": self.description_en,
                "count": len(self.policies), "policies": listed}  # fmt: skip


@dataclass
class SceneView:
    """One scene of a community page: its package and the first policies of it."""

    scenario: str
    info: object  # taxonomy.PackageInfo
    count: int
    top: list[PolicyDocument]


@dataclass
class CommunityView:
    region: str
    scenes: list[SceneView]
