"""The body of a page: which page family it is, where its text is, whether it is a listing, and
its clean lines (boilerplate, metadata rows, link blocks and repeated copies removed)."""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from . import patterns as P
from .fields import normalize_doc_number, parse_date, squash
from .page import Page, drop, lines_of, select, text_of

_SENTENCE = re.compile(r"[。！？]|[.!?](\s|$)")
_VOTERS = ("p", "li", "td", "dd", "div", "span")
_VOTER_INNER = frozenset(("p", "div", "li", "table"))
_NOT_CONTENT = frozenset(("a", "nav", "header", "footer"))
_PARTS = frozenset(("ol", "ul", "dl"))  # (old sites lay pages out in tables)
_LINK_BLOCKS = ("div", "ul", "ol", "section", "aside", "dl")
_ANCHORS = etree.XPath(".//a")


def link_density(el: HtmlElement) -> tuple[float, int]:
    """Share of an element's text that sits inside links, and how many links it has."""
    total = len(text_of(el))
    anchors = list(el.iter("a"))
    linked = sum(len(text_of(a)) for a in anchors)
    return (linked / total if total else 1.0), len(anchors)


def detect_family(page: Page) -> str | None:
    """The known page family this page belongs to, or None (each family is recognised by a class,
    an id or a selector: classes and ids are looked up in the page's sets, not searched for)."""
    for name, fam in P.FAMILIES.items():
        for sel in fam["detect"]:
            if sel.startswith(".") and sel[1:].replace("-", "").replace("_", "").isalnum():
                if sel[1:] in page.classes:
                    return name
            elif sel.startswith("#") and sel[1:].replace("-", "").replace("_", "").isalnum():
                if sel[1:] in page.ids:
                    return name
            elif page.select_one(sel) is not None:
                return name
    return None


def body_element(page: Page, family: str | None = None) -> HtmlElement | None:
    for sel in (*P.FAMILIES.get(family or "", {}).get("body", ()), *P.BODY_SELECTORS):
        for el in page.select(sel):
            if len(text_of(el)) >= 40:
                return _with_sibling_panels(_with_notes(el))
    # Fallback for unknown families: the deepest element holding most of the page's running text
    # (text blocks weigh their words less twice their link words; site chrome holds none).
    chrome = set(_chrome(page))
    held: dict[HtmlElement, float] = {}
    for blk in page.body.iter(*_VOTERS):
        if any(d.tag in _VOTER_INNER for d in blk.iterdescendants()):
            continue
        if any(a.tag in _NOT_CONTENT or a in chrome for a in blk.iterancestors()):
            continue
        linked = sum(len("".join(a.itertext()).strip()) for a in blk.iter("a") if not _file_link(a))
        n = len(text_of(blk)) - 2 * linked
        if n < 20:
            continue
        for a in blk.iterancestors():
            held[a] = held.get(a, 0) + n
            if a is page.body:
                break
    total = held.get(page.body, 0)
    if total < MIN_RUNNING_TEXT:
        return None  # no running text: a scanned image or an attachment is the body
    node = page.body
    while True:
        best = max((c for c in node if c in held), key=held.__getitem__, default=None)
        if best is None or held[best] < MAIN_SHARE * total or best.tag in _PARTS:
            return _with_notes(node)  # (a list is a part of a body, not the body)
        node = best


MAIN_SHARE = 0.7  # the body holds at least this share of a page's running text
MIN_RUNNING_TEXT = 60  # less than this outside links is no body text (a caption, a footer)


def _chrome(page: Page) -> list[HtmlElement]:
    sel = page.present(_CHROME_SELECTORS)
    return select(page.body, sel) if sel else []


def _file_link(a: HtmlElement) -> bool:
    path = (a.get("href") or "").split("?")[0].lower()
    return path.endswith(tuple(P.PARSED_ATTACHMENTS) + tuple(P.LISTED_ATTACHMENTS))


def _with_notes(el: HtmlElement) -> HtmlElement:
    """A table body with the paragraphs beside it in its container (a note after a guide's
    table belongs to the guide)."""
    if el.tag == "tbody":
        el = el.getparent()
    parent = el.getparent()
    if el.tag != "table" or parent is None or parent.tag in ("body", "html"):
        return el
    notes = [s for s in parent if s is not el and s.tag in ("p", "div") and len(text_of(s)) >= 20]
    if notes and all(link_density(s)[0] < 0.3 for s in notes):
        return parent
    return el


