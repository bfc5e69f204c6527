"""HTML -> PolicyDocument: metadata, clean body text and related links (pure: no I/O)."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from . import patterns as P
from .documents import PolicyDocument
from .fields import (
    clean_agency,
    clean_space,
    clean_title,
    detect_lang,
    find_doc_number,
    normalize_doc_number,
    parse_date,
    parse_status,
    squash,
)

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


class ExtractionError(ValueError):
    """The page holds no document we can use (no title and no text)."""


class NotADocument(ExtractionError):
    """The page is a listing or navigation page: follow its links, store nothing."""


def link_density(el: Tag) -> tuple[float, int]:
    """Share of an element's text that sits inside links, and how many links it has."""
    total = len(clean_space(el.get_text(" ")))
    anchors = el.find_all("a")
    linked = sum(len(clean_space(a.get_text(" "))) for a in anchors)
    return (linked / total if total else 1.0), len(anchors)


def normalize(html: str, url: str) -> PolicyDocument:
    """Extract one policy document from a page's HTML."""
    return normalize_soup(BeautifulSoup(html, "lxml"), url)


def normalize_soup(soup: BeautifulSoup, url: str) -> PolicyDocument:
    """normalize() on a page already parsed (the soup is consumed: boilerplate is removed from it)."""
    root = soup.html or soup
    meta = _meta_tags(soup)
    prov: dict[str, str] = {}
    links = _links(soup, url)
    attachments = _attachments(soup, url)
    family = detect_family(soup)
    channel = _channel(soup)
    prov["family"] = family or "generic"
    for sel in (*P.FAMILIES.get(family or "", {}).get("mobile", ()), *P.MOBILE_COPY_SELECTORS):
        for el in soup.select(sel):
            el.decompose()
    labels, label_elements = _label_values(soup)
    title_en = _text_of(soup.select_one(".title-en, [data-title-en]"))
    summary_en = _text_of(soup.select_one(".summary-en, [data-summary-en]"))
    body_el = _body_element(soup, family)
    if body_el is not None and _is_listing(body_el):
        raise NotADocument("a listing page (links, no running text)")
    lines = _body_lines(body_el, label_elements) if body_el else []

    title = _first(
        prov,
        "title",
        [
            ("label", labels.get("title")),
            ("meta:ArticleTitle", meta.get("articletitle")),
            ("meta:og:title", clean_title(meta.get("og:title"))),
            ("h1", _text_of(soup.find("h1"))),
            ("html-title", _title_from_title_tag(soup)),
        ],
    )
    if title:
        lines = _drop_leading(lines, title)
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
    kind = _kind(title, lang, links, doc_number, family, channel)
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
        kind=kind,
        sample=(meta.get("policy-index:sample") == "true"),
        title_en=title_en or None,
        summary_en=summary_en or None,
        links=links,
        attachments=attachments,
        provenance=prov,
    )


def _is_listing(el: Tag) -> bool:
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


def _first(prov: dict, name: str, candidates: list[tuple[str, str | None]]) -> str | None:
    for where, value in candidates:
        if value:
            prov[name] = where
            return value
    return None


def _text_of(el: Tag | None) -> str:
    return clean_space(el.get_text(" ")) if el else ""


def _meta_tags(soup: BeautifulSoup) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in soup.find_all("meta"):
        key = (m.get("name") or m.get("property") or "").strip().lower()
        if key and m.get("content") and key not in out:
            out[key] = clean_space(m["content"])
    return out


def _links(soup: BeautifulSoup, base: str) -> list[dict]:
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


def _join(base: str, href: str) -> str | None:
    """An absolute URL without its fragment, or None for an href no URL parser accepts."""
    try:
        target = urljoin(base, href).split("#")[0]
        urlsplit(target).port  # noqa: B018  (raises on a malformed host or port)
    except ValueError:
        return None
    return target


def _attachments(soup: BeautifulSoup, base: str) -> list[dict]:
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


def _label_values(soup: BeautifulSoup) -> tuple[dict[str, str], list[Tag]]:
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


def _channel(soup: BeautifulSoup) -> str | None:
    """The kind of page its channel names (…_政策解读_…, 首页 > 办事指南), read before chrome is removed."""
    texts = [_text_of(soup.title)] + [
        _text_of(el) for sel in P.BREADCRUMB_SELECTORS for el in soup.select(sel)[:2]
    ]
    for text in texts:
        for words, kind in P.CHANNEL_KINDS:
            if words in text:
                return kind
    return None


def detect_family(soup: BeautifulSoup) -> str | None:
    """The known page family this page belongs to, or None."""
    for name, fam in P.FAMILIES.items():
        if any(soup.select_one(sel) for sel in fam["detect"]):
            return name
    return None


def _body_element(soup: BeautifulSoup, family: str | None = None) -> Tag | None:
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


def _body_lines(body: Tag, label_elements: list[Tag]) -> list[str]:
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


def _drop_leading(lines: list[str], title: str) -> list[str]:
    t = squash(title)
    return [ln for i, ln in enumerate(lines) if not (i < 3 and squash(ln) == t)]


_DATE_LINE_RE = re.compile(r"^[\d〇○零一二三四五六七八九十年月日/.\- ]{6,20}$")


def _title_from_title_tag(soup: BeautifulSoup) -> str | None:
    """The <title> without its site parts: the longest heading-like text of the page that it
    contains, else the <title> with known site and channel suffixes removed."""
    raw = _text_of(soup.title)
    if not raw:
        return None
    best = ""
    for el in soup.find_all(["h1", "h2", "h3", "td", "div", "p", "b", "strong", "span"]):
        if el.find(["div", "p", "table", "td"]):
            continue
        t = _text_of(el)
        if 6 <= len(t) <= len(raw) and t in raw and len(t) > len(best):
            best = t
    return best if len(best) >= 0.4 * len(raw) else clean_title(raw)


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
