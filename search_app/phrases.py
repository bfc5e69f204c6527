"""Phrases checked on the documents that still matter: the positions of a phrase's words read
from the posting blocks of those documents only, and compared as Whoosh's ordered SpanNear2 compares
them (Whoosh's span matcher, walked over every document holding the words, was most of a search on
common words: docs/PERFORMANCE.md)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import numpy as np

from indexer.whoosh_compat import term_values


def near(positions: list[list[int]], slop: int) -> bool:
    """Whether the words stand in order, each within slop positions after the span of those before
    it: Whoosh's SpanNear2(ordered=True, mindist=1) over each word's positions (ascending)."""
    if len(positions) == 2:  # most phrases: some second word 1..slop positions after a first
        first, second = positions
        for at in first:
            j = bisect_right(second, at)
            if j < len(second) and second[j] - at <= slop:
                return True
        return False
    spans = {(p, p) for p in positions[0]}
    for following in positions[1:]:
        grown = set()
        for start, end in spans:
            j = bisect_left(following, start)  # ordered: a word does not count before the span
            while j < len(following):
                at = following[j]
                j += 1
                if at > end + slop:
                    break
                if 1 <= (at - end if at > end else 0) <= slop:  # inside the span: distance 0
                    grown.add((start, max(end, at)))
        if not grown:
            return False
        spans = grown
    return bool(spans)


def positions(leaves, fmt, fieldname: str, btext: bytes, docs: np.ndarray) -> list[list[int]]:
    """The positions of a term in each of docs (index-wide numbers, ascending, each holding the
    term), from the posting blocks that hold them. leaves: (segment reader, first number)."""
    decode = fmt.decoder("positions")
    found: dict[int, bytes] = {}
    wanted = docs.tolist()
    for reader, offset in leaves:
        end = offset + reader.doc_count_all()
        mine = [d - offset for d in wanted if offset <= d < end]
        if mine:
            values = term_values(reader, fieldname, btext, fmt, mine)
            found.update((d + offset, v) for d, v in values.items())
    return [decode(found[d]) if d in found else [] for d in wanted]
