"""Whom a document is for and what they must meet: audience tags from the taxonomy's vocabulary
and the eligibility conditions, by rules over the text (pure; the words are data).

A group gets its tag when its words are in the title, in the document's scope and eligibility
passages (适用对象, 申请条件, "Who can apply" … with the list or paragraph under them, a guide's own
audience and conditions, the clause that opens the document with whom it serves), or often
enough in the whole text — in each case after the passages that name a group without addressing
it (a matter offered for advice, a housing test that names the spouse) are blanked
(audience_words.NOT_ADDRESSED; a roster of whom a station serves, outside the scope passages:
ROSTER). English pages are written for foreign readers (AUDIENCE_SPEC R7)."""

from __future__ import annotations

import re
from functools import lru_cache

from . import audience_words as W
from .model import PolicyDocument
from .taxonomy import Taxonomy
from .text import clean_space


@lru_cache(maxsize=64)
def _words(words: tuple[str, ...]) -> re.Pattern:
    """One pattern for a group's words: an English word starts at a word boundary (r visa is not
    "or visa"), a Chinese one anywhere. (The boundary stands once before the English words, not
    before each: a pattern opening with literals is scanned many times faster.)"""
    latin = [w for w in words if w[:1].isascii() and w[:1].isalnum()]
    other = [w for w in words if w not in latin]

    def alternatives(ws: list[str]) -> str:
        return "|".join(re.escape(w.lower()) for w in sorted(ws, key=len, reverse=True))

    parts = ([alternatives(other)] if other else []) + (
        [f"(?<![a-z0-9])(?:{alternatives(latin)})"] if latin else []
    )
    return re.compile("|".join(parts) or "(?!)")


@lru_cache(maxsize=16)
def _acting(tag: str) -> re.Pattern | None:
    return re.compile(W.ACTING[tag], re.I) if tag in W.ACTING else None


def _pattern(pats: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(f"(?:{p})" for p in pats), re.I) if pats else None


_EVERY_TAG = _pattern(W.NOT_ADDRESSED.get("*", ()))


@lru_cache(maxsize=64)
def _blanks(tag: str, scope: bool) -> re.Pattern | None:
    return _pattern((*W.NOT_ADDRESSED.get(tag, ()), *(() if scope else W.ROSTER.get(tag, ()))))


def _addressed(text: str, tag: str, scope: bool = False) -> str:
    """text (lower case, the passages blanked that name every group without addressing it) with
    the passages blanked that name this group without addressing it (in the document's scope
    passages a roster of groups addresses them)."""
    rx = _blanks(tag, scope)
    return rx.sub(" ", text) if rx else text


def _common(text: str) -> str:
    return (_EVERY_TAG.sub(" ", text) if _EVERY_TAG else text).lower()


def _lines(doc: PolicyDocument) -> list[str]:
    return [ln for ln in (clean_space(x) for x in doc.text.splitlines()) if ln]


def scope_passages(doc: PolicyDocument) -> list[list[str]]:
    """The passages that say whom the document is for or what they must meet: each a heading line
    and the list items (or the one line) after it; a guide's own audience and conditions first."""
    out: list[list[str]] = []
    guide = doc.guide or {}
    if guide.get("audience"):
        # who may apply, as the guide states it: its sentences are the first conditions
        sentences = re.split(r"(?<=[。；;])|(?<=\.)\s", str(guide["audience"]))
        out.append(["", *(x for x in sentences if x.strip())])
    if guide.get("conditions"):
        out.append(["", *(str(c) for c in guide["conditions"])])  # items under no heading line
    lines = _lines(doc)
    i = 0
    while i < len(lines):
        line = lines[i]
        if not W.SCOPE_HEAD.search(line) or W.ITEM.match(line) and i and _in_list(lines, i):
            i += 1
            continue
        passage = [line]
        j = i + 1
        # under a heading of its own (三、服务对象, Who is covered) the passage is what follows,
        # list or paragraph, up to the next heading; after a sentence, its list items
        heading = W.HEADING.match(line)
        while (
            j < len(lines)
            and len(passage) < W.MAX_PASSAGE_LINES
            and (W.ITEM.match(lines[j]) or heading and not W.HEADING.match(lines[j]))
        ):
            passage.append(lines[j])
            j += 1
        out.append(passage)
        i = j
    return out


def _in_list(lines: list[str], i: int) -> bool:
    """Whether line i continues a list (it is an item and so was the line before)."""
    return bool(W.ITEM.match(lines[i - 1]))


