"""Snippets and in-text highlights: escaped text whose only markup is <mark> (pure, no Whoosh)."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from html import escape

from indexer.analysis import fold

MAX_MATCHES = 400


def find_spans(
    text: str, terms: list[str], folded: str | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, term) of every occurrence of the query terms, longest first where they overlap.

    The text is folded the way the analyzer folds it (half-width, simplified), which keeps offsets,
    so 申請 in a page matches the query word 申请; Latin words match whole words
    (permit -> permits). folded: fold(text).lower(), when the caller has it already."""
    folded = fold(text).lower() if folded is None else folded
    spans: list[tuple[int, int, str]] = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        if term.isascii():
            rx = re.compile(r"(?<![a-z0-9])" + re.escape(term) + r"[a-z]*", re.I)
            spans.extend((m.start(), m.end(), term) for m in rx.finditer(folded))
        else:
            start = folded.find(term)
            while start >= 0 and len(spans) < MAX_MATCHES:
                spans.append((start, start + len(term), term))
                start = folded.find(term, start + len(term))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    merged: list[tuple[int, int, str]] = []
    for s in spans:
        if merged and s[0] < merged[-1][1]:
            continue  # overlaps a longer or earlier match
        merged.append(s)
    return merged


def mark(
    text: str, spans: list[tuple[int, int, str]], start: int = 0, end: int | None = None
) -> str:
    """text[start:end] escaped, with the spans inside it wrapped in <mark>."""
    end = len(text) if end is None else end
    out, pos = [], start
    for s, e, _ in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s], quote=True))
        out.append("<mark>" + escape(text[s:e], quote=True) + "</mark>")
        pos = e
    out.append(escape(text[pos:end], quote=True))
    return "".join(out)


def flatten(text: str) -> str:
    return text.replace("\n", " ")


def snippet(text: str, terms: list[str], length: int = 160, folded: str | None = None) -> str:
    """The window of text that holds the most distinct query terms, highlighted. folded:
    fold(flatten(text)).lower(), when the caller keeps it."""
    flat = flatten(text)
    spans = find_spans(flat, terms, folded)
    if not spans:
        return escape(flat[:length], quote=True) + ("…" if len(flat) > length else "")
    best, best_key = 0, (-1, -1)
    starts = [sp[0] for sp in spans]  # spans do not overlap: starts and ends both ascend
    ends = [sp[1] for sp in spans]
    for s in starts:
        lo = max(0, s - length // 4)
        hi = lo + length
        inside = spans[bisect_left(starts, lo) : bisect_right(ends, hi)]
        key = (len({sp[2] for sp in inside}), len(inside))
        if key > best_key:
            best, best_key = lo, key
    lo, hi = best, min(len(flat), best + length)
    return ("…" if lo > 0 else "") + mark(flat, spans, lo, hi) + ("…" if hi < len(flat) else "")
