"""A parsed page: lxml's tree, with CSS selectors compiled once to XPath, text read the way a
reader sees it, and BeautifulSoup as the repair parser for markup libxml2 gives up on.

libxml2 parses a typical policy page in a twentieth of a millisecond and its compiled XPath
answers each selector in microseconds; BeautifulSoup (through lxml.html.soupparser) is kept for
the pages libxml2 truncates — nesting past its depth limit, markup it cannot recover from — where
its pure-Python parser still reads every word."""

from __future__ import annotations

import re
from functools import lru_cache

import lxml.html
from lxml import etree
from lxml.cssselect import CSSSelector
from lxml.html import HtmlElement

from .text import clean_space

# Elements whose text never reaches a reader (scripts, styles) and comments: removed at parse time.
_INVISIBLE = ("script", "style", "noscript", "template", "textarea", "select", "option")
# Where a reader sees a line break (block elements) when reading the text of an element.
BLOCKS = frozenset(
    "p div li tr h1 h2 h3 h4 h5 h6 table ul ol dl dt dd section article header footer aside nav "
    "blockquote pre form fieldset address figure figcaption main br hr tbody thead tfoot caption "
    "center".split()
)
_CELLS = frozenset(("td", "th"))
_TAG = re.compile(r"<[^>]*>")
_SCRIPTS = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
REPAIR_SHARE = 0.6  # a tree holding less of the page's text than this was truncated by libxml2


@lru_cache(maxsize=1024)
def selector(css: str) -> CSSSelector:
    """A CSS selector compiled once to XPath."""
    return CSSSelector(css)


def select(el: HtmlElement, css: str) -> list[HtmlElement]:
    return selector(css)(el)


def select_one(el: HtmlElement, css: str) -> HtmlElement | None:
    found = selector(css)(el)
    return found[0] if found else None


def text_of(el: HtmlElement | None) -> str:
    """An element's words, strings joined by a space (as a browser's copy of inline runs reads)."""
    if el is None:
        return ""
    return clean_space(" ".join(el.itertext()))


def lines_of(el: HtmlElement) -> list[str]:
    """An element's text as a reader sees it: a line break at every block element and <br>."""
    parts: list[str] = []
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in BLOCKS:
                parts.append("\n")
            if node.text and tag:
                parts.append(node.text)
        else:
            if tag in BLOCKS:
                parts.append("\n")
            elif tag in _CELLS:
                parts.append(" ")  # the cells of a row read apart: 办理对象 | 在京工作的外籍人才
            if node.tail and node is not el:
                parts.append(node.tail)
    return [x for x in (clean_space(t) for t in "".join(parts).split("\n")) if x]


def drop(el: HtmlElement) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    if el.getparent() is not None:
        el.drop_tree()


class Page:
    """One page's tree and what every rule asks of it more than once."""

    def __init__(self, html: str):
        self.html = html
        self.root = _parse(html)
        self.repaired = False
        if _truncated(self.root, html):
            self.root, self.repaired = _parse_with_soup(html), True
        _gather_into_body(self.root)
        self.raw_scripts = _script_texts(self.root)
        for el in self.root.iter(etree.Comment, etree.ProcessingInstruction):
            drop(el)
        for el in select(self.root, ", ".join(_INVISIBLE)):
            drop(el)
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        for el in self.root.iter():
            if isinstance(el.tag, str):
                cls = el.get("class")
                if cls:
                    self.classes.update(cls.split())
                if el.get("id"):
                    self.ids.add(el.get("id"))

    @property
    def body(self) -> HtmlElement:
        found = self.root.find("body")
        return found if found is not None else self.root

    def select(self, css: str) -> list[HtmlElement]:
        return selector(css)(self.root)

    def select_one(self, css: str) -> HtmlElement | None:
        return select_one(self.root, css)

    @property
    def lang(self) -> str | None:
        return self.root.get("lang")

    def title_tag(self) -> str:
        return text_of(self.root.find(".//title"))


# Control characters no XML tree may hold (lxml refuses to set text holding them).
_CONTROLS = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32))}


def _parse(html: str) -> HtmlElement:
    html = _XML_DECL.sub("", html, count=1).translate(
        _CONTROLS
    )  # lxml refuses a str that declares an encoding
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


_MARKUP_AS_TEXT = re.compile(r"</?(?:body|head|div|p|table|td|span)\b[^>]*>", re.I)


def _truncated(root: HtmlElement, html: str) -> bool:
    """libxml2 gave up on part of the page: it dropped what lies past its nesting limit (the tree
    holds much less text than the markup), or read markup as text (an unclosed <title> or
    <textarea> swallows the rest of the page)."""
    title = root.find(".//title")
    if title is not None and _MARKUP_AS_TEXT.search(title.text or ""):
        return True
    raw = clean_space(_TAG.sub(" ", _SCRIPTS.sub(" ", html)))
    if len(raw) < 200:
        return False
    return len(clean_space(" ".join(root.itertext()))) < REPAIR_SHARE * len(raw)


def _parse_with_soup(html: str) -> HtmlElement:
    """BeautifulSoup's forgiving parser, its tree handed back as lxml elements."""
    from lxml.html import soupparser

    cleaned = html.translate(_CONTROLS)  # XML-safe characters only
    try:
        root = soupparser.fromstring(cleaned, features="html.parser")
    except (RecursionError, ValueError):
        return _parse(html)
    return root if root.tag == "html" else lxml.html.document_fromstring(
        lxml.html.tostring(root, encoding="unicode"))  # fmt: skip


def _gather_into_body(root: HtmlElement) -> None:
    """Content a stray </body></html> left outside the body goes back into it, in order."""
    bodies = [c for c in root if c.tag == "body"]
    if not bodies:
        return
    body = bodies[0]
    for child in list(root)[list(root).index(body) + 1 :]:
        if child.tag == "body":
            body.extend(list(child))
            root.remove(child)
        else:
            body.append(child)


def _script_texts(root: HtmlElement) -> str:
    """The text of the page's scripts (listing pages write their pagination from script)."""
    return "\n".join(s.text or "" for s in root.iter("script"))