def audience(doc: PolicyDocument, tax: Taxonomy, passages: list[list[str]] | None = None
             ) -> list[str]:  # fmt: skip
    """The audience tags of doc, in the taxonomy's order."""
    passages = scope_passages(doc) if passages is None else passages
    title = f"{doc.title} {doc.title_en or ''}"
    # who must meet a requirement is who the document is for: "创始人应当为…留学回国人员"
    scope = "\n".join([*(ln for p in passages for ln in p if ln), *_who_must(doc), *_purpose(doc)])
    title, scope, text = _common(title), _common(scope), _common(doc.text)
    out = []
    for slug, a in tax.audiences.items():
        words = _words(a.words)
        b = _addressed(text, slug)
        acting = _acting(slug)
        provision = W.PROVISION.get(slug)
        if words.search(_addressed(title, slug)) or provision and re.search(provision, b, re.I):
            out.append(slug)
        elif acting is not None:
            if len(acting.findall(b)) >= a.body:
                out.append(slug)
        elif words.search(_addressed(scope, slug, True)) or len(words.findall(b)) >= a.body:
            out.append(slug)
    if doc.lang == "en" and "foreign-talent" in tax.audiences and "foreign-talent" not in out:
        out.insert(0, "foreign-talent")
    return out


_NUMBERING = re.compile(
    r"^\s*(（[一二三四五六七八九十]+）|\(?\d{1,2}[.、)）]|\([a-z\d]\)|[①-⑩•·\-–—])\s*"
)
_HEAD_PREFIX = re.compile(
    r"^\s*(第[一二三四五六七八九十百]+条|Article \d+\.?|[一二三四五六七八九十]+、)\s*", re.I
)


def _one_line(text: str) -> str:
    text = _NUMBERING.sub("", _HEAD_PREFIX.sub("", text)).strip(" ；;。.，,")
    # an English word takes about a Chinese character's room three times over
    limit = W.MAX_CONDITION_CHARS * (2 if text.isascii() else 1)
    if len(text) > limit:
        cut = max(text.rfind(p, 0, limit) for p in "，,；;")
        text = text[: cut if cut > 20 else limit].rstrip(" ，,；;") + "…"
    return text


def _head_items(head: str) -> list[str]:
    """The conditions a heading line states itself: what follows its label, or its sentences from
    the one that opens the scope on."""
    label = re.split(r"[:：]", head, maxsplit=1)
    if len(label) == 2 and len(label[1].strip()) > 5:
        return [x for x in re.split(r"[；;]|。(?=.)", label[1]) if x.strip()]
    sentences = [x for x in re.split(r"(?<=[。！？；;])|(?<=\.)\s", head) if x.strip()]
    start = next((i for i, x in enumerate(sentences) if W.SCOPE_HEAD.search(x)), 0)
    return sentences[start : start + 2]


def _purpose(doc: PolicyDocument) -> list[str]:
    """The clause that opens a document with whom it serves (为满足外籍人才及其家属就医需求，),
    in its first lines (after the addressees)."""
    for first in _lines(doc)[:3]:
        m = W.PURPOSE.match(first)
        if m:
            return [m.group(0)]
    return []


def _who_must(doc: PolicyDocument) -> list[str]:
    """Sentences that say who an applicant must be (创始人或者实际控制人应当为…, 申请人须为…)."""
    return [x for x in _requirements(doc) if W.MUST_BE.search(x)]


def _requirements(doc: PolicyDocument) -> list[str]:
    """Sentences of the body that state a requirement of the applicant (须, 凭, must bring …)."""
    out = []
    for line in _lines(doc):
        if len(line) < 8 or W.NEXT_PART.match(line) and len(line) < 20:
            continue
        for sentence in re.split(r"(?<=[。；;！])|(?<=\.)\s", line):
            if W.REQUIREMENT.search(sentence) and not W.NOT_A_CONDITION.search(sentence):
                out.append(sentence)
    return out


def conditions(passages: list[list[str]], doc: PolicyDocument | None = None) -> list[str]:
    """At most MAX_CONDITIONS one-line conditions: the list items of the scope passages (or what
    a heading line states itself), then sentences of the body that state a requirement."""
    out: list[str] = []
    candidates = [x for p in passages for x in (p[1:] or _head_items(p[0]))]
    if doc is not None:
        candidates += _requirements(doc)
    for item in candidates:
        line = _one_line(item)
        if (len(line) >= 6 and W.CONDITION_WORDS.search(line)
                and not W.NOT_A_CONDITION.search(line) and line not in out):  # fmt: skip
            out.append(line)
        if len(out) >= W.MAX_CONDITIONS:
            break
    return out


def tag(doc: PolicyDocument, tax: Taxonomy) -> PolicyDocument:
    """Fill doc.audience and doc.conditions in place; returns doc."""
    passages = scope_passages(doc)
    doc.audience = audience(doc, tax, passages)
    doc.conditions = conditions(passages, doc)
    return doc
