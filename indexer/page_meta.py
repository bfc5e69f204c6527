"""What a page says about itself besides its body: label-value metadata (tables, lists, info
bars), <meta> tags, the <title>, its channel, links to related documents and attachments."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from . import patterns as P
from .fields import clean_space, clean_title, squash
from .urls import join as _join

_ALL_LABELS = {**{squash(k): v for k, v in P.FIELD_LABELS.items()}}
_INLINE_LABEL_RE = re.compile(
    "("
    + "|".join(sorted((re.escape(k) for k in P.FIELD_LABELS), key=len, reverse=True))
    + r")\s*[:：]"
)


_EN_INLINE_LABEL_RE = re.compile(
    r"(?<![A-Za-z])("
    + "|".join(sorted((re.escape(k) for k in P.EN_FIELD_LABELS), key=len, reverse=True))
    + r")\s*:",
    re.I,
)


def text_of(el: Tag | None) -> str:
    return clean_space(el.get_text(" ")) if el else ""


def meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in soup.find_all("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        if key and m.get("content") and key not in out:
            out[key] = clean_space(m["content"])
    return out


def related_links(soup: BeautifulSoup, base: str) -> list[dict]:
    """Links to related documents (originals, replacements, interpretations, translations)."""
    out, seen = [], set()
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        target = _join(base, href)
        if target is None:
            continue
        text = clean_space(a.get_text(" "))
        context = clean_space(a.parent.get_text(" ")) if a.parent else ""
        label = (
            a.parent.find_previous_sibling() if a.parent else None
        )  # <dt>Chinese original</dt><dd><a>
        if label is not None and label.name in ("dt", "th", "td", "span", "strong", "b"):
            context = clean_space(label.get_text(" ")) + " " + context
        context = context.replace(text, " ")[:80].lower()
        rel = next(
            (
                r
                for r, hints in P.RELATED_LINK_HINTS.items()
                if any(h.lower() in context for h in hints)
            ),
            None,
        )
        if rel is None and len(text) <= 20:  # a link labelled by its own words: "Chinese original"
            rel = next(
                (
                    r
                    for r, hints in P.RELATED_LINK_HINTS.items()
                    if any(h.lower() in text.lower() for h in hints)
                ),
                None,
            )
        if rel is None or target in seen or target == base:
            continue
        seen.add(target)
        out.append({"url": target, "text": text, "rel": rel})
    return out


def attachments(soup: BeautifulSoup, base: str) -> list[dict]:
    """Files linked from the page (PDF and DOCX are read later; WPS, OFD, XLS … are listed)."""
    out, seen = [], set()
    kinds = {**P.PARSED_ATTACHMENTS, **P.LISTED_ATTACHMENTS}
    for a in soup.find_all("a", href=True):
        target = _join(base, a["href"].strip())
        if target is None:
            continue
        path = urlsplit(target).path.lower()
        ext = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
        if ext in kinds and target not in seen and len(out) < 30:
            seen.add(target)
            name = clean_space(a.get_text(" ")) or target.rsplit("/", 1)[-1]
            out.append({"url": target, "name": name[:200], "type": kinds[ext]})
    return out


def label_values(soup: BeautifulSoup) -> tuple[dict[str, str], list[Tag]]:
    """Label-value pairs from metadata tables and lists: '发文字号：', '[发文机构]', '有 效 性'."""
    found: dict[str, str] = {}
    elements: list[Tag] = []

    def take(label: str, value: str, el: Tag) -> bool:
        key = _ALL_LABELS.get(squash(label).strip("[]【】［］:："))
        if not key:
            key = P.EN_FIELD_LABELS.get(clean_space(label).lower().rstrip(":"))
        value = re.split(r"\s[|｜]\s", clean_space(value))[0]
        if key and value and len(value) < 200:
            found.setdefault(key, value)
            elements.append(el)
            return True
        return False

    for tr in soup.find_all("tr"):
        cells = tr.find_all(["td", "th"], recursive=False)
        if len(cells) < 2 or tr.find("table"):
            continue
        for lab, val in zip(cells[::2], cells[1::2], strict=False):
            take(lab.get_text(" "), val.get_text(" "), tr)
    for dt_ in soup.find_all("dt"):
        dd = dt_.find_next_sibling("dd")
        if dd:
            take(dt_.get_text(" "), dd.get_text(" "), dt_.parent)
    for el in soup.find_all(["li", "p", "span", "div", "td"]):
        if el.find(["li", "p", "div", "table"]):
            continue
        text = clean_space(el.get_text(" "))
        if not text or len(text) > 240:
            continue
        marks = list(_INLINE_LABEL_RE.finditer(text))
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
        if (
            en_marks and en_marks[0].start() == 0
        ):  # "Issuing Agency: … Document No.: … Published: …"
            for i, m in enumerate(en_marks):
                end = en_marks[i + 1].start() if i + 1 < len(en_marks) else len(text)
                take(m.group(1), text[m.end() : end].strip(" |｜"), el)
    return found, elements


def channel(soup: BeautifulSoup) -> str | None:
    """The kind of page its channel names (…_政策解读_…, 首页 > 办事指南), read before chrome
    is removed."""
    texts = [text_of(soup.title)] + [
        text_of(el) for sel in P.BREADCRUMB_SELECTORS for el in soup.select(sel)[:2]
    ]
    for text in texts:
        for words, kind in P.CHANNEL_KINDS:
            if words in text:
                return kind
    return None


def title_from_title_tag(soup: BeautifulSoup) -> str | None:
    """The <title> without its site parts: the longest heading-like text of the page that it
    contains, else the <title> with known site and channel suffixes removed."""
    raw = text_of(soup.title)
    if not raw:
        return None
    best = ""
    for el in soup.find_all(["h1", "h2", "h3", "td", "div", "p", "b", "strong", "span"]):
        if el.find(["div", "p", "table", "td"]):
            continue
        t = text_of(el)
        if 6 <= len(t) <= len(raw) and t in raw and len(t) > len(best):
            best = t
    return best if len(best) >= 0.4 * len(raw) else clean_title(raw)
