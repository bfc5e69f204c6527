"""The body of a page: which page family it is, where its text is, whether it is a listing, and
its clean lines (boilerplate, metadata rows, link blocks and repeated copies removed)."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from . import patterns as P
from .fields import clean_space, squash


def link_density(el: Tag) -> tuple[float, int]:
    """Share of an element's text that sits inside links, and how many links it has."""
    total = len(clean_space(el.get_text(" ")))
    anchors = el.find_all("a")
    linked = sum(len(clean_space(a.get_text(" "))) for a in anchors)
    return (linked / total if total else 1.0), len(anchors)


def detect_family(soup: BeautifulSoup) -> str | None:
    """The known page family this page belongs to, or None."""
    for name, fam in P.FAMILIES.items():
        if any(soup.select_one(sel) for sel in fam["detect"]):
            return name
    return None


def body_element(soup: BeautifulSoup, family: str | None = None) -> Tag | None:
    for sel in (*P.FAMILIES.get(family or "", {}).get("body", ()), *P.BODY_SELECTORS):
        for el in soup.select(sel):
            if len(clean_space(el.get_text(" "))) >= 40:
                return el
    # Fallback for unknown families: text blocks vote for their parent (and half for the
    # grandparent); the container with the most running text, not links, wins.
    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for blk in soup.find_all(["p", "li", "td", "dd", "div", "span"]):
        if blk.find(["p", "div", "li", "table"]) or blk.find_parent(
            ["a", "nav", "header", "footer"]
        ):
            continue
        n = len(clean_space(blk.get_text(" "))) - 2 * sum(
            len(a.get_text(strip=True)) for a in blk.find_all("a")
        )
        if n < 20:
            continue
        for parent, share in ((blk.parent, 1.0), (blk.parent.parent if blk.parent else None, 0.5)):
            if isinstance(parent, Tag) and parent.name not in ("html", "[document]"):
                scores[id(parent)] = scores.get(id(parent), 0) + n * share
                elements[id(parent)] = parent
    if scores:
        return elements[max(scores, key=scores.get)]
    return soup.body


def is_listing(el: Tag) -> bool:
    """Mostly links, or links and hardly a sentence of running text of its own."""
    density, n_links = link_density(el)
    if n_links >= 3 and density > 0.5:
        return True
    if n_links >= 1:
        linked = {clean_space(a.get_text(" ")) for a in el.find_all("a")}
        own = " ".join(
            x for x in (clean_space(t) for t in el.get_text("\n").split("\n")) if x not in linked
        )
        sentences = len(re.findall(r"[。！？]|[.!?](\s|$)", own))
        return sentences < 2 and len(own) < 300
    return False


def body_lines(body: Tag, label_elements: list[Tag]) -> list[str]:
    for sel in P.BOILERPLATE_SELECTORS:
        for el in body.select(sel):
            el.decompose()
    for el in label_elements:
        if not el.decomposed and body in el.parents:
            table = el.find_parent("table")
            if (
                table is not None
                and body in table.parents
                and all(tr in label_elements for tr in table.find_all("tr"))
            ):
                table.decompose()  # a metadata table
            else:
                el.decompose()  # a metadata row of a table that also holds content
    for block in body.find_all(["div", "ul", "ol", "section", "aside", "dl"]):
        if block.decomposed:
            continue
        density, n_links = link_density(block)
        if n_links >= 2 and density > 0.6:
            block.decompose()  # a block of links inside the body: related items, next/previous
    for br in body.find_all("br"):
        br.replace_with("\n")
    for blk in body.find_all(["p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table"]):
        blk.insert_before("\n")
        blk.insert_after("\n")
    raw = [clean_space(x) for x in body.get_text().split("\n")]
    lines = [x for x in raw if x and not P.BOILERPLATE_LINE_RE.match(x)]
    lines = [x for i, x in enumerate(lines) if not (i < 4 and P.HEADER_LINE_RE.match(x))]
    return collapse_repeats(lines)


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
