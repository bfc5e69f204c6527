"""The query vocabulary: the English->Chinese glossary and the colloquial->official synonyms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from indexer import settings
from indexer.analysis import fold

DICT_DIR = settings.POLICIES_DIR / "dict"


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


def _load_yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    # libyaml's parser when PyYAML has it (the same documents, read about ten times faster)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506
    if not isinstance(data, dict):
        raise ValueError(f"{path} must be a mapping")
    return data


def _terms(value) -> tuple[list[str], bool]:
    """An entry's terms and whether they are true equivalents: {terms: [...], both: true,
    source: "..."} (the source says where the pairing comes from), or a bare list."""
    if isinstance(value, dict):
        return [str(t) for t in value.get("terms") or []], bool(value.get("both"))
    if isinstance(value, str):
        return [value], False
    return [str(t) for t in value or []], False


def source_of(value) -> str | None:
    """Where an entry comes from or why it is there."""
    return str(value["source"]).strip() or None if isinstance(value, dict) and value.get(
        "source") else None  # fmt: skip


@lru_cache(maxsize=2)
def load(dict_dir: str = str(DICT_DIR)) -> Lexicon:
    d = Path(dict_dir)
    glossary: dict[str, tuple[str, ...]] = {}
    for key, value in _load_yaml(d / "glossary.yaml").items():
        terms, _ = _terms(value)
        glossary[fold(str(key)).lower().strip()] = tuple(fold(t) for t in terms)
    synonyms: dict[str, list[str]] = {}
    for key, value in _load_yaml(d / "synonyms.yaml").items():
        terms, both = _terms(value)
        key = fold(str(key)).strip()
        synonyms.setdefault(key, []).extend(fold(t) for t in terms if fold(t) != key)
        if both:
            for t in terms:
                synonyms.setdefault(fold(t), []).append(key)
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
