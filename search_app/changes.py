"""What changed between two versions of a document (no Flask): the fields side by side and the text
as marked insertions and deletions (difflib), as plain values that templates escape; and the
response objects of a document's history."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from indexer.history import Version

# The fields a change shows side by side, in this order (the text is compared apart).
FIELD_ROWS = (
    "title", "doc_number", "agency", "publish_date", "written_date", "status", "valid_until",
    "kind", "lang", "regions", "scenarios", "title_en", "summary_en",
)  # fmt: skip
# Paragraphs longer than this are compared whole, not character by character (difflib's cost grows
# with the product of the lengths).
MAX_CHAR_DIFF = 4000
# Unchanged paragraphs shown around a change; longer runs of them are folded to a count.
CONTEXT = 1
# An unchanged stretch this short between two changes is shown as part of them: a diff of Chinese
# text by character otherwise strews single shared characters (的, 和) through a rewritten sentence.
MIN_EQUAL = 3


@dataclass
class FieldChange:
    name: str
    old: object
    new: object

    @property
    def changed(self) -> bool:
        return (self.old or None) != (self.new or None)


@dataclass
class Paragraph:
    """One paragraph of a text diff: segments (op, text) with op equal | insert | delete; or a fold
    of `folded` unchanged paragraphs."""

    segments: list[tuple[str, str]] = field(default_factory=list)
    folded: int = 0

    @property
    def op(self) -> str:
        """insert or delete when the whole paragraph is one, else equal or change."""
        ops = {op for op, _ in self.segments}
        return ops.pop() if len(ops) == 1 else "change"


@dataclass
class TextDiff:
    paragraphs: list[Paragraph]
    inserted: int  # characters
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)

    def excerpt(self, limit: int = 120) -> str:
        """The first inserted words, for a one-line summary."""
        for p in self.paragraphs:
            for op, text in p.segments:
                if op == "insert" and text.strip():
                    t = text.strip()
                    return t if len(t) <= limit else t[: limit - 1] + "…"
        return ""


def _segments(old: str, new: str) -> list[tuple[str, str]]:
    if len(old) > MAX_CHAR_DIFF or len(new) > MAX_CHAR_DIFF:
        return [("delete", old), ("insert", new)]
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    ops = sm.get_opcodes()
    out: list[tuple[str, str]] = []
    pending_del, pending_ins = "", ""
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        inner = 0 < i < len(ops) - 1
        if tag == "equal" and not (inner and i2 - i1 < MIN_EQUAL):
            if pending_del or pending_ins:
                out += [s for s in (("delete", pending_del), ("insert", pending_ins)) if s[1]]
                pending_del = pending_ins = ""
            out.append(("equal", old[i1:i2]))
            continue
        pending_del += old[i1:i2]
        pending_ins += new[j1:j2]
    out += [s for s in (("delete", pending_del), ("insert", pending_ins)) if s[1]]
    return out


def text_diff(old: str, new: str) -> TextDiff:
    """The text of one version against the next, paragraph by paragraph; a changed paragraph is
    compared character by character."""
    a, b = (old or "").split("\n"), (new or "").split("\n")
    raw: list[Paragraph] = []
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            raw += [Paragraph([("equal", p)]) for p in a[i1:i2]]
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            o = olds[k] if k < len(olds) else None
            n = news[k] if k < len(news) else None
            if o is None:
                raw.append(Paragraph([("insert", n or "")]))
            elif n is None:
                raw.append(Paragraph([("delete", o)]))
            else:
                raw.append(Paragraph(_segments(o, n)))
    inserted = sum(len(t) for p in raw for op, t in p.segments if op == "insert")
    deleted = sum(len(t) for p in raw for op, t in p.segments if op == "delete")
    return TextDiff(_fold(raw), inserted, deleted)


def _fold(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Unchanged paragraphs more than CONTEXT away from a change folded into counts."""
    near = set()
    for i, p in enumerate(paragraphs):
        if p.op != "equal":
            near.update(range(i - CONTEXT, i + CONTEXT + 1))
    out: list[Paragraph] = []
    for i, p in enumerate(paragraphs):
        if p.op != "equal" or i in near:
            out.append(p)
        elif out and out[-1].folded:
            out[-1].folded += 1
        else:
            out.append(Paragraph(folded=1))
    return out


@dataclass
class VersionDiff:
    """One version against the one before it: what a version page and a feed entry show."""

    doc_id: str
    version: Version
    previous: Version | None
    fields: list[FieldChange]
    text: TextDiff

    @property
    def changed_fields(self) -> list[FieldChange]:
        return [f for f in self.fields if f.changed]

    def to_dict(self) -> dict:
        return {
            "id": self.doc_id, **self.version.to_dict(),
            "previous": self.previous.n if self.previous else None,
            "fields": {f.name: {"from": f.old, "to": f.new} for f in self.changed_fields},
            "text_changes": {"inserted_chars": self.text.inserted,
                             "deleted_chars": self.text.deleted},
            "document": self.version.body,
        }  # fmt: skip


def version_diff(doc_id: str, version: Version, previous: Version | None) -> VersionDiff:
    """version (with its body) against previous (with its body, or None for the first)."""
    before = previous.body if previous else {}
    after = version.body
    rows = [FieldChange(k, before.get(k), after.get(k)) for k in FIELD_ROWS] if previous else []
    text = text_diff(before.get("text", ""), after.get("text", "")) if previous else TextDiff(
        [], 0, 0)  # fmt: skip
    return VersionDiff(doc_id, version, previous, rows, text)


@dataclass
class History:
    """A document's versions, oldest first, with the latest diff: the history page and the API."""

    doc_id: str
    title: str
    versions: list[Version]
    gone_on: str | None = None

    @property
    def latest(self) -> Version | None:
        return self.versions[-1] if self.versions else None

    def to_dict(self) -> dict:
        return {"id": self.doc_id, "title": self.title, "gone_on": self.gone_on,
                "count": len(self.versions),
                "versions": [v.to_dict() for v in reversed(self.versions)]}  # fmt: skip
