"""A 发文字号 the query names: whether a document has it, and when none does, the nearest numbers of
the same issuer — that year first, then the nearest years (pure: no index, no Flask)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from indexer.analysis import query_words

# The normalized form (indexer.fields.normalize_doc_number): 京人社发〔2021〕12号
NUMBER_RX = re.compile(r"^(?P<issuer>.+?)〔(?P<year>\d{4})〕(?P<n>\d+)号$")
NEAREST = 5


@dataclass
class NumberCheck:
    """What the page and the API say about a 发文字号 in the query."""

    asked: str
    exists: bool
    nearest: list[dict] = field(default_factory=list)  # {id, doc_number, title, title_en}

    def to_dict(self) -> dict:
        return {"asked": self.asked, "exists": self.exists, "nearest": self.nearest}


def parts(number: str) -> tuple[str, int, int] | None:
    """(issuer, year, serial) of a normalized number, or None for another shape."""
    m = NUMBER_RX.match(number)
    return (m["issuer"], int(m["year"]), int(m["n"])) if m else None


def nearest_numbers(asked: str, numbers, limit: int = NEAREST) -> list[str]:
    """The numbers of the same issuer closest to asked: the same year by serial distance, then
    other years, nearest year first. numbers: every 发文字号 held."""
    want = parts(asked)
    if want is None:
        return []
    issuer, year, serial = want
    ranked = []
    for number in set(numbers):
        got = parts(number)
        if got and got[0] == issuer and number != asked:
            ranked.append((abs(got[1] - year), abs(got[2] - serial), -got[1], number))
    return [r[-1] for r in sorted(ranked)[:limit]]


def number_words(number: str | None) -> set[str]:
    """The words a 发文字号 splits into (京人, 社发, 2021, 12, 号): a query's number is one thing,
    not its pieces (12 is not a word to look for inside 12345)."""
    return set(query_words(number)) if number else set()


def only_a_number(u) -> bool:
    """The query is a 发文字号 and nothing more."""
    pieces = number_words(u.doc_number)
    return bool(u.doc_number) and all(w in pieces for w in u.words)


def highlight_terms(u) -> list[str]:
    """What to highlight for a query: the number as a whole (where a text cites it), and the other
    words; never the pieces of the number alone."""
    pieces = number_words(u.doc_number)
    rest = [t for t in u.terms if t not in pieces]
    return [u.doc_number, *rest] if u.doc_number else rest
