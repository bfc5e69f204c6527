"""The same policy published on several pages: fingerprints, and groups of copies.

Two documents are copies when they carry the same 发文字号 (same language and kind — a
translation is not a copy of its original), or when their texts are near-identical: the same
after folding away spacing, punctuation and character width, or sharing at least 90% of their
paragraphs. Pure functions over fingerprints; links.py applies them to the store."""

from __future__ import annotations

import hashlib
import re

from .analysis import fold
from .model import Fingerprint, PolicyDocument

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


def dup_key(lang: str, kind: str, doc_number: str | None) -> str | None:
    return f"{lang}|{kind}|{doc_number}" if doc_number else None


def fingerprint(doc: PolicyDocument) -> Fingerprint:
    """The keys that find doc's copies: its 发文字号 key, the digest of its whole folded text
    (texts too short to identify a policy have none), and digests of its substantial paragraphs."""
    normed = (_norm(p) for p in doc.text.split("\n"))
    paras = frozenset(_digest(n) for n in normed if len(n) >= MIN_PARAGRAPH)
    whole = f"{doc.lang}:{_digest(_norm(doc.text))}" if len(doc.text) >= MIN_TEXT else None
    return Fingerprint(dup_key(doc.lang, doc.kind, doc.doc_number), whole, paras)


def canonical_rank(doc_number, agency, status, publish_date, url: str, doc_id: str,
                   gone: bool = False) -> tuple:  # fmt: skip
    """Which copy speaks for the group: a page still published, the fullest metadata, then the
    shortest URL, then the id."""
    return (bool(gone), -bool(doc_number), -bool(agency), -(status != "unknown"),
            -bool(publish_date), len(url), doc_id)  # fmt: skip


class Groups:
    """Union-find over documents joined by shared 发文字号 or near-identical text.

    Keeps only ids, fingerprints and ranks, so a large store is grouped in one pass."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}
        self.rank: dict[str, tuple] = {}
        self.lang: dict[str, str] = {}
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

    def add(self, doc_id: str, lang: str, rank: tuple, keys: Fingerprint) -> None:
        self.parent.setdefault(doc_id, doc_id)
        self.rank[doc_id], self.lang[doc_id] = rank, lang
        if keys.dup_key:
            self._join_on("n:" + keys.dup_key, doc_id)
        if keys.text_digest:
            self._join_on("t:" + keys.text_digest, doc_id)
        paras = keys.paragraphs
        if len(paras) < MIN_PARAGRAPHS:
            return  # too few paragraphs to judge a near copy by
        candidates: set[str] = set()
        for p in paras:
            seen = self._by_para.setdefault(p, [])
            if len(seen) <= COMMON:
                candidates.update(seen)
                seen.append(doc_id)
        for other in candidates:
            theirs = self._paras[other]  # registered below, so it has MIN_PARAGRAPHS too
            shared = len(paras & theirs)
            if self.lang[other] == lang and shared >= NEAR * max(len(paras), len(theirs)):
                self._union(other, doc_id)
        self._paras[doc_id] = paras

    def groups(self) -> list[list[str]]:
        """Every group of copies, the one that speaks for it first."""
        members: dict[str, list[str]] = {}
        for i in self.parent:
            members.setdefault(self._find(i), []).append(i)
        return [sorted(ids, key=self.rank.__getitem__) for ids in members.values()]