def _with_sibling_panels(el: HtmlElement) -> HtmlElement:
    """The body and its sibling panels: a guide's tabs (材料, 流程 …) are siblings of one tag and
    class, only one shown at a time; each is part of the text."""
    parent = el.getparent()
    if parent is None or parent.tag in ("body", "html"):
        return el
    cls = el.get("class")
    panels = [s for s in parent if s.tag == el.tag and s.get("class") == cls and s is not el]
    if panels and any(len(text_of(s)) >= 40 for s in panels):
        return parent
    return el


_PAGINATION = re.compile(
    r"下一页|上一页|尾页|末页|共\s*\d+\s*(?:页|项|条)|第\s*\d+\s*页|Next page|Previous page", re.I
)
_LISTING_SCRIPTS = ("createPageHTML", "<datastore", "<recordset", "pageCount", "totalPage")
# Site chrome: menus, headers, footers, sidebars (their links are no list of documents).
_CHROME_SELECTORS = (
    "header", "nav", "footer", "aside", "[class*=nav]", "[class*=menu]", "[class*=footer]",
    "[class*=crumb]", "[class*=sidebar]", "[class*=top-bar]", "[class*=topbar]", "[id*=nav]",
    "[id*=menu]", "[id*=footer]", "[class*=foot]", "[class*=copyright]", ".head", ".top",
    "[class*=xgwz]", "[class*=xglj]", "[class*=location]",
)  # fmt: skip
ROW_TITLE = 6  # a link with at least this many characters names a page (a menu item is shorter)
ROW_DEPTH = 5  # how far above its link a row of a list may start


def _nav_links(el: HtmlElement, files: set[str], chrome: set | None = None) -> list[HtmlElement]:
    """The links of el that lead to other pages (not files, anchors, scripts or site chrome)."""
    out = []
    for a in el.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if any(href.endswith(f.rsplit("/", 1)[-1]) for f in files):
            continue
        if chrome and a in chrome:
            continue
        out.append(a)
    return out


def _rows(links: list[HtmlElement]) -> list[HtmlElement]:
    """The repeated items that hold the title-like links: for each link, its lowest ancestor that
    has at least two siblings of the same tag and class also holding such a link."""
    members: dict[tuple, set] = {}
    chains = []
    for a in links:
        chain, node = [], a
        for _ in range(ROW_DEPTH):
            parent = node.getparent()
            if parent is None:
                break
            key = (parent, node.tag, node.get("class"))
            members.setdefault(key, set()).add(node)
            chain.append(key)
            node = parent
        chains.append(chain)
    rows: list[HtmlElement] = []
    seen: set = set()
    for chain in chains:
        key = next((k for k in chain if len(members[k]) >= 3), None)
        if key is not None and key not in seen:
            seen.add(key)
            rows.extend(members[key])
    return rows


def _own_metadata(labels, rows: list[HtmlElement]) -> int:
    """How many of the page's own metadata fields it states (a 发文字号, a date, an agency), not
    counting those printed in the rows of a list or a filter's choices."""
    where = getattr(labels, "where", {})  # page_meta.Labels: the element each value came from
    in_rows = set(rows)
    checks = {"doc_number": normalize_doc_number, "publish_date": parse_date,
              "written_date": parse_date, "agency": lambda v: v}  # fmt: skip
    count = 0
    for key, check in checks.items():
        value, el = labels.get(key), where.get(key)
        if not value or not check(value):
            continue
        if el is not None and any(a in in_rows for a in (el, *el.iterancestors())):
            continue
        count += 1
    return count


def _sentences(text: str) -> int:
    return len(_SENTENCE.findall(text))


