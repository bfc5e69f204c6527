"""A raw page -> a classified PolicyDocument: the one pure path from kept bytes to a document.

The crawler runs it on what it just fetched; `renormalize` runs it on the archive. Its version
(EXTRACTOR_CODE: a digest of the rule modules, plus the digest of the taxonomy's classifier
words) is stamped on every document, so a rule change is seen and re-derived by itself."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import patterns as P
from .archive import RawPage
from .attachments import AttachmentError, extract_text
from .audience import tag as tag_audience
from .classify import classify
from .encoding import decode_html, looks_binary
from .listing_pages import page_links
from .model import PolicyDocument
from .normalize import ExtractionError, NotADocument, normalize_lines, normalize_page
from .page import Page, markup_stats
from .taxonomy import Taxonomy
from .text import clean_space

log = logging.getLogger(__name__)

# The modules whose rules decide what a document says: a change to any of them is a new extractor.
# (tests/test_rederive.py checks that every indexer module derive() reaches is listed.)
RULE_MODULES = (
    "encoding", "patterns", "guide_words", "fields", "text", "urls", "page", "page_meta", "body",
    "guide", "guide_lines", "guide_markup", "normalize", "classify", "attachments", "derive",
    "audience", "audience_words",
)  # fmt: skip
_HERE = Path(__file__).resolve().parent
EXTRACTOR_CODE = hashlib.sha1(
    b"".join((_HERE / f"{m}.py").read_bytes() for m in RULE_MODULES)
).hexdigest()[:12]

# A policy page has hundreds of elements, a busy portal page a few thousand. The extractor's cost
# grows faster than linearly with them (10,000 table cells take seconds, 30,000 over a minute), so
# a page far past these bounds (a hostile or broken one) is refused rather than left to hold the
# crawl.
MAX_ELEMENTS = 20_000
MAX_DEPTH = 256

# Reads a linked file (an attachment): (bytes, None) or (None, why not).
Reader = Callable[[str], tuple[bytes | None, str | None]]


def extractor_version(tax: Taxonomy) -> str:
    return f"{EXTRACTOR_CODE}-{tax.classifier_digest}"


@dataclass
class Derived:
    """What one page became: a document, a listing to follow, or a failure with its reason."""

    doc: PolicyDocument | None
    outcome: str  # document | listing | failed
    reason: str | None = None
    links: list[str] = field(default_factory=list)  # pages it links to, for the crawler


def derive(page: RawPage, read: Reader, tax: Taxonomy, hints: list[str] | tuple[str, ...] = (),
           source: str | None = None, sample: bool = False,
           base: str | None = None) -> Derived:  # fmt: skip
    """Decode, parse, extract, read the attachments, classify. Never raises for a bad page."""
    if is_pdf(page):
        return _finish(_pdf_document(page), read, tax, hints, source, sample, [])
    if looks_binary(page.body):
        return Derived(None, "failed", "binary content where HTML was expected")
    html, _ = decode_html(page.body, page.content_type)
    elements, depth = markup_stats(html, MAX_ELEMENTS, MAX_DEPTH)
    if elements > MAX_ELEMENTS:
        return Derived(None, "failed", f"page too complex to extract (more than {MAX_ELEMENTS} "
                                       "elements)")  # fmt: skip
    if depth > MAX_DEPTH:
        return Derived(None, "failed", f"page too complex to extract (elements nested more than "
                                       f"{MAX_DEPTH} deep)")  # fmt: skip
    parsed = Page(html, depth)
    links = page_links(parsed, base or page.url)  # before normalizing, which strips navigation
    try:
        doc = normalize_page(parsed, page.url)
    except NotADocument:
        return Derived(None, "listing", "listing page", links)
    except ExtractionError as exc:
        return Derived(None, "failed", f"extraction failed: {exc}", links)
    return _finish(Derived(doc, "document", None, links), read, tax, hints, source, sample, links)


def _finish(derived: Derived, read: Reader, tax: Taxonomy, hints, source: str | None,
            sample: bool, links: list[str]) -> Derived:  # fmt: skip
    doc = derived.doc
    if doc is None:
        return derived
    doc.source = source
    doc.sample = doc.sample or sample
    read_attachments(doc.attachments, read)
    files = "\n".join(a["text"] for a in doc.attachments if a.get("text"))
    if len(doc.text) < FILE_BODY_CHARS and len(files) > 2 * len(doc.text):
        # a notice published as a file: the page holds a link or a viewer; the text is the file's
        doc.text = files[:_MAX_TEXT]
        _fields_from_file(doc)
    classify(doc, tax, hints)
    tag_audience(doc, tax)
    doc.extractor = extractor_version(tax)
    return Derived(doc, "document", None, links)


_MAX_TEXT = 300_000
FILE_BODY_CHARS = 200  # a page body shorter than this, beside a longer file, only points at it
# Where a field came from, weakest first: a file's own signature outranks these.
_WEAK_AGENCY = (None, "meta:ContentSource", "label:source", "byline")


def _fields_from_file(doc: PolicyDocument) -> None:
    """A page that only shows its notice as a file: what the page did not say (its 发文字号, the
    issuer's signature, the dates) is read from the file's text, as from a body."""
    lines = [ln for ln in (clean_space(x) for x in doc.text.splitlines()) if ln]
    try:
        inner = normalize_lines(lines, doc.url)
    except ExtractionError:
        return
    prov = doc.provenance
    if not doc.doc_number and inner.doc_number:
        doc.doc_number, prov["doc_number"] = inner.doc_number, "file"
    signed = inner.provenance.get("agency") == "signature"
    if inner.agency and (signed and prov.get("agency") in _WEAK_AGENCY or not doc.agency):
        doc.agency, prov["agency"] = inner.agency, "file"
    for f in ("written_date", "publish_date"):
        if not getattr(doc, f) and getattr(inner, f):
            setattr(doc, f, getattr(inner, f))
            prov[f] = "file"
    if doc.kind == "interpretation" and (doc.doc_number or signed):
        doc.kind = "policy"  # the page looked like an article; the file is an official document


def is_pdf(page: RawPage) -> bool:
    ctype = (page.content_type or "").split(";")[0].strip().lower()
    return ctype == "application/pdf" or page.body.lstrip()[:5] == b"%PDF-"


def _pdf_document(page: RawPage) -> Derived:
    """A notice published as a PDF (the page itself): its text, read like a page's body."""
    try:
        text = extract_text(page.body, "pdf")
    except AttachmentError as exc:
        return Derived(None, "failed", str(exc))
    lines = [ln for ln in (clean_space(x) for x in text.splitlines()) if ln]
    if not lines:
        return Derived(None, "failed", "a PDF with no text (a scanned image?)")
    try:
        doc = normalize_lines(lines, page.url)
    except ExtractionError as exc:
        return Derived(None, "failed", f"extraction failed: {exc}")
    return Derived(doc, "document")


def read_attachments(attachments: list[dict], read: Reader) -> None:
    """Read each PDF/DOCX attachment in place: its text, or the reason there is none."""
    for att in attachments:
        if att["type"] not in P.PARSED_ATTACHMENTS.values():
            att["note"] = "listed, not parsed"
            continue
        data, error = read(att["url"])
        if data is None:
            att["error"] = error
            continue
        try:
            text = extract_text(data, att["type"])
        except AttachmentError as exc:
            att["error"] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001  (a parser's bug on hostile bytes must not end the crawl)
            log.exception("%s: unexpected error reading the attachment", att["url"])
            att["error"] = f"unreadable attachment: {type(exc).__name__}"
            continue
        att["text"] = text
        att["chars"] = len(text)


def lost_substance(stored: PolicyDocument, new: PolicyDocument) -> bool:
    """A maintenance, error or login page served with 200 where a policy was: it lost the policy's
    发文字号 and most of its text. Such a page must not overwrite what was stored."""
    return bool(stored.doc_number) and not new.doc_number and len(new.text) * 4 < len(stored.text)
