"""Plain-text helpers every layer shares: white space, and what counts as a Chinese character.

Standard library only. Folding (full-width, traditional characters) needs OpenCC and lives
with THE analyzers in analysis.py."""

from __future__ import annotations

import re

# The CJK Unified Ideographs block: the characters jieba segments and the bigram field pairs.
CJK = "\u4e00-\u9fff"
CJK_CHAR = re.compile(f"[{CJK}]")
CJK_RUN = re.compile(f"[{CJK}]+")
_SPACE = re.compile(r"[\s\u3000\u00a0\u2002-\u200b\ufeff]+")
# White space other than the ASCII kinds (ideographic, no-break, thin, zero-width …)
_ODD_SPACE = re.compile(
    r"[\u3000\u00a0\u2002-\u200b\ufeff\x0b\x0c\x1c-\x1f\x85\u1680\u2028\u2029\u202f\u205f]"
)


def is_cjk(word: str) -> bool:
    """Every character of word is a Chinese character (and there is at least one)."""
    return bool(word) and all("\u4e00" <= c <= "\u9fff" for c in word)


def has_cjk(text: str) -> bool:
    return CJK_CHAR.search(text) is not None


def cjk_count(text: str) -> int:
    return len(text) - len(CJK_RUN.sub("", text))


_LATIN = re.compile("[A-Za-z]+")


def latin_count(text: str) -> int:
    """ASCII letters in text."""
    return len(text) - len(_LATIN.sub("", text))


def squash(s: str) -> str:
    """Remove every kind of white space (ideographic and non-breaking spaces too)."""
    return _SPACE.sub("", s)


def clean_space(s: str) -> str:
    """Collapse runs of white space into one ordinary space."""
    if "  " in s or "\n" in s or "\t" in s or "\r" in s or not s.isascii() and _ODD_SPACE.search(s):
        return _SPACE.sub(" ", s).strip()
    return s.strip()  # the common case: nothing to collapse
