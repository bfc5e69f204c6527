"""Extraction measured on saved pages with expected fields: the dev pages (tests/golden, the bundled
corpus) and the frozen held-out pages (tests/heldout), each page run through derive() exactly as the
crawler runs what it fetched."""

from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from indexer import settings
from indexer import taxonomy as taxonomy_mod
from indexer.archive import RawPage
from indexer.derive import Derived, derive
from indexer.text import CJK

ROOT = settings.PROJECT_ROOT
FIELDS = ("title", "doc_number", "agency", "publish_date", "lang")
EXTRA = ("kind",)
GUIDE_KEYS = ("audience", "conditions", "materials", "steps", "where", "hours", "time_limit",
              "phone", "fee")  # fmt: skip
_CJK_GAP = re.compile(rf"(?<=[{CJK}])\s+(?=[{CJK}])")


@dataclass
class Case:
    name: str
    url: str
    body: bytes
    content_type: str | None
    expected: dict
    files: Path | None = None  # where linked attachments are, by their URL path

    @property
    def is_document(self) -> bool:
        return self.expected.get("is_document", True)


def heldout_cases(root: Path = ROOT / "tests" / "heldout") -> Iterator[Case]:
    for exp in sorted((root / "pages").glob("*.json")):
        e = json.loads(exp.read_text(encoding="utf-8"))
        page = next(p for p in (exp.with_suffix(".html"), exp.with_suffix(".pdf")) if p.exists())
        yield Case(exp.stem, e["url"], page.read_bytes(), e.get("content_type"), e, root / "files")


def golden_cases(root: Path = ROOT / "tests" / "golden") -> Iterator[Case]:
    for exp in sorted(root.glob("*.json")):
        e = json.loads(exp.read_text(encoding="utf-8"))
        page = next(p for p in (exp.with_suffix(".html"), exp.with_suffix(".pdf")) if p.exists())
        url = e.get("url") or f"https://golden.example/{exp.stem}{page.suffix}"
        yield Case(exp.stem, url, page.read_bytes(), e.get("content_type"), e, root / "files")


def corpus_cases() -> Iterator[Case]:
    manifest = json.loads((ROOT / "policies/corpus/manifest.json").read_text(encoding="utf-8"))
    site = ROOT / "policies" / "corpus" / "site"
    for e in manifest["documents"]:
        url = settings.SAMPLE_BASE_URL + e["path"]
        yield Case(e["slug"], url, (site / e["path"]).read_bytes(), None, e, site)


SETS = {
    "golden": golden_cases,
    "corpus": corpus_cases,
    "heldout": heldout_cases,
    "heldout2": lambda: heldout_cases(ROOT / "tests" / "heldout2"),
}


def _reader(case: Case):
    def read(url: str) -> tuple[bytes | None, str | None]:
        if case.files is None:
            return None, "no files"
        path = (case.files / urlsplit(url).path.lstrip("/")).resolve()
        if case.files.resolve() in path.parents and path.is_file():
            return path.read_bytes(), None
        return None, "not saved with the page"

    return read


def norm(value) -> str | None:
    """Compare texts as a reader would: width folded, no space between Chinese characters."""
    if value is None:
        return None
    text = unicodedata.normalize("NFKC", str(value))
    return _CJK_GAP.sub("", re.sub(r"\s+", " ", text)).strip()


def _has(text: str, phrase: str) -> bool:
    squash = re.compile(r"\s+")
    return squash.sub("", norm(phrase) or "") in squash.sub("", norm(text) or "")


@dataclass
class Outcome:
    case: Case
    derived: Derived
    seconds: float
    fields: dict[str, tuple[object, object, bool]] = field(default_factory=dict)
    text_ok: bool = True
    guide: dict[str, float] = field(default_factory=dict)  # share of expected guide items found

    @property
    def kept_right(self) -> bool:
        return (self.derived.doc is not None) == self.case.is_document


def run(case: Case, tax) -> Outcome:
    page = RawPage(case.url, case.body, case.content_type, 200, 0.0)
    t0 = time.perf_counter()
    derived = derive(page, _reader(case), tax)
    out = Outcome(case, derived, time.perf_counter() - t0)
    doc, e = derived.doc, case.expected
    if doc is None or not case.is_document:
        return out
    for f in FIELDS + EXTRA:
        if f in e:
            got = getattr(doc, f)
            out.fields[f] = (e[f], got, norm(got) == norm(e[f]))
    text = doc.text + "\n" + "\n".join(a.get("text", "") for a in doc.attachments)
    out.text_ok = all(_has(text, p) for p in e.get("text_contains") or []) and not any(
        _has(doc.text, p) for p in e.get("text_excludes") or []
    )
    guide_expected, guide_got = e.get("guide") or {}, getattr(doc, "guide", None) or {}
    for key in GUIDE_KEYS:
        want = guide_expected.get(key)
        if not want:
            continue
        items = want if isinstance(want, list) else [want]
        got = guide_got.get(key) or []
        got_text = " ".join(got) if isinstance(got, list) else str(got)
        # an item's closing 。 or ； is punctuation of the list, not content
        out.guide[key] = sum(_has(got_text, w.rstrip("。；;.")) for w in items) / len(items)
    return out


@dataclass
class Report:
    name: str
    outcomes: list[Outcome]

    def documents(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.case.is_document]

    def accuracy(self, f: str) -> float:
        docs = self.documents()
        return (
            sum(1 for o in docs if o.fields.get(f, (0, 0, False))[2]) / len(docs) if docs else 1.0
        )

    def provenance(self, f: str) -> Counter:
        return Counter(o.derived.doc.provenance.get(f, "-") for o in self.documents()
                       if o.derived.doc is not None)  # fmt: skip

    def kept(self) -> tuple[int, int, int, int]:
        """(documents kept, documents, listings kept as documents, listings)."""
        docs = self.documents()
        listings = [o for o in self.outcomes if not o.case.is_document]
        return (sum(1 for o in docs if o.derived.doc is not None), len(docs),
                sum(1 for o in listings if o.derived.doc is not None), len(listings))  # fmt: skip

    def text_accuracy(self) -> float:
        docs = self.documents()
        return sum(1 for o in docs if o.derived.doc is not None and o.text_ok) / len(docs)

    def guide_recall(self) -> float | None:
        shares = [s for o in self.documents() for s in o.guide.values()]
        return sum(shares) / len(shares) if shares else None

    def ms_per_page(self) -> float:
        return 1000 * sum(o.seconds for o in self.outcomes) / len(self.outcomes)

    def misses(self) -> list[str]:
        out = []
        for o in self.outcomes:
            if not o.kept_right:
                what = o.derived.reason or o.derived.outcome
                wanted = "a document" if o.case.is_document else "a listing"
                out.append(f"{o.case.name}: expected {wanted}, got {what}")
                continue
            for f, (want, got, ok) in o.fields.items():
                if not ok:
                    rule = o.derived.doc.provenance.get(f, "-") if o.derived.doc else "-"
                    out.append(f"{o.case.name} {f}: expected {want!r}, got {got!r} ({rule})")
            if o.derived.doc is not None and o.case.is_document and not o.text_ok:
                out.append(f"{o.case.name} text: a phrase missing, or boilerplate left in")
        return out


def evaluate(name: str) -> Report:
    tax = taxonomy_mod.get()
    return Report(name, [run(c, tax) for c in SETS[name]()])
