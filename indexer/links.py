"""Links between stored documents, resolved in one place: copies of one policy, the 发文字号 of
the policies a document explains, and each link to a document we hold (both directions).

Runs after a crawl, a renormalize and before an index build, over the fingerprints and links
the store keeps, without building documents; what changed is written back with a new seq, so
`dump`, the index and every page show the same relations."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .dedupe import Groups, canonical_rank
from .model import INVERSE_RELATIONS, Fingerprint, doc_id
from .store import DocumentStore

# Relations a link can carry that say something between two documents
# (see patterns.RELATED_LINK_HINTS).
RESOLVED_RELATIONS = ("original", "translation", "policy", "interpretation", "guide", "replaced_by")
# The links whose targets' 发文字号 an interpretation, guide or translation is found by.
EXPLAINS = ("original", "policy")
_META_KEY = "links_seq"


@dataclass
class _Row:
    id: str
    url: str
    lang: str
    kind: str
    doc_number: str | None
    title: str
    title_en: str | None
    status: str
    links: list[dict]
    relations: str | None


def _entry(rel: str, target: _Row | None, link: dict | None = None) -> dict:
    if target is None:  # a link to a page we do not hold: its own words stand for it
        assert link is not None
        title = (link.get("text") or link["url"]).strip("《》 ")
        return {"rel": rel, "id": None, "url": link["url"], "title": title, "title_en": None,
                "lang": None, "kind": None, "status": None, "doc_number": None}  # fmt: skip
    return {"rel": rel, "id": target.id, "url": target.url, "title": target.title,
            "title_en": target.title_en, "lang": target.lang, "kind": target.kind,
            "status": target.status, "doc_number": target.doc_number}  # fmt: skip


def resolve(store: DocumentStore, force: bool = False) -> int:
    """Recompute every document's relations; returns how many changed. Skipped when nothing was
    stored since the last run (unless force)."""
    if not force and store.meta(_META_KEY) == str(store.max_seq()):
        return 0
    rows: dict[str, _Row] = {}
    groups = Groups()
    for (i, url, lang, kind, number, agency, status, date, title, title_en, links, dup, digest,
         paras, relations, gone) in store.link_rows():  # fmt: skip
        rows[i] = _Row(i, url, lang, kind, number, title, title_en, status,
                       json.loads(links or "[]"), relations)  # fmt: skip
        keys = Fingerprint(dup, digest, frozenset(json.loads(paras or "[]")))
        groups.add(i, lang, canonical_rank(number, agency, status, date, url, i, gone), keys)
    head_of: dict[str, str] = {}
    resolved: dict[str, dict] = {}
    for ids in groups.groups():
        for i in ids:
            head_of[i] = ids[0]
            resolved[i] = {"alternate_urls": [], "related_numbers": [], "related": [],
                           "copy_of": ids[0] if i != ids[0] else None}  # fmt: skip
        resolved[ids[0]]["alternate_urls"] = sorted(rows[i].url for i in ids[1:])
    seen: set[tuple[str, str, str | None]] = set()

    def add(i: str, entry: dict) -> None:
        key = (i, entry["rel"], entry["id"] or entry["url"])
        if key not in seen:
            seen.add(key)
            resolved[i]["related"].append(entry)

    for i, row in rows.items():
        if head_of[i] != i:
            continue  # a copy's page links out as its canonical's does
        for link in row.links:
            rel = link.get("rel")
            if rel not in RESOLVED_RELATIONS:
                continue
            target_id = doc_id(link["url"])
            target = rows.get(head_of.get(target_id, ""))
            if target is not None and target.id == i:
                continue
            add(i, _entry(rel, target, link))
            if target is not None:
                add(target.id, _entry(INVERSE_RELATIONS[rel], row))
                number = rows[target_id].doc_number or target.doc_number
                numbers = resolved[i]["related_numbers"]
                if rel in EXPLAINS and number and number not in numbers:
                    numbers.append(number)
    changed = {}
    for i, rel in resolved.items():
        blob = json.dumps(rel, ensure_ascii=False, sort_keys=True)
        if blob != rows[i].relations:
            changed[i] = rel
    written = store.set_relations(changed)
    store.set_meta(_META_KEY, str(store.max_seq()))
    return written
