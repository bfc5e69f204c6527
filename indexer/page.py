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
_WIDE = "\u4e00-\u9fff\u3000-\u303f\uff00-\uffef"  # Chinese characters and full-width punctuation
_CJK_JOIN = re.compile(f"(?<=[{_WIDE}])[\\s\x00]*\x00[\\s\x00]*(?=[{_WIDE}])")
# A selector of one tag, class, id, or class or id part: .share  #zoom  [class*=share]  nav
_SIMPLE = re.compile(r"(?P<kind>\.|#|\[class\*=|\[id\*=|)(?P<name>[\w-]+)\]?")
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
    """An element's words as a browser's copy reads them: its strings joined by a space, except
    between Chinese characters, which no space separates (《…》<br><span>政策解读</span>)."""
    if el is None:
        return ""
    if not len(el):  # no children: one string
        return clean_space(el.text or "")
    joined = "\x00".join(el.itertext())
    if "\x00" in joined:
        joined = _CJK_JOIN.sub("", joined)
    return clean_space(joined.replace("\x00", " "))


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

    def __init__(self, html: str, depth: int | None = None):
        self.html = html
        self.root = _parse(html)
        self.repaired = False
        if depth is None:
            depth = markup_stats(html, 10**9, 10**9)[1]
        if _truncated(self.root, html, depth):
            self.root, self.repaired = _parse_with_soup(html), True
        _gather_into_body(self.root)
        self.scripts = [s.text or "" for s in self.root.iter("script")]  # (pagination, records)
        self.raw_scripts = "\n".join(self.scripts)
        for el in self.root.iter(etree.Comment, etree.ProcessingInstruction):
            drop(el)
        for el in select(self.root, ", ".join(_INVISIBLE)):
            drop(el)
        self.classes: set[str] = set()
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        for el in self.root.iter():
            if isinstance(el.tag, str):
                self.tags.add(el.tag)
                cls = el.get("class")
                if cls:
                    self.classes.update(cls.split())
                if el.get("id"):
                    self.ids.add(el.get("id"))
        self._class_text = "\n".join(self.classes)
        self._body_text: str | None = None
        self._leafish: list[HtmlElement] | None = None
        self._id_text = "\n".join(self.ids)

    @property
    def body(self) -> HtmlElement:
        found = self.root.find("body")
        return found if found is not None else self.root

    def select(self, css: str) -> list[HtmlElement]:
        return selector(css)(self.root)

    def select_one(self, css: str) -> HtmlElement | None:
        return select_one(self.root, css)

    def present(self, selectors: tuple[str, ...]) -> str | None:
        """The selectors that may match this page, as one selector (None when none may): a
        selector naming a class, an id or a tag the page lacks is left out before any matching."""
        kept = tuple(s for s, kind, name in _simple(selectors) if self._may_match(kind, name))
        return ", ".join(kept) if kept else None

    def _may_match(self, kind: str | None, name: str) -> bool:
        if kind is None:
            return True  # compound: matched as written
        if kind == ".":
            return name in self.classes
        if kind == "#":
            return name in self.ids
        if kind == "[class*=":
            return name in self._class_text
        if kind == "[id*=":
            return name in self._id_text
        return name in self.tags

    def leafish(self) -> list[HtmlElement]:
        """li/p/span/div/td/th/label/b/strong elements of the body holding no li, p, div or table
        (found once; read before the body is taken apart)."""
        if self._leafish is None:
            self._leafish = _find_leafish(self.body)
        return self._leafish

    def body_text(self) -> str:
        """The text of the whole body as first parsed (read before the body is taken apart)."""
        if self._body_text is None:
            self._body_text = text_of(self.body)
        return self._body_text

    @property
    def lang(self) -> str | None:
        return self.root.get("lang")

    def title_tag(self) -> str:
        return text_of(self.root.find(".//title"))


# Control characters no XML tree may hold (lxml refuses to set text holding them).
_CONTROLS = {c: None for c in (*range(0, 9), 11, 12, *range(14, 32))}
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


