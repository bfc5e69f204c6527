"""A page -> PolicyDocument: each field from the first of its sources that holds it, in an order
that follows how sites print them, and which source won kept as provenance (pure: no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import patterns as P
from .body import body_element, body_lines, detect_family, drop_leading, listing_evidence
from .fields import (
    clean_agency,
    clean_title,
    detect_lang,
    find_doc_number,
    is_government_body,
    is_media,
    join_agencies,
    normalize_doc_number,
    parse_date,
    parse_status,
    parse_validity,
    split_bilingual_title,
)
from .guide import guide_fields, looks_like_guide
from .guide_markup import Markup, markup
from .model import PolicyDocument
from .page import Page, drop, text_of
from .page_meta import (
    attachments,
    byline,
    channel,
    heading_in_title,
    headline,
    label_values,
    meta_tags,
    number_line_before,
    related_links,
)
from .text import has_cjk


class ExtractionError(ValueError):
    """The page holds no document we can use (no title and no text)."""


class NotADocument(ExtractionError):
    """The page is a listing or navigation page: follow its links, store nothing."""


def normalize(html: str, url: str) -> PolicyDocument:
    """Extract one policy document from a page's HTML."""
    return normalize_page(Page(html), url)


def normalize_page(page: Page, url: str) -> PolicyDocument:
    """normalize() on a page already parsed (the page is consumed: boilerplate is removed)."""
    meta = meta_tags(page)
    prov: dict[str, str] = {}
    links = related_links(page, url)
    files = attachments(page, url)
    family = detect_family(page)
    page_channel = channel(page)
    prov["family"] = family or "generic"
    copies = page.present((*P.FAMILIES.get(family or "", {}).get("mobile", ()),
                           *P.MOBILE_COPY_SELECTORS))  # fmt: skip
    for el in page.select(copies) if copies else ():
        drop(el)
    labels, label_elements = label_values(page)
    title_en = text_of(page.select_one(".title-en, [data-title-en]"))
    summary_en = text_of(page.select_one(".summary-en, [data-summary-en]"))
    h1 = text_of(page.root.find(".//h1"))

    translated = bool(P.TRANSLATION_MARKERS_RE.search(page.body_text()))
    body_el = body_element(page, family)
    header_number = number_line_before(page, body_el)
    by_date, by_source, newsy = byline(page, body_el)
    verdict = listing_evidence(page, body_el if body_el is not None else page.body, labels, files)
    if verdict:
        raise NotADocument(verdict)
    guide = markup(page, body_el)  # read from its tables, tabs and lists before they are lines
    lines = body_lines(page, body_el, label_elements) if body_el is not None else []
    title = _first(prov, "title", [
        ("label", labels.get("title")),
        ("meta:ArticleTitle", meta.get("articletitle")),
        ("meta:og:title", clean_title(meta.get("og:title"))),
        ("h1", h1),
    ]) or _title_from_page(page, prov)  # fmt: skip
    if title:
        title, english = split_bilingual_title(title)
        title_en = title_en or english or ""
        lines = drop_leading(lines, title)
    facts = _PageFacts(meta, labels, by_date, by_source, newsy, header_number, translated,
                       guide)  # fmt: skip
    return _assemble(url, page, facts, title, lines, links, files, family, page_channel, prov,
                     title_en, summary_en)  # fmt: skip


def normalize_lines(lines: list[str], url: str, lang_hint: str | None = None) -> PolicyDocument:
    """A document whose only form is its text (a PDF notice): the title is its opening line(s),
    the other fields come from the text as from a page body."""
    prov: dict[str, str] = {"family": "text"}
    head = [ln for ln in lines[:8] if not normalize_doc_number(ln) and not parse_date(ln)]
    # the issuer's red header (江苏省人力资源和社会保障厅文件) stands above the title
    head = [
        ln for i, ln in enumerate(head) if not (i == 0 and ln.endswith("文件") and len(ln) <= 30)
    ]
    title = _title_lines(head)
    if title:
        prov["title"] = "text-first-lines"
        lines = _drop_title_lines(lines, title)
    page = Page("<html><body></body></html>")
    return _assemble(url, page, _PageFacts(), title, lines, [], [], None, None, prov, "", "",
                     lang_hint)  # fmt: skip


