"""Facets: each document's facet values by document number, laid out for counting matches with
numpy, and the counts of one search."""

from __future__ import annotations

from array import array

import numpy as np

from indexer.model import FACETS

from .ranking import negdate

MAX_FACET_VALUES = 30


class FacetTable:
    """Each live document's facet values by document number, as dicts on request. Kept as a tuple
    per document whose values are shared between documents (a dict per document cost about 1.7 KB:
    85 MB a worker at 50,000 documents)."""

    KEYS = ("id", "title", "title_en", *FACETS, "date", "gone", "kind", "pairs")
    LISTS = ("region", "scenario", "audience", "agency", "pairs")
    OWN = ("id", "title", "title_en")  # one document's own, not worth sharing

    def __init__(self, rows):
        shared: dict = {}

        def share(key, value):
            if key in self.OWN:
                return value
            value = tuple(value) if isinstance(value, list) else value
            return shared.setdefault(value, value)

        # .get: an index built before a key was added has none (gone: not gone)
        self._rows = [
            None if f is None else tuple(share(k, f.get(k)) for k in self.KEYS) for f in rows
        ]

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, n: int) -> dict | None:
        t = self._rows[n]
        if t is None:
            return None
        row = dict(zip(self.KEYS, t, strict=True))
        for k in self.LISTS:
            row[k] = list(row[k] or ())  # (an index built before a key was added has none)
        return row

    def __iter__(self):
        return (self[n] for n in range(len(self._rows)))

    def id(self, n: int) -> str:
        return self._rows[n][0]


class FacetColumns:
    """Per facet: its values, and (document number, value number) pairs of every live document —
    what np.bincount counts a search's matches with."""

    def __init__(self, table: FacetTable, agency_keys=lambda name: [name]):
        """agency_keys: an agency field -> the agencies it names, each by its one key (the
        taxonomy's), so that the Chinese and English spellings of an agency count as one."""
        values: dict[str, list[str]] = {name: [] for name in FACETS}
        number: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        pairs = {name: (array("i"), array("i")) for name in FACETS}
        for n, f in enumerate(table):  # one pass: a row is a dict made on request
            if f is None:
                continue
            for name in FACETS:
                numbers, docs, codes = number[name], *pairs[name]
                vs = f[name] if isinstance(f[name], list) else (f[name],)
                if name == "agency":
                    vs = dict.fromkeys(k for v in vs for k in agency_keys(v))
                for v in vs:
                    if v:
                        if v not in numbers:
                            numbers[v] = len(values[name])
                            values[name].append(v)
                        docs.append(n)
                        codes.append(numbers[v])
        self.columns = {
            name: (values[name], np.frombuffer(pairs[name][0], dtype=np.int32),
                   np.frombuffer(pairs[name][1], dtype=np.int32))
            for name in FACETS
        }  # fmt: skip

    def counts(self, mask: np.ndarray) -> dict[str, dict[str, int]]:
        """Per facet the most frequent values among the documents of mask, most first."""
        out = {}
        for name, (values, docs, codes) in self.columns.items():
            counts = np.bincount(codes[mask[docs]], minlength=len(values))
            ranked = sorted(((values[i], int(counts[i])) for i in np.flatnonzero(counts).tolist()),
                            key=lambda kv: (-kv[1], kv[0]))  # fmt: skip
            out[name] = dict(ranked[:MAX_FACET_VALUES])
        return out


def date_keys(table: FacetTable) -> np.ndarray:
    """Publication date per document number as a number (20240131; 0 for none), for date order."""
    return np.array([-negdate(f["date"]) if f else 0 for f in table], dtype=np.int64)
