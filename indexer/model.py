"""The one document model: what extraction derives from a page, and what the store resolves
between documents. Standard library only, so any module may import it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import NamedTuple

# The contract's document fields, in the order `dump` and `/api/policies/<id>` print them.
CONTRACT_FIELDS = (
    "id", "url", "title", "doc_number", "agency", "publish_date", "lang", "status",
    "regions", "scenarios", "text",
)  # fmt: skip
KINDS = ("policy", "interpretation", "guide", "translation")
STATUSES = ("in_force", "expired", "unknown")
LANGS = ("zh", "en")
# Facets of a search, in the order pages show them; the index keeps each document's values.
FACETS = ("region", "scenario", "audience", "agency", "year", "status", "lang")
# Links between documents: each relation and the one its target holds back.
INVERSE_RELATIONS = {
    "original": "translation", "translation": "original",
    "policy": "explained_by", "explained_by": "policy",
    "interpretation": "policy", "guide": "policy",
    "replaced_by": "replaces", "replaces": "replaced_by",
}  # fmt: skip
# Fields the store resolves across documents (indexer/links.py); the rest comes from one page.
RESOLVED_FIELDS = ("alternate_urls", "related_numbers", "related", "copy_of")
# Fields the store keeps about a document's history (indexer/history.py), not what its page says:
# its version number, the day its content last changed, the day its page went from the source.
KEPT_FIELDS = ("version", "updated_on", "gone_on")
# Fields that say how a document was made, not what it says: left out of its content hash.
MAKING_FIELDS = ("provenance", "extractor")
# Fields a version compares to say what changed, in the order a change names them ("gone" is
# the store's: the page went from its source, or came back).
COMPARED_FIELDS = (
    "title", "doc_number", "agency", "publish_date", "written_date", "status", "valid_until",
    "kind", "lang", "regions", "scenarios", "title_en", "summary_en", "text", "attachments",
    "links",
)  # fmt: skip


class Fingerprint(NamedTuple):
    """What finds a document's copies (computed by dedupe.py, kept by the store)."""

    dup_key: str | None  # lang|kind|发文字号: pages publishing the same policy share it
    text_digest: str | None  # identical folded texts share it
    paragraphs: frozenset[str]  # digests of its substantial paragraphs


def doc_id(url: str) -> str:
    """Stable id of the document fetched from url."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class PolicyDocument:
    """One normalized policy document.

    Extracted from its page: everything from url to attachments, plus provenance (which rule
    found each field) and extractor (the version of the rules and taxonomy that made it).
    Resolved by the store across documents (RESOLVED_FIELDS): the pages publishing the same
    policy, the 发文字号 of the policies it explains, and its links to documents we hold."""

    url: str
    title: str
    text: str
    doc_number: str | None = None
    agency: str | None = None
    publish_date: str | None = None
    written_date: str | None = None
    lang: str = "zh"
    status: str = "unknown"
    regions: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    kind: str = "policy"
    # whom it is for (taxonomy audiences, indexer/audience.py) and what they must meet (one line
    # each)
    audience: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    sample: bool = False
    source: str | None = None
    title_en: str | None = None
    summary_en: str | None = None
    links: list[dict] = field(default_factory=list)  # {url, text, rel} as the page links out
    attachments: list[dict] = field(default_factory=list)
    valid_until: str | None = None  # last day of a validity period the text states (YYYY-MM-DD)
    provenance: dict = field(default_factory=dict)
    extractor: str = ""
    # a service guide's structured fields: audience, conditions, materials, steps, where, hours,
    # time_limit, phone, fee (indexer/guide.py); None for other kinds
    guide: dict | None = None
    # ---- resolved by the store (indexer/links.py) ----
    alternate_urls: list[str] = field(default_factory=list)  # other pages publishing this policy
    related_numbers: list[str] = field(default_factory=list)  # 发文字号 of the policies it explains
    related: list[dict] = field(default_factory=list)  # {rel, id, title, title_en, lang, kind}
    copy_of: str | None = None  # the id of the page that speaks for this policy, when a copy
    # ---- kept by the store (indexer/history.py) ----
    version: int = 0  # how many versions of it the store holds (0: never stored)
    updated_on: str | None = None  # the day its content last changed (YYYY-MM-DD, Beijing time)
    gone_on: str | None = None  # the day its page went from the source (404/410), while it is gone
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = doc_id(self.url)

    @classmethod
    def from_dict(cls, data: dict) -> PolicyDocument:
        """A document from its stored JSON; keys of fields this version no longer has
        are dropped."""
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def to_dict(self) -> dict:
        """Every field, its lists and dicts copied (what dataclasses.asdict gives for JSON-like
        values, without its deep copy of every string: a store write makes two of these)."""
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self)}

    def extracted_dict(self) -> dict:
        """What one page says (the store's body): the resolved fields left out."""
        d = self.to_dict()
        for k in (*RESOLVED_FIELDS, *KEPT_FIELDS):
            d.pop(k)
        return d

    def contract_dict(self) -> dict:
        """The document as the public contract names it, extra fields after the contract's."""
        d = self.to_dict()
        out = {k: d[k] for k in CONTRACT_FIELDS}
        out.update({k: v for k, v in d.items() if k not in out})
        return out

    def content_hash(self) -> str:
        """Digest of what the page says: a re-crawl that changes none of it changes nothing."""
        d = self.extracted_dict()
        for k in MAKING_FIELDS:
            d.pop(k)
        blob = json.dumps(d, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha1(blob).hexdigest()

    @property
    def gone(self) -> bool:
        return self.gone_on is not None

    def resolved_dict(self) -> dict:
        return {k: getattr(self, k) for k in RESOLVED_FIELDS}

    def related_of(self, rel: str) -> dict | None:
        """The first linked document we hold of one relation (translation, original …)."""
        return next((r for r in self.related if r["rel"] == rel), None)

    @property
    def agencies(self) -> list[str]:
        """The issuing agencies, joint issuers apart."""
        return [a for a in (self.agency or "").split("、") if a]

    @property
    def year(self) -> str:
        return (self.publish_date or "")[:4]

    def facet_values(self) -> dict[str, list[str] | str]:
        """The document's value(s) for each of FACETS."""
        return {"region": self.regions, "scenario": self.scenarios, "audience": self.audience,
                "agency": self.agencies,
                "year": self.year, "status": self.status, "lang": self.lang}  # fmt: skip


def changed_fields(old: dict, new: dict) -> list[str]:
    """The COMPARED_FIELDS whose values differ between two extracted documents."""
    return [k for k in COMPARED_FIELDS if (old.get(k) or None) != (new.get(k) or None)]


def _plain(v):
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    return v
