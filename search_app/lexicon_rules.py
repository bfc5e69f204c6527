"""The rules an operator's proposed vocabulary edit must pass before it is previewed or stored
(search_app/lexicon_edits.py keeps the edits): each broken rule is a Problem the pages word in the
reader's language."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from indexer.analysis import fold
from indexer.text import has_cjk

from .lexicon import KINDS, Entry, Vocabulary, key_of

ACTIONS = ("add", "edit", "remove")
MAX_KEY_CHARS = 60  # the longest shipped key is 43 characters
MAX_TERM_CHARS = 40
MAX_TERMS = 12
MAX_WHY_CHARS = 500
MAX_QUERY_CHARS = 200
MAX_CUT_SHOWN = 6  # words a key would cut, named in the warning
_TERM_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
# "work permit", "12345 hotline", "green, low-carbon living"
_LATIN_KEY = re.compile(r"[a-z0-9 '.&/+,\-]+")


@dataclass(frozen=True)
class Problem:
    """Why a proposed edit cannot be stored: the form field it concerns, a code the pages word in
    the reader's language, and the values the wording needs."""

    field: str
    code: str
    values: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    """A checked edit, ready to preview or store (action: add | edit | remove)."""

    kind: str
    key: str
    terms: tuple[str, ...]
    both: bool
    action: str
    why: str
    query: str | None

    def entry(self) -> Entry:
        return Entry(self.terms, self.both)


# ---- the rules --------------------------------------------------------------------------------


def split_terms(text: str | Sequence[str]) -> list[str]:
    """Terms as typed in one box (separated by commas, 、, semicolons or lines) or as a list."""
    parts = _TERM_SEPARATORS.split(text) if isinstance(text, str) else list(text)
    return [p.strip() for p in parts if p and p.strip()]


def _one_way_path(synonyms, start: str, goal: str) -> list[str] | None:
    """The one-way synonym chain from start to goal (both ways entries are meant to be two-way)."""
    seen, queue = {start}, [[start]]
    while queue:
        path = queue.pop(0)
        entry = synonyms.get(path[-1])
        for t in entry.terms if entry is not None and not entry.both else ():
            if t == goal:
                return [*path, t]
            if t not in seen:
                seen.add(t)
                queue.append([*path, t])
    return None


def _check_terms(kind: str, key: str, terms: list[str]) -> list[Problem]:
    problems = []
    if not terms:
        problems.append(Problem("terms", "terms_empty"))
    if len(terms) > MAX_TERMS:
        problems.append(Problem("terms", "too_many_terms", {"max": MAX_TERMS}))
    for t in terms:
        if len(t) > MAX_TERM_CHARS:
            values = {"term": t[:20], "max": MAX_TERM_CHARS}
            problems.append(Problem("terms", "term_too_long", values))
        elif t == key or (kind == "glossary" and t.lower() == key):
            problems.append(Problem("terms", "term_is_key", {"term": t}))
        elif kind == "glossary" and not (has_cjk(t) or t.isdigit()):
            # a glossary entry translates: its terms are the Chinese words (or a hotline's number)
            problems.append(Problem("terms", "term_not_chinese", {"term": t}))
    return problems


def cut_words(key: str, current: Vocabulary, dictionary: Iterable[str] = ()) -> list[str]:
    """The longer words a synonym key would cut in two, shortest first. A key is found in the query
    as a plain substring before segmentation, so 公寓 also fires inside 人才公寓 and leaves 人才 a
    word of its own, unless a longer key holding it (a guard) is matched there first. The words
    looked at: the jieba user dictionary's (dictionary) and every term of the vocabulary."""
    words = set(dictionary)
    for kind in KINDS:
        for entry in current.of(kind).values():
            words.update(entry.terms)
    guards = [k for k in current.synonyms if len(k) > len(key) and key in k]
    return sorted(
        (w for w in words if len(w) > len(key) and key in w and not any(g in w for g in guards)),
        key=lambda w: (len(w), w),
    )


def cut_problem(key: str, current: Vocabulary, dictionary: Iterable[str] = ()) -> list[Problem]:
    """The warning about the words a new synonym key would cut, if it cuts any."""
    cut = cut_words(key, current, dictionary)
    if not cut:
        return []
    shown = "、".join(cut[:MAX_CUT_SHOWN]) + ("…" if len(cut) > MAX_CUT_SHOWN else "")
    return [Problem("key", "key_cuts_words", {"key": key, "words": shown})]


def check(
    kind: str,
    key: str,
    terms: str | Sequence[str],
    both: bool,
    why: str,
    query: str | None,
    current: Vocabulary,
    remove: bool = False,
    dictionary: Iterable[str] = (),
    allow_cut: bool = False,
) -> tuple[Proposal | None, list[Problem]]:
    """A proposed edit against the effective vocabulary: (the proposal, []) or (None, problems).
    A new synonym key that would cut longer words (cut_words; dictionary: the jieba user
    dictionary's words) is refused unless allow_cut: the operator saw the words and saves anyway."""
    if kind not in KINDS:
        return None, [Problem("kind", "kind_unknown")]
    raw_key = (key or "").strip()
    key = key_of(kind, raw_key)
    why = (why or "").strip()
    query = (query or "").strip() or None
    problems: list[Problem] = []
    if not key:
        problems.append(Problem("key", "key_empty"))
    elif len(key) > MAX_KEY_CHARS:
        problems.append(Problem("key", "key_too_long", {"max": MAX_KEY_CHARS}))
    elif kind == "glossary" and not (_LATIN_KEY.fullmatch(key) and re.search("[a-z0-9]", key)):
        problems.append(Problem("key", "key_not_latin"))
    elif kind == "synonym" and not has_cjk(key):
        problems.append(Problem("key", "key_not_chinese"))
    present = key in current.of(kind)
    if kind == "synonym" and key and not present and not remove and not allow_cut and not problems:
        problems += cut_problem(key, current, dictionary)
    folded: list[str] = []
    if remove:
        if key and not present:
            problems.append(Problem("key", "not_found", {"key": key}))
    else:
        folded = list(dict.fromkeys(" ".join(fold(t).split()) for t in split_terms(terms)))
        problems += _check_terms(kind, key, folded)
        old = current.of(kind).get(key)
        if old is not None and (old.terms, old.both) == (tuple(folded), bool(both)):
            problems.append(Problem("terms", "unchanged"))
        if kind == "synonym" and key and not both and not problems:
            others = {k: e for k, e in current.synonyms.items() if k != key}
            for t in folded:
                path = _one_way_path(others, t, key)
                if path:
                    problems.append(Problem("terms", "cycle", {"path": " → ".join(path)}))
                    break
    if not why:
        problems.append(Problem("why", "why_empty"))
    elif len(why) > MAX_WHY_CHARS:
        problems.append(Problem("why", "why_too_long", {"max": MAX_WHY_CHARS}))
    if query and len(query) > MAX_QUERY_CHARS:
        problems.append(Problem("query", "query_too_long", {"max": MAX_QUERY_CHARS}))
    if problems:
        return None, problems
    action = "remove" if remove else ("edit" if present else "add")
    return Proposal(kind, key, tuple(folded), bool(both) and not remove, action, why, query), []
