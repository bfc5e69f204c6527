"""Listing strategies: a fetched listing page -> the documents it names and the pages that follow.

The one entry to them for the walker (crawl.py) and `sources check`: where a source's walk starts,
how each listing page is asked for, and which parser reads it. The network stays in fetch.py;
the parsers are pure (listing_pages.py for HTML, listing_data.py for JSON, sitemaps and feeds)."""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from . import listing_data, listing_pages
from .listing_model import (
    STRATEGIES,
    Entry,
    Listing,
    ListingConfigError,
    ListingError,
    Next,
    Param,
    Request,
    configure,
)
from .listing_pages import HANWEB_PROXY, page_links

__all__ = [
    "STRATEGIES", "Entry", "Listing", "ListingConfigError", "ListingError", "Next", "Param",
    "Request", "configure", "kind_of", "page_links", "parse", "request", "seeds",
]  # fmt: skip

Parser = Callable[[str, bytes, "str | None", dict], Listing]
PARSERS: dict[str, Parser] = {
    "links": listing_pages.parse_links,
    "trs": listing_pages.parse_trs,
    "hanweb": listing_pages.parse_hanweb,
    "json": listing_data.parse_json,
    "sitemap": listing_data.parse_sitemap,
    "feed": listing_data.parse_feed,
}


def parse(kind: str, params: dict, ref: str, body: bytes, content_type: str | None) -> Listing:
    """Read one fetched listing page (ref: its frontier URL) with the parser of its kind.
    ListingError says why the page cannot be read as that kind of listing."""
    return PARSERS[kind](ref, body, content_type, params)


def seeds(strategy: str, params: dict, start_urls: list[str]) -> list[str]:
    """The first listing pages of a walk: the start URLs, or page one of a JSON API."""
    if strategy == "json":
        return [listing_data.json_ref(params, params["first_page"])]
    return list(start_urls)


def kind_of(url: str) -> str:
    """How the links strategy treats a URL it found: Hanweb's dataproxy answers XML, not a page."""
    return "hanweb" if urlsplit(url).path.endswith(HANWEB_PROXY) else "page"


def request(kind: str, params: dict, ref: str) -> Request:
    """How the walker asks for one listing page of this kind (a POST where the site posts)."""
    url = ref.split("#", 1)[0]
    if kind == "json" and params["method"].upper() == "POST":
        page = listing_data.json_page(ref)
        size, first = params["page_size"], params["first_page"]
        body = {k: listing_data.fill(v, page, size, first) if isinstance(v, str) else v
                for k, v in (params["body"] or {}).items()}  # fmt: skip
        if params["body_format"] == "form":
            return Request(url, "POST", urlencode(body).encode(),
                           "application/x-www-form-urlencoded")  # fmt: skip
        return Request(url, "POST", json.dumps(body).encode(), "application/json")
    if kind == "hanweb" and params["method"].upper() == "POST" and "startrecord" in ref:
        # Hanweb's own script sends the paging in the query and the column in a form body.
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        paging = {k: query.pop(k) for k in ("startrecord", "endrecord", "perpage") if k in query}
        target = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(paging), ""))
        return Request(target, "POST", urlencode(query).encode(),
                       "application/x-www-form-urlencoded")  # fmt: skip
    return Request(url)
