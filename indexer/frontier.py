"""The crawl frontier: what to fetch next, kept in the store so an interrupted crawl resumes.

A listing's documents are fetched before the next listing page, so when that page's turn comes
the walker knows whether the listing before it held anything new or changed: on a newest-first
listing, a page of documents that were all stored and unchanged means the rest is too."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from .store import DocumentStore

# Kinds of frontier item that are not listings: a page of the links strategy (fetched, derived,
# its links followed) and a document named by a listing (fetched and derived; a leaf).
PAGE, DOC = "page", "doc"


@dataclass
class Item:
    url: str
    depth: int
    kind: str  # PAGE, DOC, or the listing parser that reads it (trs, hanweb, json, …)
    parent: str | None = None  # the listing page that named it
    probe: bool = False  # a guessed listing page: missing means the listing ended

    @property
    def is_listing(self) -> bool:
        return self.kind not in (PAGE, DOC)


@dataclass
class _Named:
    """What the documents one listing page named came to, so far."""

    documents: int = 0
    fresh: bool = False  # one of them was new, changed, or not stored before


class Frontier:
    """Two queues (documents first, then pages and listings), the URLs seen, and per listing page
    what its documents came to. Without a store (a dry run) nothing is persisted."""

    def __init__(self, source: str, store: DocumentStore | None):
        self.source, self.store = source, store
        self.docs: deque[Item] = deque()
        self.rest: deque[Item] = deque()
        self.seen: set[str] = set()
        self.resumed = False
        self._named: dict[str, _Named] = {}

    def start(self, seeds: list[Item]) -> None:
        """Resume what an interrupted crawl left, else start afresh from seeds."""
        pending = self.store.frontier_pending(self.source) if self.store else []
        if pending:
            self.resumed = True
            assert self.store is not None
            self.seen = self.store.frontier_seen(self.source)
            for url, depth, kind, parent, probe in pending:
                self._push(Item(url, depth, kind, parent, probe))
            return
        if self.store:
            self.store.frontier_clear(self.source)
        for item in seeds:
            self.add(item)

    def add(self, item: Item) -> bool:
        """Queue an item unless its URL was seen in this walk."""
        if item.url in self.seen:
            return False
        self.seen.add(item.url)
        if self.store:
            self.store.frontier_add(self.source, item.url, item.depth, item.kind, item.parent,
                                    item.probe)  # fmt: skip
        self._push(item)
        return True

    def _push(self, item: Item) -> None:
        (self.docs if item.kind == DOC else self.rest).append(item)

    def pop(self) -> Item | None:
        if self.docs:
            return self.docs.popleft()
        return self.rest.popleft() if self.rest else None

    def done(self, item: Item) -> None:
        if self.store:
            self.store.frontier_done(self.source, item.url)

    def finish(self) -> None:
        """The walk ended (all done, or the page limit): the next crawl starts afresh. Only a
        crawl that was killed or interrupted leaves its frontier behind to resume."""
        if self.store:
            self.store.frontier_clear(self.source)

    # ---- where a listing walk may stop ----------------------------------------------------------
    def listed(self, listing: str, documents: int) -> None:
        """A listing page named this many documents (queued now, or seen earlier in the walk)."""
        self._named[listing] = _Named(documents)

    def record(self, item: Item, fresh: bool) -> None:
        """What a document came to: fresh if it was new, changed, or not stored before."""
        named = self._named.get(item.parent or "")
        if named is not None and fresh:
            named.fresh = True

    def stale(self, item: Item) -> bool:
        """The listing page before this one named documents, and every one of them was stored
        and unchanged (its documents were all visited before this item's turn came)."""
        named = self._named.get(item.parent or "")
        return named is not None and named.documents > 0 and not named.fresh
