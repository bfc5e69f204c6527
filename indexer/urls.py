"""URLs, one spelling each: joining a link to its page, checking it parses, canonical form."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

from . import patterns as P


def parses(url: str) -> bool:
    """The URL has a host and port that a URL parser accepts (urlsplit raises on a bad port)."""
    try:
        urlsplit(url).port  # noqa: B018
    except ValueError:
        return False
    return True


def join(base: str, href: str) -> str | None:
    """An absolute URL without its fragment, or None for an href no URL parser accepts."""
    try:
        target = urljoin(base, href.strip()).split("#")[0]
    except ValueError:
        return None
    return target if parses(target) else None


def below(base: str, relative_path: str) -> str:
    """The URL of a file at relative_path under base (a local source's pages), as written."""
    return urljoin(base, relative_path)


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment or tracking parameters, sorted query, lower-case host,
    a folder's default page as the folder, no trailing slash except on the root."""
    url = url_query_cleaner(url.strip(), P.TRACKING_PARAMS, remove=True, keep_fragments=False)
    url = canonicalize_url(url, keep_fragments=False)
    p = urlsplit(url)
    path = p.path or "/"
    head, _, last = path.rpartition("/")
    if last.lower() in P.DEFAULT_PAGES:
        path = head + "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), path, p.query, ""))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_web(url: str) -> bool:
    """An http(s) URL with a host and a port that parse."""
    return url.startswith(("http://", "https://")) and parses(url) and bool(host_of(url))
