"""A thread-safe LRU bounded by a total size (items count 1 each unless weighed otherwise)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable


class LRU:
    """Values are never modified once put: readers share them without a lock."""

    def __init__(self, limit: int, weigh: Callable[[object], int] = lambda value: 1):
        self.limit = limit
        self.weigh = weigh
        self.total = 0
        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        size = self.weigh(value)
        if size > self.limit:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.total -= self.weigh(old)
            self._items[key] = value
            self.total += size
            while self.total > self.limit:
                _, evicted = self._items.popitem(last=False)
                self.total -= self.weigh(evicted)
