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

from bs4 import BeautifulSoup, Tag

from . import patterns as P
from .archive import RawPage
from .attachments import AttachmentError, extract_text
from .classify import classify
from .encoding import decode_html, looks_binary
from .listing_pages import page_links
from .model import PolicyDocument
from .normalize import ExtractionError, NotADocument, normalize_soup
from .taxonomy import Taxonomy

log = logging.getLogger(__name__)

# The modules whose rules decide what a document says: a change to any of them is a new extractor.
_RULE_MODULES = ("encoding", "patterns", "fields", "text", "urls", "page_meta", "body", "normalize",
                 "classify", "attachments", "derive")  # fmt: skip
_HERE = Path(__file__).resolve().parent
EXTRACTOR_CODE = hashlib.sha1(
    b"".join((_HERE / f"{m}.py").read_bytes() for m in _RULE_MODULES)
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
    if looks_binary(page.body):
        return Derived(None, "failed", "binary content where HTML was expected")
    html, _ = decode_html(page.body, page.content_type)
    soup = BeautifulSoup(html, "lxml")
    too_complex = _too_complex(soup)
    if too_complex:
        return Derived(None, "failed", f"page too complex to extract ({too_complex})")
    links = page_links(soup, base or page.url)  # before normalizing, which strips navigation
    try:
        doc = normalize_soup(soup, page.url)
    except NotADocument:
        return Derived(None, "listing", "listing page", links)
    except ExtractionError as exc:
        return Derived(None, "failed", f"extraction failed: {exc}", links)
    doc.source = source
    doc.sample = doc.sample or sample
    read_attachments(doc.attachments, read)
    classify(doc, tax, hints)
    doc.extractor = extractor_version(tax)
    return Derived(doc, "document", None, links)


def _too_complex(soup: BeautifulSoup) -> str | None:
    """Why the parsed page is past MAX_ELEMENTS or MAX_DEPTH, else None
    (iterative: no recursion)."""
    count, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if isinstance(child, Tag):
                count += 1
                if count > MAX_ELEMENTS:
                    return f"more than {MAX_ELEMENTS} elements"
                if depth >= MAX_DEPTH:
                    return f"elements nested more than {MAX_DEPTH} deep"
                stack.append((child, depth + 1))
    return None


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
