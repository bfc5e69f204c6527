"""The served index version: opened once per generation or commit, pinned for the length of a
search, with caches that live exactly as long as the version they were computed from."""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from pathlib import Path

from indexer.schema import IndexMissing, current_generation, open_index

from .engine import Weighting


class SearchIndex:
    """The served index generation; reopened when a build swaps generations or commits."""

    def __init__(self, index_root: Path):
        self.index_root = Path(index_root)
        self._lock = threading.Lock()
        self._ix = None
        self._key: tuple | None = None
        self._local = threading.local()
        self._cache: dict[str, object] = {}
        # Every open searcher, whatever thread opened it: closed when this object goes (an app
        # discarded, a test finished), since a thread's own searcher is closed only when it moves
        # on to a newer version.
        self._open: set = set()
        weakref.finalize(self, _close_all, self._open, self._lock)

    def _current_key(self) -> tuple:
        gen = current_generation(self.index_root)
        if gen is None:
            raise IndexMissing(f"no search index in {self.index_root}; run `policy-index index`")
        toc = max((p.name for p in gen.glob("_MAIN_*.toc")), default="")
        return (gen.name, toc)

    @property
    def version(self) -> str:
        """The generation served now (gen-000003), as /healthz reports it."""
        self.searcher()
        return self._local.key[0]

    def _refresh(self) -> None:
        """Point this thread at the current index version (its older searcher is closed)."""
        key = self._current_key()
        with self._lock:
            if key != self._key:
                self._ix = open_index(self.index_root)
                self._key = key
                self._cache = {}
            ix, key, cache = self._ix, self._key, self._cache
        local = self._local
        if getattr(local, "key", None) != key:
            old = getattr(local, "searcher", None)
            local.searcher = ix.searcher(weighting=Weighting())
            local.key, local.cache = key, cache
            with self._lock:
                self._open.add(local.searcher)
                self._open.discard(old)
            if old is not None:
                old.close()

    def searcher(self):
        """A searcher of the current index for this thread (reused until the index changes; inside
        pinned(), the version the pin began with)."""
        if not getattr(self._local, "pins", 0):
            self._refresh()
        return self._local.searcher

    @contextmanager
    def pinned(self):
        """One index version for everything inside: a search reads hits, facets and stored
        documents one after another, and a build committing in between must not close the
        searcher it reads."""
        local = self._local
        if not getattr(local, "pins", 0):
            self._refresh()
        local.pins = getattr(local, "pins", 0) + 1
        try:
            yield local.searcher
        finally:
            local.pins -= 1

    def cached(self, name: str, compute):
        """A value derived from this thread's index version, computed once per version."""
        self.searcher()
        cache = self._local.cache
        if name not in cache:
            cache[name] = compute()
        return cache[name]


def _close_all(searchers: set, lock) -> None:
    with lock:
        for s in searchers:
            s.close()
        searchers.clear()
