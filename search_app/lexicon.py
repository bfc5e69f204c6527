"""The query vocabulary: the English->Chinese glossary and the colloquial->official synonyms,
read from the shipped YAML as entries and compiled into the Lexicon a query is read with."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from indexer import settings
from indexer.analysis import fold

DICT_DIR = settings.POLICIES_DIR / "dict"
KINDS = ("synonym", "glossary")
FILES = {"synonym": "synonyms.yaml", "glossary": "glossary.yaml"}
USER_DICT = "userdict.txt"  # the jieba user dictionary: the words segmentation keeps whole


@dataclass(frozen=True)
class Entry:
    """One key's terms as written: `both` marks synonyms that are true equivalents (each term then
    also leads back to the key); `source` says where a shipped pairing comes from."""

    terms: tuple[str, ...]
    both: bool = False
    source: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """Every entry by kind and folded key, before it is compiled: what the shipped files hold, or
    that merged with the operators' edits (search_app/lexicon_edits.py)."""

    synonyms: Mapping[str, Entry]
    glossary: Mapping[str, Entry]

    def of(self, kind: str) -> Mapping[str, Entry]:
        return self.synonyms if kind == "synonym" else self.glossary


@dataclass(frozen=True)
class Lexicon:
    glossary: dict[str, tuple[str, ...]]  # english phrase (lower case) -> chinese terms
    synonyms: dict[str, tuple[str, ...]]  # what people type -> official terms
    english: dict[str, tuple[str, ...]]  # chinese main term -> the english phrases that mean it
    _glossary_re: re.Pattern | None
    _synonym_keys: tuple[str, ...]

    def english_phrases(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of glossary phrases in text, longest first, not overlapping."""
        if self._glossary_re is None:
            return []
        return [
            (m.start(1), m.end(1), m.group(1).lower()) for m in self._glossary_re.finditer(text)
        ]

    def colloquial(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of synonym keys in text, longest first, not overlapping."""
        taken: list[tuple[int, int, str]] = []
        for key in self._synonym_keys:
            start = text.find(key)
            while start >= 0:
                end = start + len(key)
                if all(end <= s or start >= e for s, e, _ in taken):
                    taken.append((start, end, key))
                start = text.find(key, end)
        return sorted(taken)


def key_of(kind: str, text: str) -> str:
    """The form a key is matched and stored in: glossary phrases lower case with single spaces;
    synonym keys without spaces (a query's spaces between Chinese words are closed before they
    are matched)."""
    folded = fold(str(text))
    if kind == "glossary":
        return " ".join(folded.lower().split())
    return "".join(folded.split())


def _load_yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    # libyaml's parser when PyYAML has it (the same documents, read about ten times faster)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    if not isinstance(data, dict):
        raise ValueError(f"{path} must be a mapping")
    return data


def _entry(value) -> Entry:
    """{terms: [...], both: true, source: "..."} (the source says where the pairing comes from),
    or a bare list, or one term."""
    if isinstance(value, dict):
        terms, both = value.get("terms") or [], bool(value.get("both"))
        source = str(value.get("source") or "").strip() or None
    else:
        terms, both, source = ([value] if isinstance(value, str) else value or []), False, None
    return Entry(tuple(fold(str(t)) for t in terms), both, source)


def source_of(value) -> str | None:
    """Where a YAML entry comes from or why it is there."""
    return _entry(value).source


@lru_cache(maxsize=2)
def dictionary_words(dict_dir: str = str(DICT_DIR)) -> frozenset[str]:
    """The words of the jieba user dictionary (a line: word, then frequency and part of speech)."""
    path = Path(dict_dir) / USER_DICT
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line.split()[0]) for line in lines if line.strip())


@lru_cache(maxsize=2)
def shipped(dict_dir: str = str(DICT_DIR)) -> Vocabulary:
    """The entries of the shipped files (the app never writes them)."""
    d = Path(dict_dir)
    found: dict[str, dict[str, Entry]] = {}
    for kind in KINDS:
        entries = found[kind] = {}
        for key, value in _load_yaml(d / FILES[kind]).items():
            entries[key_of(kind, key)] = _entry(value)
    return Vocabulary(found["synonym"], found["glossary"])


def build(vocabulary: Vocabulary) -> Lexicon:
    """The Lexicon of a vocabulary: keys ordered for matching, `both` synonyms made two-way, and
    each Chinese main term's English names."""
    glossary = {key: e.terms for key, e in vocabulary.glossary.items()}
    synonyms: dict[str, list[str]] = {}
    for key, e in vocabulary.synonyms.items():
        synonyms.setdefault(key, []).extend(t for t in e.terms if t != key)
        if e.both:
            for t in e.terms:
                synonyms.setdefault(t, []).append(key)
    pattern = None
    if glossary:
        alts = "|".join(re.escape(k) for k in sorted(glossary, key=len, reverse=True))
        pattern = re.compile(r"(?<![a-z0-9])(" + alts + r")(?![a-z0-9])", re.I)
    english: dict[str, list[str]] = {}
    for key, terms in glossary.items():
        if terms:
            english.setdefault(terms[0], []).append(key)
    return Lexicon(
        glossary,
        {k: tuple(dict.fromkeys(v)) for k, v in synonyms.items()},
        {k: tuple(v) for k, v in english.items()},
        pattern,
        tuple(sorted(synonyms, key=len, reverse=True)),
    )


@lru_cache(maxsize=2)
def load(dict_dir: str = str(DICT_DIR)) -> Lexicon:
    """The shipped lexicon alone (what a search uses when no operator has edited it)."""
    return build(shipped(dict_dir))
