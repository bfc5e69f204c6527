"""Listings that are data, not pages: JSON list APIs, sitemaps and RSS/Atom feeds.

Pure functions of a response's bytes. JSON paths are JMESPath (a specified language with a
well-kept implementation: projections such as `searchVO.catMap.*.listVO[]` reach items grouped
by category, which a dotted path cannot); XML is read by lxml with entities and the network off;
feeds by feedparser, which knows the RSS and Atom dialects and their date formats."""

from __future__ import annotations

import json
import re
import time
import zlib

import feedparser
import jmespath
from lxml import etree

from .listing_model import Entry, Listing, ListingError, Next
from .listing_pages import page_url


def json_ref(params: dict, page: int) -> str:
    """The frontier's name for page N of a JSON listing (the fragment carries the page number,
    which a POST body does not show in the URL)."""
    size = params["page_size"]
    url = fill(params["url"], page, size, params["first_page"])
    return f"{url}#p={page}"


def fill(template: str, page: int, size: int, first: int) -> str:
    return template.replace("{page}", str(page)).replace("{size}", str(size)).replace(
        "{offset}", str((page - first) * size))  # fmt: skip


def json_page(ref: str) -> int:
    return int(ref.rsplit("#p=", 1)[1])


def parse_json(ref: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ListingError(f"bad JSON: {exc}"[:200]) from None
    items = jmespath.search(params["items"], data)
    if items is None:
        raise ListingError(f"no items at {params['items']}")
    if not isinstance(items, list):
        raise ListingError(f"{params['items']} is a {type(items).__name__}, not a list")
    out = Listing()
    base = ref.split("#", 1)[0]
    for i, item in enumerate(items):
        link = jmespath.search(params["url_field"], item) if isinstance(item, dict) else None
        url = page_url(base, link) if isinstance(link, str) else None
        if not url:
            out.problems.append(f"item {i + 1} has no usable URL at {params['url_field']}")
            continue
        out.documents.append(Entry(url, _field(item, params["title_field"]),
                                   _field(item, params["date_field"])))  # fmt: skip
    if items:
        out.next.append(Next(json_ref(params, json_page(ref) + 1)))
    return out


def _field(item: object, path: str) -> str | None:
    if not path or not isinstance(item, dict):
        return None
    value = jmespath.search(path, item)
    return None if value is None else str(value)


# ---- sitemaps ------------------------------------------------------------------------------------

_SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# A sitemap may be served gzipped as a file (not as a content encoding): inflated within bounds.
MAX_SITEMAP_BYTES = 50_000_000
_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)


def _ungzip(body: bytes) -> bytes:
    if body[:2] != b"\x1f\x8b":
        return body
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(body, MAX_SITEMAP_BYTES)
    except zlib.error as exc:
        raise ListingError(f"cannot inflate the gzipped sitemap: {exc}") from None
    if d.unconsumed_tail:
        raise ListingError(f"gzipped sitemap inflates past {MAX_SITEMAP_BYTES} bytes")
    return out


def parse_sitemap(url: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    """A <urlset> lists documents (with their lastmod); a <sitemapindex> lists more sitemaps."""
    try:
        root = etree.fromstring(_ungzip(body), _XML)
    except etree.XMLSyntaxError as exc:
        raise ListingError(f"malformed sitemap XML: {exc}"[:200]) from None
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise ListingError(f"not a sitemap: the root element is <{tag}>")
    out = Listing()
    pattern = params.get("documents")
    for node in root:
        if not isinstance(node.tag, str):
            continue  # comments and processing instructions
        loc = (node.findtext(f"{_SM}loc") or node.findtext("loc") or "").strip()
        target = page_url(url, loc) if loc else None
        if not target:
            out.problems.append(f"an entry without a usable <loc>: {loc[:80]!r}")
        elif tag == "sitemapindex":
            out.next.append(Next(target))
        elif not pattern or re.search(pattern, target):
            lastmod = node.findtext(f"{_SM}lastmod") or node.findtext("lastmod")
            out.documents.append(Entry(target, None, (lastmod or "").strip()[:10] or None))
    return out


# ---- RSS and Atom feeds --------------------------------------------------------------------------


def parse_feed(url: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    """Entries of an RSS or Atom feed; an Atom rel="next" link (RFC 5005) is the next page."""
    feed = feedparser.parse(
        body, response_headers={"content-location": url, "content-type": ctype or "application/xml"}
    )
    if not feed.entries and (feed.bozo or not feed.get("version")):
        why = feed.get("bozo_exception") or "neither RSS nor Atom"
        raise ListingError(f"not a readable feed: {why}"[:200])
    out = Listing()
    pattern = params.get("documents")
    for i, e in enumerate(feed.entries):
        target = page_url(url, e.get("link") or "")
        if not target:
            out.problems.append(f"feed entry {i + 1} has no usable link")
        elif not pattern or re.search(pattern, target):
            when = e.get("published_parsed") or e.get("updated_parsed")
            date = time.strftime("%Y-%m-%d", when) if when else None
            out.documents.append(Entry(target, e.get("title"), date))
    for link in feed.feed.get("links", []):
        if link.get("rel") == "next" and page_url(url, link.get("href", "")):
            out.next.append(Next(page_url(url, link["href"])))
    return out
