"""A service guide's (办事指南) structured fields, read from its lines and its tables: who may
apply, the conditions, the materials to bring, the steps, where, when, how long, the phone and
the fee.

Guides print these as labelled rows (办理对象 | …), as numbered sections (四、申请材料), as label
lines (办理地点：…) or, for the materials, as a table with a name column; in Chinese or English.
Each becomes a key of the guide's dict: lists for the conditions, materials and steps (numbering
stripped), text for the rest."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from . import patterns as P
from .page import lines_of, text_of
from .text import squash

LIST_KEYS = ("conditions", "materials", "steps")
# A section number before a label or an item: 一、 （一） 1. 1、 ① 第一步 Step 1: …
_NUMBER = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十]{1,3}[)）、．.]|[（(]?\d{1,2}[)）、．.](?!\d)|\d{1,2}\s+(?=\D)|"
    r"[①-⑳]|第[一二三四五六七八九十\d]{1,3}(?:步|部分|项|条)[:：、]?|step\s*\d+[:.]?)\s*",
    re.I,
)
_LABELS = sorted(P.GUIDE_LABELS, key=len, reverse=True)
# A label heads a section or a row when a colon, a space or the line's end follows it ("申请材料为
# 外文的，应当…" is a sentence about the materials, not their list).
_ZH_LABEL = re.compile(
    "^(" + "|".join(re.escape(k) for k in _LABELS if not k.isascii()) + r")(?:\s*[:：]\s*|\s+|$)"
)
# An English label is followed by a colon, the line's end, or (a table row: "Fees Free of charge")
# a value that opens with a capital letter, a digit or a plus sign.
_EN_LABEL = re.compile(
    r"^(" + "|".join(re.escape(k) for k in _LABELS if k.isascii()) + r")"
    r"(?:\s*[:：?]\s*|\s*$|\s+(?=(?-i:[A-Z0-9+])))",
    re.I,
)
_OTHER = re.compile(
    "^(" + "|".join(re.escape(k) for k in P.GUIDE_OTHER_SECTIONS) + r")\s*[:：]?", re.I
)
_NAME_COLUMN = re.compile(r"^(材料名称|名称|材料|Document|Material|Item)s?$", re.I)
MAX_ITEMS = 40
MAX_VALUE = 400


def _label(line: str) -> tuple[str | None, str]:
    """(guide key, the rest of the line) when the line opens with a guide label."""
    text = _NUMBER.sub("", line, count=1)
    m = _ZH_LABEL.match(text) or _EN_LABEL.match(text)
    if not m:
        return None, line
    label = m.group(1)
    return P.GUIDE_LABELS[label if not label.isascii() else label.lower()], text[m.end() :].strip()


def _item(line: str) -> str:
    return _NUMBER.sub("", line, count=1).strip(" ；;。")


def material_names(body: HtmlElement | None) -> list[str]:
    """The names in a materials table: the column headed 材料名称 (or Document), one a row."""
    if body is None:
        return []
    for table in body.iter("table"):
        rows = [[text_of(c) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")]
        for i, row in enumerate(rows):
            col = next((j for j, cell in enumerate(row) if _NAME_COLUMN.match(squash(cell))), None)
            if col is None or len(row) < 2:
                continue
            names = [r[col] for r in rows[i + 1 :] if len(r) > col and r[col]]
            if names:
                return names[:MAX_ITEMS]
    return []


_INNER_LABEL = re.compile(
    r"\s(?=(?:"
    + "|".join(re.escape(k) for k in _LABELS if not k.isascii())
    + "|"
    + "|".join(re.escape(k) for k in P.GUIDE_OTHER_SECTIONS if not k.isascii())
    + r")(?:\s*[:：]|\s))"
)


def _segments(lines: list[str]) -> list[str]:
    """Lines split where a row holds two label-value pairs (办理时限 10个工作日 收费标准 不收费)."""
    out = []
    for line in lines:
        out.extend(s for s in _INNER_LABEL.split(line) if s.strip())
    return out


def tab_sections(body: HtmlElement | None) -> dict[str, list[str]]:
    """A tabbed guide's panels by the guide key of their tab (申请材料 -> materials): a panel's
    content has no heading of its own, its tab names it."""
    if body is None:
        return {}
    out: dict[str, list[str]] = {}
    for nav in body.iter("ul", "ol", "div"):
        tabs = [c for c in nav if c.tag in ("li", "a", "span", "button")]
        names = [squash(text_of(t)) for t in tabs]
        if len(tabs) < 2 or not all(0 < len(n) <= 10 for n in names):
            continue
        if sum(1 for n in names if n in P.GUIDE_LABELS or n in P.GUIDE_TAB_WORDS) < 2:
            continue
        panels = _panels_for(nav, tabs)
        for name, panel in zip(names, panels, strict=False):
            key = P.GUIDE_LABELS.get(name)
            if key and panel is not None and key not in out:
                out[key] = lines_of(panel)
        if out:
            return out
    return out


def _panels_for(nav: HtmlElement, tabs: list[HtmlElement]) -> list[HtmlElement | None]:
    """The panel of each tab: by the id a tab names (data-tab, href="#…", aria-controls), else the
    panels that follow the tab bar, in order."""
    root = nav.getroottree()
    by_id = []
    for t in tabs:
        target = (t.get("data-tab") or t.get("aria-controls") or t.get("data-target") or
                  (t.get("href") or "").lstrip("#") or "").lstrip("#")  # fmt: skip
        found = root.xpath("//*[@id=$i]", i=target) if target else []
        by_id.append(found[0] if found else None)
    if sum(p is not None for p in by_id) >= 2:
        return by_id
    container = nav.getparent()
    following = (
        [c for c in container if c is not nav and c.tag == "div"] if container is not None else []
    )
    return following if len(following) >= len(tabs) - 1 else [None] * len(tabs)


def guide_fields(lines: list[str], materials: list[str] | None = None,
                 tabs: dict[str, list[str]] | None = None) -> dict:  # fmt: skip
    """The guide fields found in lines (and a materials table's names, a tabbed guide's panels);
    {} when there are none."""
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in _segments(lines):
        key, rest = _label(line)
        if key is None and _OTHER.match(_NUMBER.sub("", line, count=1)):
            current = None  # another section of the guide (事项编码, 设定依据 …) begins
            continue
        if key is not None:
            current = key
            sections.setdefault(key, [])
            if rest:
                sections[key].append(rest)
            continue
        if current is not None:
            sections[current].append(line)
    out: dict = {}
    for key, body in sections.items():
        body = [b for b in body if squash(b)]
        if not body:
            continue
        if key in LIST_KEYS:
            items = [_item(b) for b in body]
            out[key] = [i for i in items if i][:MAX_ITEMS]
        else:
            out[key] = " ".join(body)[:MAX_VALUE]
    for key, panel in (tabs or {}).items():
        if key in LIST_KEYS:
            out[key] = [i for i in (_item(b) for b in panel) if i][:MAX_ITEMS]
        elif panel:
            out[key] = " ".join(panel)[:MAX_VALUE]
    if materials:
        out["materials"] = materials
    return out


def looks_like_guide(lines: list[str]) -> bool:
    """Three or more distinct guide sections: a page that tells how to do something."""
    return len({k for k in (_label(line)[0] for line in lines) if k}) >= 3