def listing_evidence(page: Page, el: HtmlElement, labels: dict,
                     attachments: list[dict]) -> str | None:  # fmt: skip
    """Why the page is a listing (its main content is navigation), or None for a document.

    Measured on the page outside its chrome (menus, header, footer): a list of documents is rows
    that each lead to a page by its title, outweighing the page's own text; pagination, or
    records written from a script, tip the balance. A page with its own metadata (发文字号,
    发布日期 …) is a document however many links it shows; links to files are no listing."""
    files = {a["url"] for a in attachments}
    tops = _chrome(page)
    chrome = {d for c in tops for d in c.iter()}  # every element inside the site's chrome
    body_text = page.body_text()
    main_text = len(body_text) - sum(
        len(text_of(c)) for c in tops if not any(a in chrome for a in c.iterancestors())
    )
    links = _nav_links(page.body, files, chrome)
    rows = _rows([a for a in links if len(text_of(a)) >= ROW_TITLE])
    row_chars = sum(len(text_of(r)) for r in rows)
    own = max(main_text - row_chars, 0)
    own_sentences = _sentences(body_text) - sum(_sentences(text_of(r)) for r in rows)
    scripted = any(w in page.raw_scripts for w in _LISTING_SCRIPTS)
    paged = scripted or bool(_PAGINATION.search(body_text[-3000:]))
    metadata = _own_metadata(labels, rows)
    if "<record" in page.raw_scripts and own < 400:
        return "a listing page (its records are written from a script)"
    if len(rows) >= 3 and metadata < 2:
        if row_chars >= 1.5 * own:
            return f"a listing page ({len(rows)} rows of links to pages)"
        if row_chars >= 0.6 * own and (paged or own_sentences < 3):
            return f"a listing page ({len(rows)} rows of links to pages and little text)"
    titled = [a for a in links if len(text_of(a)) >= ROW_TITLE]
    if paged and titled and metadata < 2 and own_sentences < 2:
        return "a listing page (a page of a paged list)"
    density, _ = link_density(el)
    if len(_nav_links(el, files)) >= 3 and density > 0.5 and metadata < 2:
        return "a listing page (links, no running text)"
    return None


def body_lines(page: Page, body: HtmlElement, label_elements: list[HtmlElement]) -> list[str]:
    boilerplate = page.present(P.BOILERPLATE_SELECTORS)
    for el in select(body, boilerplate) if boilerplate else ():
        drop(el)
    chrome = page.present(_CHROME_SELECTORS)
    if body.tag == "body" and chrome:  # no container was found: the page's chrome is in it
        for el in select(body, chrome):
            drop(el)
    inside = {el for el in label_elements if body in el.iterancestors()}
    for el in inside:
        table = next(el.iterancestors("table"), None)
        if (
            table is not None
            and body in table.iterancestors()
            and all(tr in inside for tr in table.iter("tr"))
        ):
            drop(table)  # a metadata table
        else:
            drop(el)  # a metadata row of a table that also holds content
    _drop_related(body)
    for a in list(body.iter("a")):
        if P.LANG_SWITCH_RE.match(text_of(a)) and _attached(a, body):
            drop(a)  # the other language's page is a link of the document, not its words
    for block in list(body.iter(*_LINK_BLOCKS)):
        if len(_ANCHORS(block)) < 2 or not _attached(block, body):
            continue  # a block of links needs two
        density, n_links = link_density(block)
        if n_links >= 2 and density > 0.6:
            drop(block)  # a block of links inside the body: related items, next/previous
    lines = [x for x in lines_of(body) if not P.BOILERPLATE_LINE_RE.match(x)]
    lines = [x for i, x in enumerate(lines) if not (i < 4 and P.HEADER_LINE_RE.match(x))]
    return collapse_repeats(lines)


def _drop_related(body: HtmlElement) -> None:
    """A box of links headed 相关政策 / Related links, however few links it holds."""
    for head in list(body.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div")):
        if not P.RELATED_HEADING_RE.match((head.text or "").strip()) or len(text_of(head)) > 12:
            continue
        box = head.getparent()
        if box is None or box is body or not _attached(box, body):
            continue
        if link_density(box)[0] > 0.5:
            drop(box)
            continue
        after = head.getnext()
        if after is not None and link_density(after)[0] > 0.5:
            drop(after)
        drop(head)


def _attached(el: HtmlElement, root: HtmlElement) -> bool:
    """el is still inside root (an ancestor of it may have been dropped already)."""
    return el is root or any(a is root for a in el.iterancestors())


def collapse_repeats(lines: list[str]) -> list[str]:
    """Drop blocks printed twice (mobile copies, duplicated bodies) while keeping short refrains."""
    seen: set[str] = set()
    out: list[str] = []
    prev_dropped = False
    for ln in lines:
        key = squash(ln)
        if key in seen and (len(key) >= 6 or prev_dropped):
            prev_dropped = True
            continue
        prev_dropped = False
        seen.add(key)
        out.append(ln)
    return out


def drop_leading(lines: list[str], title: str) -> list[str]:
    t = squash(title)
    return [ln for i, ln in enumerate(lines) if not (i < 3 and squash(ln) == t)]
