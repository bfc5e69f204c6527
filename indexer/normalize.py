"""HTML -> PolicyDocument: metadata, clean body text and related links (pure: no I/O)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from . import patterns as P
from .body import (
    body_element,
    body_lines,
    detect_family,
    drop_leading,
    is_listing,
)
from .fields import (
    clean_agency,
    clean_title,
    detect_lang,
    find_doc_number,
    normalize_doc_number,
    parse_date,
    parse_status,
    parse_validity,
)
from .model import PolicyDocument
from .page_meta import (
    attachments,
    channel,
    label_values,
    meta_tags,
    related_links,
    text_of,
    title_from_title_tag,
)


class ExtractionError(ValueError):
    """The page holds no document we can use (no title and no text)."""


class NotADocument(ExtractionError):
    """The page is a listing or navigation page: follow its links, store nothing."""


def normalize(html: str, url: str) -> PolicyDocument:
    """Extract one policy document from a page's HTML."""
    return normalize_soup(BeautifulSoup(html, "lxml"), url)


def normalize_soup(soup: BeautifulSoup, url: str) -> PolicyDocument:
    """normalize() on a page already parsed (the soup is consumed: boilerplate is removed
    from it)."""
    root = soup.html or soup
    meta = meta_tags(soup)
    prov: dict[str, str] = {}
    links = related_links(soup, url)
    files = attachments(soup, url)
    family = detect_family(soup)
    page_channel = channel(soup)
    prov["family"] = family or "generic"
    for sel in (*P.FAMILIES.get(family or "", {}).get("mobile", ()), *P.MOBILE_COPY_SELECTORS):
        for el in soup.select(sel):
            el.decompose()
    labels, label_elements = label_values(soup)
    title_en = text_of(soup.select_one(".title-en, [data-title-en]"))
    summary_en = text_of(soup.select_one(".summary-en, [data-summary-en]"))
    body_el = body_element(soup, family)
    if body_el is not None and is_listing(body_el):
        raise NotADocument("a listing page (links, no running text)")
    lines = body_lines(body_el, label_elements) if body_el else []

    title = _first(
        prov,
        "title",
        [
            ("label", labels.get("title")),
            ("meta:ArticleTitle", meta.get("articletitle")),
            ("meta:og:title", clean_title(meta.get("og:title"))),
            ("h1", text_of(soup.find("h1"))),
            ("html-title", title_from_title_tag(soup)),
        ],
    )
    if title:
        lines = drop_leading(lines, title)
    head = "\n".join(lines[:6])
    doc_number = _first(
        prov,
        "doc_number",
        [
            ("label", normalize_doc_number(labels.get("doc_number"))),
            ("body-first-lines", find_doc_number(head)),
        ],
    )
    if doc_number:
        lines = [
            ln
            for i, ln in enumerate(lines)
            if not (i < 6 and normalize_doc_number(ln) == doc_number and len(ln) < 40)
        ]
    sig_agency, sig_date = _signature(lines)
    agency = _first(
        prov,
        "agency",
        [
            ("label", clean_agency(labels.get("agency"))),
            ("meta:ContentSource", clean_agency(meta.get("contentsource"))),
            ("label:source", clean_agency(labels.get("source"))),
            ("signature", sig_agency),
        ],
    )
    publish_date = _first(
        prov,
        "publish_date",
        [
            ("label", parse_date(labels.get("publish_date"))),
            ("meta:PubDate", parse_date(meta.get("pubdate") or meta.get("article:published_time"))),
            ("url", _url_date(url)),
            ("signature", sig_date if not labels.get("written_date") else None),
        ],
    )
    written_date = _first(
        prov,
        "written_date",
        [
            ("label", parse_date(labels.get("written_date"))),
            ("signature", sig_date),
        ],
    )
    text = "\n".join(lines)
    if not title and not text:
        raise ExtractionError("no title and no body text found")
    if not title:
        title, prov["title"] = lines[0][:80], "body-first-line"
    html_lang = root.get("lang") if isinstance(root, Tag) else None
    lang = detect_lang(title + "\n" + text, html_lang)
    status = _status(labels.get("status"), text, links, prov)
    kind = _kind(title, lang, links, doc_number, family, page_channel)
    valid_until = parse_validity(text, written_date, publish_date)
    if valid_until:
        prov["valid_until"] = "text"
    return PolicyDocument(
        url=url,
        title=title,
        text=text,
        doc_number=doc_number,
        agency=agency,
        publish_date=publish_date,
        written_date=written_date,
        lang=lang,
        status=status,
        valid_until=valid_until,
        kind=kind,
        sample=(meta.get("policy-index:sample") == "true"),
        title_en=title_en or None,
        summary_en=summary_en or None,
        links=links,
        attachments=files,
        provenance=prov,
    )


def _first(prov: dict, name: str, candidates: list[tuple[str, str | None]]) -> str | None:
    for where, value in candidates:
        if value:
            prov[name] = where
            return value
    return None


_DATE_LINE_RE = re.compile(r"^[\d〇○零一二三四五六七八九十年月日/.\- ]{6,20}$")


def _is_date_line(line: str) -> bool:
    return bool(
        _DATE_LINE_RE.match(line) or (len(line) <= 25 and P.EN_DATE_RE.fullmatch(line.strip(" .,")))
    )


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """Agency and date of the first signature block: agency line(s) then a line holding only a date.

    The first, because a notice that issues an attached measure signs before the attachment."""
    for i, line in enumerate(lines):
        if i == 0 or not _is_date_line(line):
            continue
        date = parse_date(line)
        names = []
        for ln in reversed(lines[max(0, i - 3) : i]):
            if len(ln) <= 40 and ln.endswith(P.AGENCY_SUFFIXES) and not ln.endswith("。"):
                names.insert(0, ln)
            else:
                break
        if date and names:
            return clean_agency(" ".join(names)), date
    for line in reversed(lines[-3:]):  # a closing date without a name
        if _is_date_line(line) and parse_date(line):
            return None, parse_date(line)
    return None, None


def _url_date(url: str) -> str | None:
    m = P.URL_DATE_RE.search(urlsplit(url).path)
    return parse_date(f"{m.group('y')}-{m.group('m')}-{m.group('d')}") if m else None


def _status(label: str | None, text: str, links: list[dict], prov: dict) -> str:
    s = parse_status(label)
    if s:
        prov["status"] = "label"
        return s
    if P.EXPIRED_NOTICE_RE.search(text[:600]) or P.EXPIRED_NOTICE_RE.search(text[-600:]):
        prov["status"] = "notice"
        return "expired"
    if any(lk["rel"] == "replaced_by" for lk in links):
        prov["status"] = "replaced-link"
        return "expired"
    return "unknown"


def _kind(
    title: str,
    lang: str,
    links: list[dict],
    doc_number: str | None,
    family: str | None,
    channel: str | None = None,
) -> str:
    """policy | interpretation | guide | translation, from the title and how the page links out."""
    t = title.lower()
    if any(lk["rel"] == "original" for lk in links):
        return "translation"
    if any(w in title for w in ("解读", "答记者问", "问答", "一图读懂")) or "interpretation" in t:
        return "interpretation"
    if "指南" in title or "guide" in t or "how to" in t:
        return "guide"
    if not doc_number and any(lk["rel"] == "policy" for lk in links):
        return "interpretation" if lang == "zh" else "guide"
    if family == "news" and not doc_number and lang == "zh":
        return "interpretation"  # an article about policy, not a policy
    if family == "service-guide":
        return "guide"
    if channel and not doc_number:
        return channel
    return "policy"