@dataclass
class _PageFacts:
    """What the page said around its body, read before the body was taken apart."""

    meta: dict = field(default_factory=dict)
    labels: dict = field(default_factory=dict)
    by_date: str | None = None
    by_source: str | None = None
    newsy: bool = False
    header_number: str | None = None
    translated: bool = False
    guide: Markup = field(default_factory=Markup)


def _assemble(url, page, facts: _PageFacts, title, lines, links, files, family, page_channel,
              prov, title_en, summary_en, lang_hint=None) -> PolicyDocument:  # fmt: skip
    meta, labels = facts.meta, facts.labels
    by_date, by_source = facts.by_date, facts.by_source
    doc_number = _first(prov, "doc_number", [
        ("label", normalize_doc_number(labels.get("doc_number"))),
        ("header-line", facts.header_number),
        ("body-first-lines", _number_line(lines[:6])),
    ])  # fmt: skip
    if doc_number:  # the number printed as a line of its own near the top is not body text
        lines = [ln for i, ln in enumerate(lines) if not _is_number_line(i, ln, doc_number)]
    sig_agency, sig_date = _signature(lines)
    source = clean_agency(labels.get("source"))
    joint = clean_agency(labels.get("agency_joint"))
    agency = _first(prov, "agency", [
        ("label", _join_agencies(clean_agency(labels.get("agency")), joint)),
        ("signature", sig_agency),
        ("meta:ContentSource", _gov(clean_agency(meta.get("contentsource")))),
        ("label:source", _gov(source)),
        ("byline", _gov(clean_agency(by_source))),
    ])  # fmt: skip
    publish_date = _first(prov, "publish_date", [
        ("label", parse_date(labels.get("publish_date"))),
        ("meta:PubDate", parse_date(next((meta[k] for k in P.META_DATE_KEYS if meta.get(k)),
                                         None))),
        ("byline", by_date),
        ("url", url_date(url)),
        ("signature", sig_date if not labels.get("written_date") else None),
    ])  # fmt: skip
    written_date = _first(prov, "written_date", [
        ("label", parse_date(labels.get("written_date"))),
        ("signature", sig_date),
    ])  # fmt: skip
    text = "\n".join(lines)
    if not title and not text:
        if links or page.root.find(".//a") is not None:
            raise NotADocument("a page of links with no text of its own")
        raise ExtractionError("no title and no body text found")
    if not title:
        title, prov["title"] = lines[0][:80], "body-first-line"
    lang = detect_lang(title + "\n" + text, lang_hint or page.lang)
    status = _status(labels.get("status"), text, links, prov)
    is_guide = not doc_number and looks_like_guide(lines)
    signed = bool(sig_agency)  # an official document signs; an article about one does not
    kind = _kind(title, lang, links, doc_number, family, page_channel, lines, is_guide,
                 facts.newsy and not signed, is_media(facts.by_source or ""), facts.translated,
                 signed,
                 prov.get("agency") == "label")  # fmt: skip
    valid_until = parse_validity(text, written_date, publish_date)
    if valid_until:
        prov["valid_until"] = "text"
    return PolicyDocument(
        url=url, title=title, text=text, doc_number=doc_number, agency=agency,
        publish_date=publish_date, written_date=written_date, lang=lang, status=status,
        valid_until=valid_until, kind=kind, sample=(meta.get("policy-index:sample") == "true"),
        title_en=title_en or None, summary_en=summary_en or None, links=links,
        attachments=files, provenance=prov,
        guide=_guide(kind, lines, facts),
    )  # fmt: skip


