"""The same policy published on several pages: one canonical document with alternate URLs.

Two documents are copies when they carry the same 发文字号 (same language and kind — a
translation is not a copy of its original), or when their texts are near-identical: the same
after folding away spacing, punctuation and character width, or sharing at least 90% of their
paragraphs. Pure functions; the index build applies them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .analysis import fold

if TYPE_CHECKING:  # documents imports this module to key its rows
    from .documents import PolicyDocument

NEAR = 0.9  # share of paragraphs two near-identical texts have in common
MIN_PARAGRAPH = 30  # shorter paragraphs (headings, dates) say nothing about identity
MIN_TEXT = 200  # shorter texts are too slight to call two pages the same policy
MIN_PARAGRAPHS = 4  # near copies are judged only between texts of this many paragraphs
COMMON = 25  # a paragraph found in more documents than this is boilerplate, not identity
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _norm(text: str) -> str:
    return _NOISE.sub("", fold(text).lower())


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def fingerprints(doc: PolicyDocument) -> tuple[str, frozenset[str]]:
    """(digest of the whole folded text, digests of its substantial paragraphs)."""
    paras = frozenset(
        _digest(n) for n in (_norm(p) for p in doc.text.split("\n")) if len(n) >= MIN_PARAGRAPH
    )
    return _digest(_norm(doc.text)), paras


def text_key(doc: PolicyDocument, whole: str | None = None) -> str | None:
    """Identical folded texts share this key (texts too short to identify a policy have none);
    whole is the text's digest when the caller has it already."""
    if len(doc.text) < MIN_TEXT:
        return None
    return f"{doc.lang}:{whole or _digest(_norm(doc.text))}"


def dup_key(doc: PolicyDocument) -> str | None:
    return f"{doc.lang}|{doc.kind}|{doc.doc_number}" if doc.doc_number else None


def canonical_rank(doc: PolicyDocument) -> tuple:
    """Which copy speaks for the group: the fullest metadata, then the shortest URL, then the id."""
    return (
        -bool(doc.doc_number),
        -bool(doc.agency),
        -(doc.status != "unknown"),
        -bool(doc.publish_date),
        len(doc.url),
        doc.id,
    )


class Groups:
    """Union-find over documents joined by shared 发文字号 or near-identical text.

    Keeps only ids, fingerprints and ranks, so a large store can be grouped in one pass."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.rank: dict[str, tuple] = {}
        self.lang: dict[str, str] = {}
        self.url: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._paras: dict[str, frozenset[str]] = {}
        self._by_para: dict[str, list[str]] = {}

    def _find(self, x: str) -> str:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def _union(self, a: str, b: str) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self.parent[rb] = ra

    def _join_on(self, key: str, doc_id: str) -> None:
        if key in self._keys:
            self._union(self._keys[key], doc_id)
        else:
            self._keys[key] = doc_id

    def add(self, doc: PolicyDocument) -> None:
        self.parent.setdefault(doc.id, doc.id)
        self.rank[doc.id], self.lang[doc.id], self.url[doc.id] = (
            canonical_rank(doc),
            doc.lang,
            doc.url,
        )
        key = dup_key(doc)
        if key:
            self._join_on("n:" + key, doc.id)
        whole, paras = fingerprints(doc)  # folding a text is most of the cost: once a document
        tkey = text_key(doc, whole)
        if tkey:
            self._join_on("t:" + tkey, doc.id)
        if len(paras) < MIN_PARAGRAPHS:
            return  # too few paragraphs to judge a near copy by
        candidates: set[str] = set()
        for p in paras:
            seen = self._by_para.setdefault(p, [])
            if len(seen) <= COMMON:
                candidates.update(seen)
                seen.append(doc.id)
        for other in candidates:
            theirs = self._paras[other]
            if self.lang[other] == doc.lang and len(paras & theirs) >= NEAR * max(
                len(paras), len(theirs)
            ):
                # theirs has MIN_PARAGRAPHS too: only such documents are registered below
                self._union(other, doc.id)
        self._paras[doc.id] = paras

    def canonical(self) -> dict[str, tuple[str, list[str]]]:
        """{canonical id: (its id, alternate URLs)} and every copy mapped by canonical_of."""
        members: dict[str, list[str]] = {}
        for i in self.parent:
            members.setdefault(self._find(i), []).append(i)
        out = {}
        self.canonical_of: dict[str, str] = {}
        for ids in members.values():
            ids.sort(key=lambda i: self.rank[i])
            head = ids[0]
            out[head] = (head, sorted(self.url[i] for i in ids[1:]))
            for i in ids:
                self.canonical_of[i] = head
        return out


def collapse(docs: Iterable[PolicyDocument]) -> dict[str, list[str]]:
    """{id of each canonical document: the alternate URLs of its copies}."""
    g = Groups()
    for d in docs:
        g.add(d)
    return {head: alts for head, (_, alts) in g.canonical().items()}
