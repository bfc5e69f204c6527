"""Answer sheets for service-station staff: chosen policies ->
short bilingual summaries with citations.

Pure (no Flask): the pages give it documents and a way to look a linked document up by URL, and
render the entries as HTML or as the plain text that staff paste into a message. The plain text is
always bilingual, whatever the interface language, because it is handed to the person asking."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from indexer.model import PolicyDocument

MAX_IDS = 20
SUMMARY_CHARS = 160
ID_RX = re.compile(r"^[0-9a-f]{16}$")

# Lines that open a document without saying what it does: salutations (各省、自治区……：),
# section headings (一、出台背景), form labels (事项名称), the expiry notice printed above the text.
_SKIP_LINE = re.compile(
    r"(^.{0,40}[:：]$)|(^本文件已(废止|失效))"
    r"|(^This (document|policy) (has been|was) (repealed|replaced))",
    re.I,
)
_HAS_SENTENCE = re.compile(r"[。！？；，]|[.!?;,](\s|$)")
_ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇]+条\s*")  # 第一条 opens the first article
_SENTENCE_END = re.compile(r"(?<=[。！？；])|(?<=[.!?;])\s")

STATUS_TEXT = {
    "in_force": ("现行有效", "In force"),
    "expired": ("已失效", "Expired"),
    "unknown": ("未标注", "Status not stated"),
}


class SheetError(ValueError):
    """The ids asked for cannot make a sheet (none given, or too many); the message says why."""


@dataclass
class SheetEntry:
    id: str
    lang: str
    kind: str
    title: str
    title_zh: str | None
    title_en: str | None
    summary_zh: str | None
    summary_en: str | None
    doc_number: str | None
    agency: str | None
    publish_date: str | None
    status: str
    replaced_by: str | None  # title of the document that replaced it
    url: str
    sample: bool


def check_ids(ids: list[str], limit: int = MAX_IDS) -> list[str]:
    """The distinct ids in the order given; SheetError when there are none or more than limit."""
    seen: list[str] = []
    for raw in ids:
        i = raw.strip()
        if i and i not in seen:
            seen.append(i)
    if not seen:
        raise SheetError("no policy chosen")
    if len(seen) > limit:
        raise SheetError(f"too many policies ({len(seen)}); an answer sheet holds at most {limit}")
    return seen


def lead(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The opening sentences of a document's text, at most about limit characters,
    cut at a sentence end."""
    out = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if not _HAS_SENTENCE.search(line) or _SKIP_LINE.search(line):
            continue  # a heading, a form label or an opening line that says nothing
        line = _ARTICLE.sub("", line)
        for sentence in (s.strip() for s in _SENTENCE_END.split(line)):
            if not sentence:
                continue
            joiner = " " if out and sentence.isascii() else ""
            if out and len(out) + len(joiner) + len(sentence) > limit:
                return out
            out += joiner + sentence
            if len(out) >= limit:
                return _cut(out, limit)
    return _cut(out, limit)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit + 20 else text[:limit].rstrip() + "…"


def _linked(
    doc: PolicyDocument, rel: str, lookup: Callable[[str], PolicyDocument | None]
) -> tuple[str | None, PolicyDocument | None]:
    """(title, document) of the first related document of kind rel: the document when the corpus
    holds it, else the link's own words; (None, None) when there is no such link."""
    entry = doc.related_of(rel)
    if entry is None:
        return None, None
    target = lookup(entry["id"]) if entry.get("id") else None
    return (target.title if target else entry.get("title")), target


def entry(doc: PolicyDocument, lookup: Callable[[str], PolicyDocument | None]) -> SheetEntry:
    """One document as a sheet entry: its Chinese and English title and summary, from the document
    itself or from its translation / Chinese original when the corpus links one (lookup finds a
    document by its id)."""
    if doc.lang == "en":
        title_zh, original = _linked(doc, "original", lookup)
        summary_zh = lead(original.text) if original else None
        title_en, summary_en = doc.title, doc.summary_en or lead(doc.text)
    else:
        trans_title, translation = _linked(doc, "translation", lookup)
        title_zh, summary_zh = doc.title, lead(doc.text)
        title_en = doc.title_en or (trans_title if translation else None)
        summary_en = doc.summary_en or (lead(translation.text) if translation else None)
    replaced_by = _linked(doc, "replaced_by", lookup)[0] if doc.status == "expired" else None
    return SheetEntry(
        id=doc.id,
        lang=doc.lang,
        kind=doc.kind,
        title=doc.title,
        title_zh=title_zh or None,
        title_en=title_en or None,
        summary_zh=summary_zh or None,
        summary_en=summary_en or None,
        doc_number=doc.doc_number,
        agency=doc.agency,
        publish_date=doc.publish_date,
        status=doc.status,
        replaced_by=replaced_by,
        url=doc.url,
        sample=doc.sample,
    )


def plain_text(
    entries: list[SheetEntry], page_url: Callable[[str], str], date: str, missing: list[str] = ()
) -> str:
    """The sheet as bilingual plain text, for pasting into a message or an e-mail."""
    lines = [
        "政策答复单 / Policy answer sheet",
        f"{date} · {len(entries)} 件 / {len(entries)} "
        + ("policy" if len(entries) == 1 else "policies"),
        "",
    ]
    for n, e in enumerate(entries, 1):
        lines.append(f"{n}. {e.title_zh or e.title}")
        if e.title_en and e.title_en != (e.title_zh or e.title):
            lines.append(f"   {e.title_en}")
        if e.sample:
            lines.append(
                "   【样例 Sample】本文件为演示用样例，并非官方发布文件。 "
                "Written for this demo; not an official release."
            )
        lines.append(f"   发文字号 Document No.: {e.doc_number or '—'}")
        lines.append(f"   发文机关 Issuing agency: {e.agency or '—'}")
        lines.append(f"   发布日期 Date published: {e.publish_date or '—'}")
        zh, en = STATUS_TEXT.get(e.status, STATUS_TEXT["unknown"])
        status = f"{zh} {en}"
        if e.replaced_by:
            status += f"（已被替代 Replaced by: {e.replaced_by}）"
        lines.append(f"   有效性 Status: {status}")
        lines.append(f"   摘要: {e.summary_zh or '暂无中文摘要。'}")
        lines.append(
            f"   Summary: {e.summary_en or 'An English summary is not available for this policy.'}"
        )
        lines.append(f"   原文 Source: {e.url}")
        lines.append(f"   本平台 On this site: {page_url(e.id)}")
        lines.append("")
    if missing:
        lines.append("未找到的编号 / Not found: " + ", ".join(missing))
        lines.append("")
    lines.append(
        "以上政策以发文机关公布的正式文本为准。咨询请拨打 12345 市民服务热线（提供外语服务）。"
    )
    lines.append(
        "The official text published by the issuing agency prevails. "
        "For help call the 12345 citizen hotline (foreign-language service available)."
    )
    return "\n".join(lines) + "\n"