def _title_from_page(page: Page, prov: dict) -> str | None:
    """A headline that is no h1: the one its <title> contains, else the page's title element,
    else its <title> without the site's name. The <title> that only names the site (its header
    prints the same words) gives way to the page's own headline."""
    in_title, other = heading_in_title(page), headline(page)
    if in_title and in_title == page.title_tag() and other and other != in_title:
        in_title = None
    return _first(prov, "title", [
        ("html-title", in_title),
        ("headline", other),
        ("html-title", clean_title(page.title_tag())),
    ])  # fmt: skip


def _guide(kind: str, lines: list[str], facts: _PageFacts) -> dict | None:
    if kind != "guide":
        return None
    return guide_fields(lines, facts.guide) or None


def _first(prov: dict, name: str, candidates: list[tuple[str, str | None]]) -> str | None:
    for where, value in candidates:
        if value:
            prov[name] = where
            return value
    return None


def _gov(name: str | None) -> str | None:
    """A source that is a government body speaks for the document; a newspaper does not."""
    return name if is_government_body(name) else None


def _join_agencies(main: str | None, joint: str | None) -> str | None:
    if not joint:
        return main
    return join_agencies(re.split(r"、|, ", f"{main or ''}、{joint}"))


def _is_number_line(i: int, line: str, number: str) -> bool:
    return i < 6 and len(line) < 40 and "号" in line and normalize_doc_number(line) == number


def _number_line(lines: list[str]) -> str | None:
    """A 发文字号 printed on a line of its own near the top (one inside a sentence cites another
    document)."""
    for line in lines:
        if "号" not in line:
            continue
        number = find_doc_number(line)
        if number and len(line) <= len(number) + 12:
            return number
    return None


# A notice opens by addressing those it is sent to: 各区人民政府，市政府各委、办、局：
_SALUTATION = re.compile(r"^[^。]{2,80}[：:]$")
_DATE_LINE_RE = re.compile(r"^[\d〇○零一二三四五六七八九十年月日/.\- ]{6,20}$")


def _is_date_line(line: str) -> bool:
    if len(line) > 25:
        return False  # a date line is short; most lines are not
    return bool(
        _DATE_LINE_RE.match(line) or (len(line) <= 25 and P.EN_DATE_RE.fullmatch(line.strip(" .,")))
    )


def _agency_line(line: str) -> bool:
    if len(line) > 80 or line.endswith(("。", ".", "；", ";")):
        return False
    if len(line) <= 40 and line.endswith(P.AGENCY_SUFFIXES):
        return True
    return line.isascii() and any(w in line for w in P.EN_AGENCY_WORDS)


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """Agency and date of the first signature block: agency line(s) then a line holding only a
    date. The first: a notice that issues an attached measure signs before the attachment."""
    for i, line in enumerate(lines):
        if i == 0 or not _is_date_line(line):
            continue
        date = parse_date(line)
        names = []
        for ln in reversed(lines[max(0, i - 3) : i]):
            if _agency_line(ln):
                names.insert(0, ln)
            else:
                break
        if date and names:
            joined = "、".join(names) if all(n.isascii() for n in names) else " ".join(names)
            return clean_agency(joined), date
    for line in reversed(lines[-3:]):  # a closing date without a name
        if _is_date_line(line) and parse_date(line):
            return None, parse_date(line)
    return None, None


def url_date(url: str) -> str | None:
    path = urlsplit(url).path
    for rx in P.URL_DATE_RES:
        m = rx.search(path)
        if m:
            date = parse_date(f"{m.group('y')}-{m.group('m')}-{m.group('d')}")
            if date:
                return date
    return None


def _title_lines(head: list[str]) -> str | None:
    """A title printed over one or two lines at the top of a text."""
    if not head:
        return None
    title = head[0]
    if len(head) > 1 and _continues(title, head[1]):
        title += head[1]
    return title[:150] if not re.search(r"[。；]$", title) else None


