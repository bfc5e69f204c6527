"""HTML listings and what government CMSs' scripts announce: links, TRS pagination, Hanweb records.

Pure functions of a page's bytes. TRS WCM writes its further pages only in a script call,
createPageHTML(count, current, "index", "html"); Hanweb keeps its list items as CDATA records in a
<script type="text/xml"> datastore and serves the rest through its dataproxy."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from lxml.html import HtmlElement

from .encoding import decode_html
from .listing_model import Entry, Listing, ListingError, Next, configure
from .page import Page, text_of
from .urls import canonical_url, join

# Files and scripts a crawl does not follow as pages.
SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".css", ".js", ".ico", ".svg", ".zip", ".rar",
                   ".mp4", ".mp3", ".exe", ".xls", ".xlsx", ".wps", ".ofd", ".pdf", ".doc",
                   ".docx")  # fmt: skip
# Where a Hanweb column page fetches its further records.
HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"


def page_links(page: Page, base: str) -> list[str]:
    """Canonical URLs of the pages a page links to (files and scripts left out), and the pages
    its scripts announce (createPageHTML pagination, Hanweb datastore records and dataproxy)."""
    out = []
    for a in page.root.iter("a"):
        url = page_url(base, a.get("href") or "")
        if url:
            out.append(url)
    found = announced(page.scripts, base)
    out += [e.url for e in found.documents] + [n.url for n in found.next]
    return out


def page_url(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("javascript:", "mailto:", "tel:", "#")):
        return None
    url = join(base, href)
    if url is None:
        return None  # an href no URL parser accepts: nothing to follow
    url = canonical_url(url)
    return None if urlsplit(url).path.lower().endswith(SKIP_EXTENSIONS) else url


def announced(scripts: list[str], base: str) -> Listing:
    """What scripts of a listing page name: the next TRS page, Hanweb records and their
    next dataproxy page (with default parameters)."""
    out = Listing()
    for text in scripts:
        nxt = _trs_next(text, base)
        if nxt:
            out.next.append(Next(nxt))
        if "<datastore" in text:
            records = _hanweb_records(text, base, None)
            out.documents += records
            out.next += _hanweb_next(text, base, len(records), configure("hanweb", {}), [])
    return out


_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)")


def _trs_next(script: str, base: str) -> str | None:
    """The page after this one, from a TRS createPageHTML(count, current, "index", "html") call
    (also with an element id first, or with variables set earlier in the script)."""
    m = _CREATE_PAGE.search(script)
    if not m:
        return None
    numbers, names = [], []
    for arg in (a.strip() for a in m.group(1).split(",")):
        if arg[:1] in "'\"":
            names.append(arg.strip("'\""))
        elif arg.isdigit():
            numbers.append(int(arg))
        elif re.fullmatch(r"[A-Za-z_$][\w$]*", arg):
            var = re.search(rf"\b{re.escape(arg)}\s*=\s*(\d+)", script)
            if var:
                numbers.append(int(var.group(1)))
    if len(numbers) < 2:
        return None
    count, current = numbers[0], numbers[1]
    prefix, suffix = (names[-2], names[-1]) if len(names) >= 2 else ("index", "html")
    if current + 1 >= count:
        return None
    return canonical_url(join(base, f"{prefix}_{current + 1}.{suffix}") or base)


def _anchor_entries(root: HtmlElement, base: str, pattern: str | None) -> list[Entry]:
    out, seen = [], set()
    rx = re.compile(pattern) if pattern else None
    for a in root.iter("a"):
        url = page_url(base, a.get("href") or "")
        if url and url not in seen and (rx is None or rx.search(url)):
            seen.add(url)
            title = a.get("title") or text_of(a) or None
            out.append(Entry(url, title, _date_near(a)))
    return out


_DATE = re.compile(r"(20\d\d|19\d\d)[-./年](\d{1,2})[-./月](\d{1,2})")


def _date_near(a: HtmlElement) -> str | None:
    """The date printed beside a list item's link, if any."""
    holder = next(a.iterancestors("li", "tr"), None)
    holder = holder if holder is not None else a.getparent()
    m = _DATE.search(text_of(holder) if holder is not None else "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _page(body: bytes, content_type: str | None) -> Page:
    html, _ = decode_html(body, content_type)
    return Page(html)


def parse_links(url: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    """A plain HTML listing: every link is a candidate; scripts announce the pagination."""
    page = _page(body, ctype)
    out = announced(page.scripts, url)
    out.documents = _anchor_entries(page.root, url, params.get("documents")) + out.documents
    return out


def parse_trs(url: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    page = _page(body, ctype)
    out = Listing(_anchor_entries(page.root, url, params["documents"]))
    nxt = next((n for n in map(lambda s: _trs_next(s, url), page.scripts) if n), None)
    if nxt:
        out.next.append(Next(nxt))
    elif params["prefix"] and out.documents:
        out.next.append(Next(_numbered_next(url, params["prefix"], params["suffix"]), probe=True))
    if not out.documents:
        out.problems.append(f"no link matches the document pattern {params['documents']}")
    return out


def _numbered_next(url: str, prefix: str, suffix: str) -> str:
    m = re.search(rf"{re.escape(prefix)}_(\d+)\.{re.escape(suffix)}$", urlsplit(url).path)
    n = int(m.group(1)) + 1 if m else 1
    return canonical_url(join(url, f"{prefix}_{n}.{suffix}") or url)


# ---- Hanweb: datastore records and the dataproxy ---------------------------------------------

_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>", re.S)
_TOTAL = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>")


def _hanweb_records(text: str, base: str, pattern: str | None) -> list[Entry]:
    out = []
    for chunk in _RECORD.findall(text):
        out += _anchor_entries(Page(chunk).root, base, pattern)
    return out


def parse_hanweb(url: str, body: bytes, ctype: str | None, params: dict) -> Listing:
    text, _ = decode_html(body, ctype)
    if "<datastore" not in text and "<record" not in text:
        raise ListingError("no <datastore> records: not a Hanweb list page")
    records = _hanweb_records(text, url, params["documents"])
    problems: list[str] = []
    out = Listing(records, _hanweb_next(text, url, len(_RECORD.findall(text)), params, problems))
    out.problems = problems
    if not records and "startrecord" not in url:
        out.problems.append(f"no record link matches the document pattern {params['documents']}")
    return out


def _hanweb_next(text: str, url: str, shown: int, params: dict, problems: list) -> list[Next]:
    """The next dataproxy page: records (end+1 … end+group) of the column."""
    if shown == 0:
        return []
    query = dict(parse_qsl(urlsplit(url).query))
    end = int(query["endrecord"]) if "endrecord" in query else shown
    total = _TOTAL.search(text)
    if total and end >= int(total.group(1)):
        return []
    proxy, args = _hanweb_proxy(text, url, query, params)
    if not args.get("columnid") or not args.get("unitid"):
        problems.append("no dataproxy parameters (columnid, unitid) on the page: set them in "
                        "sources.yaml")  # fmt: skip
        return []
    args.update(startrecord=end + 1, endrecord=end + params["group"], perpage=params["perpage"])
    return [Next(f"{proxy}?{urlencode(sorted(args.items()))}", probe=total is None)]


def _hanweb_proxy(text: str, url: str, query: dict, params: dict) -> tuple[str, dict]:
    """The dataproxy address and its column parameters: from this dataproxy URL, else the
    nextgroup link, else the configuration and the col/colNNNN/ path."""
    parts = urlsplit(url)
    if parts.path.endswith(HANWEB_PROXY):
        args = {k: v for k, v in query.items() if k not in ("startrecord", "endrecord", "perpage")}
        return urlunsplit((parts.scheme, parts.netloc, parts.path, "", "")), args
    args = {"col": "1", "appid": "1", "webid": params["webid"], "path": "/",
            "permissiontype": "0"}  # fmt: skip
    group = _NEXTGROUP.search(text)
    href = re.search(r"href\s*=\s*['\"]([^'\"]+)", group.group(1)) if group else None
    if href:
        target = urlsplit(join(url, href.group(1)) or url)
        args.update(dict(parse_qsl(target.query)))
        args.pop("page", None)
    col = re.search(r"/col/col(\d+)/", parts.path)
    args.setdefault("columnid", col.group(1) if col else "")
    for key in ("columnid", "unitid"):
        if params.get(key):
            args[key] = params[key]
    return urlunsplit((parts.scheme, parts.netloc, HANWEB_PROXY, "", "")), args
