"""What a page says about itself besides its body: label-value metadata (tables, lists, info
bars), <meta> tags, the <title>, its channel, links to related documents and attachments."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from lxml.html import HtmlElement

from . import guide_words as G
from . import patterns as P
from .fields import (
    clean_space,
    clean_title,
    cut_tools,
    is_media,
    normalize_doc_number,
    parse_date,
    squash,
)
from .guide import names_a_section
from .page import Page, lines_of, text_of
from .urls import join as _join

_ALL_LABELS = {squash(k): v for k, v in P.FIELD_LABELS.items()}
# A label may be printed with spaces between its characters to align a column (文　　号：).
_INLINE_LABEL_RE = re.compile(
    "("
    + "|".join(
        r"\s*".join(map(re.escape, k)) for k in sorted(P.FIELD_LABELS, key=len, reverse=True)
    )
    + r")\s*[:：]"
)
_EN_INLINE_LABEL_RE = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(sorted((re.escape(k) for k in P.EN_FIELD_LABELS), key=len, reverse=True))
    + r")\s*:",
    re.I,
)
_CONTAINERS = frozenset(("li", "p", "div", "table"))
_OPENS_WITH_LABEL = re.compile(
    "^(?:" + "|".join(r"\s*".join(map(re.escape, k)) for k in P.FIELD_LABELS) + r")\s*[:：]"
)
_LEAFISH = frozenset(("li", "p", "span", "div", "td"))


def meta_tags(page: Page) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in page.root.iter("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        if key and m.get("content") and key not in out:
            out[key] = clean_space(m.get("content"))
    return out


def _anchors(page: Page):
    for a in page.root.iter("a"):
        href = (a.get("href") or "").strip()
        if href:
            yield a, href


def related_links(page: Page, base: str) -> list[dict]:
    """Links to related documents (originals, replacements, interpretations, translations)."""
    out, seen = [], set()
    for a, href in _anchors(page):
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        target = _join(base, href)
        if target is None:
            continue
        text = text_of(a)
        parent = a.getparent()
        context = text_of(parent) if parent is not None else ""
        # a label before the link's parent: <dt>Chinese original</dt><dd><a>
        label = parent.getprevious() if parent is not None else None
        if label is not None and label.tag in ("dt", "th", "td", "span", "strong", "b"):
            context = text_of(label) + " " + context
        context = context.replace(text, " ")[:80].lower()
        rel = _rel_of(context)
        if rel is None and len(text) <= 20:  # a link labelled by its own words: "English version"
            rel = _rel_of(text.lower())
            if rel == "original":
                rel = None  # a link reading "Chinese version" alone switches the site's language
        if rel is None or target in seen or target == base:
            continue
        seen.add(target)
        out.append({"url": target, "text": text, "rel": rel})
    return out


def _rel_of(text: str) -> str | None:
    for rel, hints in _RELATED_HINTS:
        if any(h in text for h in hints):
            return rel
    return None


_RELATED_HINTS = [
    (rel, tuple(h.lower() for h in hints)) for rel, hints in P.RELATED_LINK_HINTS.items()
]


def attachments(page: Page, base: str) -> list[dict]:
    """Files linked or embedded in the page (PDF and DOCX are read later; WPS, OFD, XLS … are
    listed): links, and <iframe>/<embed>/<object> showing a PDF (through a viewer's file=, too)."""
    out, seen = [], set()
    kinds = {**P.PARSED_ATTACHMENTS, **P.LISTED_ATTACHMENTS}
    found = [(href, text_of(a)) for a, href in _anchors(page)]
    for el in page.root.iter("iframe", "embed", "object"):
        src = (el.get("src") or el.get("data") or "").strip()
        query = parse_qs(urlsplit(src).query)
        found.append(((query.get("file") or [src])[0], el.get("title") or ""))
    for href, name in found:
        target = _join(base, href) if href else None
        if target is None:
            continue
        path = urlsplit(target).path.lower()
        ext = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
        if ext in kinds and target not in seen and len(out) < 30:
            seen.add(target)
            name = name or target.rsplit("/", 1)[-1]
            out.append({"url": target, "name": name[:200], "type": kinds[ext]})
    return out


_LABEL_OPENS = re.compile(r"[\u4e00-\u9fff]{2,8}\s*[:：]\s*\S")  # a label with its value
_ZH_PART = re.compile(r"^([\u4e00-\u9fff（）]{2,10})[:：]?\s*[A-Za-z]")


class Labels(dict):
    """Field -> value read from labelled metadata, with the element each value came from."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[HtmlElement] = []
        self.where: dict[str, HtmlElement | None] = {}  # (rows of a list print their own)


def label_values(page: Page) -> tuple[Labels, list[HtmlElement]]:
    """Label-value pairs from metadata tables and lists: '发文字号：', '[发文机构]', '有 效 性'."""
    found = Labels()
    elements = found.elements

    def take(label: str, value: str | HtmlElement, el: HtmlElement | None, keep=False) -> bool:
        """Record a label's value; el is where it was printed, removed from the body unless
        keep (a value in a table of values stays in the text)."""
        key = _ALL_LABELS.get(squash(label).strip("[]【】［］:："))
        if not key and (zh := _ZH_PART.match(squash(label))):
            key = _ALL_LABELS.get(zh.group(1))  # a label glossed in English: 实施机关 Authority
        if not key:
            key = P.EN_FIELD_LABELS.get(clean_space(label).lower().rstrip(":"))
        if not isinstance(value, str):  # a cell: joint issuers on lines of their own stay apart
            joint = key in ("agency", "agency_joint") and value.find(".//br") is not None
            value = " ".join(lines_of(value)) if joint else text_of(value)
        value = re.split(r"\s[|｜]\s", clean_space(value))[0]
        if squash(value).strip(":：") in _NAMES or _OPENS_WITH_LABEL.match(value):
            return False  # a column heading, or the next label of an empty field: not a value
        if key and value and len(value) < 200:
            if key not in found:
                found[key], found.where[key] = value, el
            if el is not None and not keep:
                elements.append(el)
            return True
        return False

    root = page.root
    heads: list[HtmlElement] = []  # a row of column headings (实施主体 | 服务对象 | …) over values
    for tr in root.iter("tr"):
        cells = [c for c in tr if c.tag in ("td", "th")]
        if len(cells) < 2 or tr.find(".//table") is not None:
            continue
        if len(heads) == len(cells):
            for head, cell in zip(heads, cells, strict=True):
                take(text_of(head), cell, tr, keep=True)
        names = sum(1 for c in cells if squash(text_of(c)) in _NAMES)
        heads = cells if names >= max(2, len(cells) - 1) else []
        pairs = list(zip(cells[::2], cells[1::2], strict=False))
        taken = [take(text_of(lab), val, None) for lab, val in pairs]
        if all(taken):  # a row of metadata only; one that also holds content stays in the body
            elements.append(tr)
    for dt_ in root.iter("dt"):
        dd = dt_.getnext()
        while dd is not None and dd.tag != "dd":
            dd = dd.getnext()
        if dd is not None and take(text_of(dt_), dd, None):
            elements.extend((dt_, dd))  # the pair only: the list may hold content rows too
    for el in page.leafish():
        text = text_of(el)
        if not text or len(text) > 240:
            continue
        if ":" not in text and "：" not in text and text[:1] not in "[【［":
            # <div><div>时效性</div><div>现行有效</div></div>, <li><b>实施机关</b><span>…
            pair = el.getparent()
            alone = pair is not None and len(pair) == 2 and pair[0] is el
            if alone and len(text) <= 30 and el.tag not in ("td", "th") and _is_label(text):
                take(text, pair[1], pair)
            continue  # no label in it (most elements of a page)
        if sum(1 for c in el if c.tag == "span" and _LABEL_OPENS.match(text_of(c))) >= 2:
            continue  # <span>实施机关：…</span><span>服务类型：…</span>: each span is read alone
        marks = list(_INLINE_LABEL_RE.finditer(text))
        if len(marks) == 1 and marks[0].start() == 0 and marks[0].end() == len(text):
            value_el = el.getnext()  # <div class="label">发布时间：</div><div class="value">…</div>
            if value_el is not None:
                take(marks[0].group(1), value_el, el.getparent())
            continue
        if marks and marks[0].start() == 0 or (marks and text.startswith(("[", "【", "［"))):
            for i, m in enumerate(marks):
                end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
                take(m.group(1), text[m.end() : end], el)
            continue
        m = P.LABEL_VALUE_RE.match(text)
        if m and text[:1] in "[【［":
            take(m.group("label"), m.group("value"), el)
            continue
        en_marks = list(_EN_INLINE_LABEL_RE.finditer(text))
        if en_marks and en_marks[0].start() == 0:  # "Issuing Agency: … Document No.: …"
            for i, m in enumerate(en_marks):
                end = en_marks[i + 1].start() if i + 1 < len(en_marks) else len(text)
                take(m.group(1), text[m.end() : end].strip(" |｜"), el)
    for head in root.iter("h2", "h3", "h4", "h5", "h6"):
        value_el = head.getnext()  # <h3>Authority in charge</h3><p>…</p>: it stays in the text
        if value_el is not None and value_el.tag in ("p", "div", "span"):
            label, value = text_of(head), text_of(value_el)
            if len(label) <= 30 and len(value) <= 80:
                take(label, value, None)
    return found, elements


def channel(page: Page) -> str | None:
    """The kind of page its channel names (…_政策解读_…, 首页 > 办事指南), read before chrome
    is removed."""
    texts = [page.title_tag()]
    crumbs = page.present(P.BREADCRUMB_SELECTORS)
    texts.extend(text_of(el) for el in (page.select(crumbs)[:4] if crumbs else ()))
    for text in texts:
        for words, kind in P.CHANNEL_KINDS:
            if words in text:
                return kind
    return None


_HEADING_LIKE = ("h1", "h2", "h3", "td", "div", "p", "b", "strong", "span")
_INNER_BLOCKS = frozenset(("div", "p", "table", "td"))


def heading_in_title(page: Page) -> str | None:
    """The longest heading-like text of the page that the <title> contains (the <title> is that
    heading plus site and channel names), else None."""
    raw = page.title_tag()
    if not raw:
        return None
    best = ""
    for el in page.root.iter(*_HEADING_LIKE):
        first = (el.text or "").strip()[:4]
        if first and first not in raw:
            continue  # its words do not begin anything in the <title>
        if any(d.tag in _INNER_BLOCKS for d in el.iterdescendants()):
            continue
        t = text_of(el)
        if 6 <= len(t) <= len(raw) and t in raw and len(t) > len(best):
            best = t
    whole_part = best in (p.strip() for p in P.TITLE_SEPARATORS_RE.split(clean_space(raw)))
    return best if best and (whole_part or len(best) >= 0.4 * len(raw)) else None


def headline(page: Page) -> str | None:
    """The page's headline when it is not an h1: an element whose class or id names a title, else
    the first h2 (a page whose <title> is only the site's name still shows its headline)."""
    for group in P.HEADLINE_SELECTORS:
        for el in page.select(group):
            t = text_of(el)
            if 4 <= len(t) <= 150 and not _site_name(t, page) and not _section_name(t):
                return t
    return None


_SECTION_NAMES = frozenset((*G.GUIDE_LABELS, *G.GUIDE_OTHER_SECTIONS, *G.GUIDE_TAB_WORDS))


def _is_label(text: str) -> bool:
    return squash(text) in _ALL_LABELS or clean_space(text).lower() in P.EN_FIELD_LABELS


_NAMES = _SECTION_NAMES | frozenset(_ALL_LABELS)  # a cell holding one is a heading, not a value


def _section_name(text: str) -> bool:
    """A block's heading (受理条件, 基本信息, 认定条件), which names no page."""
    return text in _SECTION_NAMES or names_a_section(text)


def _site_name(text: str, page: Page) -> bool:
    """The site's own name (as its <title> or header prints it), not a document's title."""
    raw = page.title_tag()
    return bool(raw) and text in raw and not heading_in_title(page) and len(text) <= 20


def byline(page: Page, body: HtmlElement | None) -> tuple[str | None, str | None, bool]:
    """(date, source, news-like) of the info bar under a headline: '2022年09月16日08:24 | 来源：
    北京日报', '发布时间：2023-03-12 来源：市科委', 'Updated: Dec 1, 2023 | Source: …'. Read above
    the body's text only (comments and related items below carry dates of their own). News-like:
    it gives the time of day, or names a newspaper, as news sites do and libraries do not."""
    order = {el: i for i, el in enumerate(page.body.iter())}
    start = order.get(body, -1)
    end = start + sum(1 for _ in body.iter()) - 1 if body is not None and start >= 0 else -1
    for el in page.leafish():
        text = text_of(el)
        at = order.get(el, 0)
        if start >= 0 and (at > end or (at >= start and (len(text) > 80 or _SENTENCE_END.search(
                text)))):  # fmt: skip
            break  # the body's text has begun, or is over
        if not 6 <= len(text) <= 160 or _SENTENCE_END.search(text):
            continue
        has_mark = any(m in text for m in P.BYLINE_MARKS) or P.TIME_RE.search(text)
        date = parse_date(text) if has_mark else None
        parent = el.getparent()
        own = _own_text(parent) if has_mark and not date and parent is not None else ""
        if own:
            # '2023-05-26 19:42 <span>来源：新华社</span><div>tools</div>': the date is its bar's
            text = own + " " + text
            date = parse_date(text)
        if not date:
            continue
        src = P.SOURCE_RE.search(text)
        source = cut_tools(re.split(r"\s{2,}|\s[|｜]\s|作者|编辑|责任编辑|Author|By ", src.group(
            "source"))[0]) if src else None  # fmt: skip
        newsy = bool(P.TIME_RE.search(text)) or bool(source and is_media(source))
        return date, source or None, newsy
    return None, None, False


_SENTENCE_END = re.compile(r"[。！？]")


def _own_text(el: HtmlElement) -> str:
    """The text an element holds directly, not inside its children."""
    return clean_space(" ".join([el.text or "", *(c.tail or "" for c in el)]))


def number_line_before(page: Page, body: HtmlElement | None) -> str | None:
    """A 发文字号 printed on a line of its own above the body, under the headline (many district
    templates print it there, outside the body's container)."""
    if body is None:
        return None
    for el in page.leafish():
        if el is body or body in el.iterancestors() or el in body.iterancestors():
            break  # reached the body
        text = text_of(el)
        if len(text) > 40 or "号" not in text:
            continue
        number = normalize_doc_number(text)
        if number and len(squash(text)) <= len(number) + 4:
            return number
    return None


def title_from_title_tag(page: Page) -> str | None:
    """The <title> without its site parts: a heading it contains, else its text with known site and
    channel suffixes removed."""
    raw = page.title_tag()
    return (heading_in_title(page) or clean_title(raw)) if raw else None