def _continues(first: str, second: str) -> bool:
    """The second line finishes a title the first began (…关于进一步做好 / 留学回国人员…的通知)."""
    joined = first + second
    if re.search(r"[。；，,]", joined) or len(joined) > 80:
        return False
    return not first.endswith(P.DOC_TYPE_ENDINGS) and second.endswith(P.DOC_TYPE_ENDINGS)


def _drop_title_lines(lines: list[str], title: str) -> list[str]:
    out, rest = [], title
    for i, ln in enumerate(lines):
        if rest and i < 3 and rest.startswith(ln):
            rest = rest[len(ln) :]
            continue
        out.append(ln)
    return out


_STEP = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]{1,3}步|step\s*\d+)", re.I)


def _steps(lines: list[str]) -> int:
    return sum(1 for ln in lines if _STEP.match(ln))


def _status(label: str | None, text: str, links: list[dict], prov: dict) -> str:
    s = parse_status(label)
    if s:
        prov["status"] = "label"
        return s
    ends = (text[:600] + "\n" + text[-600:]).lower()
    if any(w in ends for w in P.EXPIRED_NOTICE_WORDS) and (
        P.EXPIRED_NOTICE_RE.search(text[:600]) or P.EXPIRED_NOTICE_RE.search(text[-600:])
    ):
        prov["status"] = "notice"
        return "expired"
    if any(lk["rel"] == "replaced_by" for lk in links):
        prov["status"] = "replaced-link"
        return "expired"
    return "unknown"


def _kind(title: str, lang: str, links: list[dict], doc_number: str | None, family: str | None,
          channel: str | None, lines: list[str], is_guide: bool, has_byline: bool, by_press: bool,
          translated: bool = False, signed: bool = False,
          issued: bool = False) -> str:  # fmt: skip
    """policy | interpretation | guide | translation, from the title, the page's shape and how it
    links out."""
    t = title.lower()
    text = "\n".join(lines)
    if any(lk["rel"] == "original" for lk in links):
        return "translation"
    if lang == "en" and (translated or P.TRANSLATION_MARKERS_RE.search(text)):
        return "translation"
    if lang == "en" and doc_number and has_cjk(doc_number):
        return "translation"  # an English page carrying a Chinese document's number
    if any(w in title for w in P.INTERPRETATION_TITLE_WORDS) or "interpretation" in t:
        return "interpretation"
    official = doc_number or signed or (lines and _SALUTATION.match(lines[0]))
    # (a news template printing a 公示 or a 通知 is a government site's, not a newspaper's)
    titled = title.endswith(P.NOTICE_ENDINGS)
    if "指南" in title or "guide" in t or "how to" in t:
        return "guide"
    if is_guide and not (official and titled):
        return "guide"  # (a signed 通知 with 申报对象 and 申报材料 sections is still a notice)
    press = by_press or "记者" in text[:400] or (family == "news" and not titled)
    if press and not official:
        return "interpretation"  # a reporter's article about policy (its 办理流程 too)
    if not doc_number and (any(w in title for w in P.GUIDE_TITLE_WORDS) or _steps(lines) >= 3):
        return "guide"  # an account of how to do something, step by step
    if not doc_number and sum(1 for ln in lines if P.QA_LINE_RE.match(ln)) >= 4:
        return "interpretation"  # questions and answers about a policy
    if not doc_number and any(lk["rel"] == "policy" for lk in links):
        return "interpretation" if lang == "zh" else "guide"
    if has_byline and not official and not is_guide and not titled:
        return "interpretation"  # an info bar of a news item (a time of day): an article
    if family == "service-guide":
        return "guide"
    if channel and not doc_number:
        return channel
    if lang == "en" and not doc_number and not signed and not issued:
        return "interpretation"  # an English explainer or news item about a policy
    return "policy"