@lru_cache(maxsize=64)
def _simple(selectors: tuple[str, ...]) -> tuple[tuple[str, str | None, str], ...]:
    """(selector, kind, name) of each selector: kind None for a compound one."""
    out = []
    for s in selectors:
        m = _SIMPLE.fullmatch(s.strip())
        out.append((s, m.group("kind"), m.group("name")) if m else (s, None, ""))
    return tuple(out)


def _parse(html: str) -> HtmlElement:
    # lxml refuses a str that declares an encoding, and text holding control characters
    html = _XML_DECL.sub("", html, count=1)
    if _CONTROL_RE.search(html):
        html = html.translate(_CONTROLS)
    if _BLOCK_IN_HEADING.search(html):
        html = _HEADING.sub(_inline_blocks, html)
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return lxml.html.document_fromstring("<html><body></body></html>")


# A headline printed as lines of <p> or <div> inside its <h1>: browsers keep them in the heading,
# libxml2 closes the heading before them (an empty <h1>), so they become spans and line breaks.
_BLOCK_IN_HEADING = re.compile(
    r"<h([1-6])\b[^>]{0,200}>(?:(?!</h\1)[^<]|<(?!/?h\1)){0,300}<(?:p|div)\b", re.I
)
_HEADING = re.compile(r"<h([1-6])\b[^>]{0,200}>.{0,600}?</h\1\s*>", re.I | re.S)
_BLOCK_TAG = re.compile(r"<(/?)(?:p|div)\b([^>]*)>", re.I)


def _inline_blocks(m: re.Match) -> str:
    return _BLOCK_TAG.sub(lambda t: "</span><br>" if t.group(1) else f"<span{t.group(2)}>",
                          m.group(0))  # fmt: skip


_MARKUP_AS_TEXT = re.compile(r"</?(?:body|head|div|p|table|td|span)\b[^>]*>", re.I)


def _truncated(root: HtmlElement, html: str, depth: int) -> bool:
    """libxml2 gave up on part of the page: it read markup as text (an unclosed <title> swallows
    the rest of the page), or dropped what lies past a stray end of the document or deep in
    nested markup (the tree then holds much less text than the markup does)."""
    title = root.find(".//title")
    if title is not None and _MARKUP_AS_TEXT.search(title.text or ""):
        return True
    lowered = html.lower()
    if depth <= DEEP and lowered.count("</html") <= 1 and lowered.count("</body") <= 1:
        return False  # nothing libxml2 drops
    raw = clean_space(_TAG.sub(" ", _SCRIPTS.sub(" ", html)))
    if len(raw) < 200:
        return False
    return len(clean_space(" ".join(root.itertext()))) < REPAIR_SHARE * len(raw)


DEEP = 100  # nesting past this is where libxml2 starts to lose content on real pages
_OPEN_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements pages routinely leave open (the parser closes them): not counted as nesting.
_UNCLOSED = frozenset(("p", "li", "td", "tr", "th", "dt", "dd", "option"))


def markup_stats(html: str, max_elements: int, max_depth: int) -> tuple[int, int]:
    """(elements, deepest nesting) read from the tags, before any parser builds a tree; the scan
    stops once either passes its bound."""
    count = depth = deepest = 0
    for m in _OPEN_TAG.finditer(html):
        if m.group(1):
            depth = max(0, depth - 1)
            continue
        count += 1
        name = m.group(2).lower()
        if name not in _VOID and not m.group(3) and name not in _UNCLOSED:
            depth += 1
            deepest = max(deepest, depth)
        if count > max_elements or deepest > max_depth:
            break
    return count, deepest


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


_CONTAINERS = frozenset(("li", "p", "div", "table"))
_LEAFISH = frozenset(("li", "p", "span", "div", "td", "th", "label", "b", "strong"))


def _find_leafish(root: HtmlElement) -> list[HtmlElement]:
    holds: dict[HtmlElement, bool] = {}
    out = []
    for _, el in etree.iterwalk(root, events=("end",)):
        if not isinstance(el.tag, str):
            continue
        inner = any(c.tag in _CONTAINERS or holds.get(c, False) for c in el)
        holds[el] = inner
        if el.tag in _LEAFISH and not inner:
            out.append(el)
    order = {el: i for i, el in enumerate(root.iter())}
    return sorted(out, key=order.__getitem__)


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
