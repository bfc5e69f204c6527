"""A store's history as the pages, the API and the feeds ask for it (no Flask): a document's
versions, one version against the one before it, and the latest changes in a scope (everything, a
community, a package, the documents a search finds), newest first.

The store is opened read-only for each question: the crawler may be writing it, and a web worker
must never create or migrate it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from indexer.history import Version
from indexer.store import DocumentStore
from indexer.taxonomy import WIDER_SCOPES

from .changes import History, VersionDiff, version_diff

# How many recorded changes a scoped feed looks back through for its entries.
MAX_SCAN = 5000
_BATCH = 500


@dataclass(frozen=True)
class Scope:
    """Which changes a feed follows: all of them, a community's (its own and the wider scopes'),
    a package's, or those of a set of documents (a saved search)."""

    kind: str  # all | community | package | search
    region: str | None = None
    scenario: str | None = None
    ids: frozenset[str] | None = None

    def covers(self, v: Version) -> bool:
        if self.ids is not None:
            return v.doc_id in self.ids
        if self.region and not set(v.regions) & {self.region, *WIDER_SCOPES}:
            return False
        return not self.scenario or self.scenario in v.scenarios


class ChangeLog:
    def __init__(self, store_path: Path):
        self.store_path = Path(store_path)

    @contextmanager
    def _store(self) -> Iterator[DocumentStore | None]:
        if not self.store_path.exists():
            yield None
            return
        store = DocumentStore(self.store_path, readonly=True)
        try:
            yield store
        finally:
            store.close()

    def history(self, doc_id: str) -> History | None:
        """A document's versions, or None when the store holds none of it."""
        with self._store() as store:
            if store is None:
                return None
            versions = store.history.versions(doc_id)
            if not versions:
                return None
            doc = store.get(doc_id)
        return History(doc_id, versions[-1].title, versions, doc.gone_on if doc else None)

    def diff(self, doc_id: str, n: int) -> VersionDiff | None:
        """Version n of a document against version n - 1, or None when there is no version n."""
        with self._store() as store:
            if store is None:
                return None
            v = store.history.version(doc_id, n)
            if v is None:
                return None
            before = store.history.version(doc_id, n - 1) if n > 1 else None
        return version_diff(doc_id, v, before)

    def latest(self, scope: Scope, limit: int) -> list[VersionDiff]:
        """The newest changes a scope follows (what crawls saw; re-derivations by newer rules
        left out), each against the version before it, newest first."""
        picked: list[Version] = []
        with self._store() as store:
            if store is None:
                return []
            before, scanned = None, 0
            while len(picked) < limit and scanned < MAX_SCAN:
                batch = store.history.recent(before=before, limit=_BATCH)
                if not batch:
                    break
                scanned += len(batch)
                before = batch[-1].seq
                picked.extend(v for v in batch if scope.covers(v))
            picked = picked[:limit]
            return [self._with_bodies(store, v) for v in picked]

    @staticmethod
    def _with_bodies(store: DocumentStore, v: Version) -> VersionDiff:
        v.body = store.history.body(v.doc_id, v.n) or {}
        previous = None
        if v.n > 1:
            previous = store.history.version(v.doc_id, v.n - 1)
        return version_diff(v.doc_id, v, previous)
