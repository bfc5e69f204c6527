"""What a guide's markup says before its body is flattened into lines: the names in its
materials table, its tab panels (the tab names the panel), label and value elements side by side,
tables whose first row names the columns, the text of its HTML list items, and the values a
summary bar prints above the body."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml.html import HtmlElement

from . import guide_words as W
from . import patterns as P
from .guide_lines import (
    ANY_LABEL,
    LIST_KEYS,
    MAX_ITEMS,
    NAME_COLUMN,
    label_key,
    opening_label,
    segments,
    size,
    value_of,
)  # fmt: skip
from .page import Page, lines_of, text_of
from .text import squash

_LISTS = frozenset(("ul", "ol", "dl", "table", "div", "dd", "td"))


def material_names(body: HtmlElement | None) -> list[str]:
    """The names in a materials table: the column headed 材料名称 (or Document), one a row."""
    if body is None:
        return []
    for table in body.iter("table"):
        rows = _grid(table)
        for i, row in enumerate(rows):
            col = next((j for j, cell in enumerate(row) if NAME_COLUMN.match(squash(cell))), None)
            if col is None or len(row) < 2 or any(len(c) > 12 for c in row):
                continue  # (a row of column headings, not a label beside its value)
            names = [r[col] for r in rows[i + 1 :] if len(r) > col and r[col]]
            if names:
                return names[:MAX_ITEMS]
    return []


def _heading_cell(el: HtmlElement) -> bool:
    """The next column's heading, not a value (窗口地址 | 办公时间 | 办件类型 …)."""
    return el.tag == "th" or squash(text_of(el)) in _NAMES


_NAMES = frozenset((*W.GUIDE_LABELS, *W.GUIDE_OTHER_SECTIONS, *W.GUIDE_TAB_WORDS, *P.FIELD_LABELS))


def _grid(table: HtmlElement) -> list[list[str]]:
    """The table's own rows (not a nested table's) as cell texts, a cell spanning rows or
    columns repeated in each (a 类别 cell merged down its rows keeps the columns in line)."""
    rows: list[list[str]] = []
    carried: dict[int, tuple[str, int]] = {}  # column -> (text, rows below it still covers)
    for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        row: list[str] = []
        cells = [c for c in tr if c.tag in ("td", "th")]
        while cells or len(row) in carried:
            col = len(row)
            if col in carried:
                text, left = carried.pop(col)
                if left > 1:
                    carried[col] = (text, left - 1)
                row.append(text)
                continue
            cell = cells.pop(0)
            text, down = text_of(cell), _span(cell, "rowspan", 500)
            for _ in range(_span(cell, "colspan", 50)):
                if down > 1:
                    carried[len(row)] = (text, down - 1)
                row.append(text)
        rows.append(row)
    return rows


def _span(cell: HtmlElement, attr: str, cap: int) -> int:
    value = (cell.get(attr) or "1").strip()
    return min(int(value), cap) if value.isdigit() and int(value) > 0 else 1


def tab_sections(body: HtmlElement | None) -> dict[str, list[str]]:
    """A tabbed guide's panels by the guide key of their tab (申请材料 -> materials): a panel's
    content has no heading of its own, its tab names it."""
    if body is None:
        return {}
    out: dict[str, list[str]] = {}
    # (the body found may be the panels' container, with the tab bar just outside it)
    scope = body.getparent() if body.getparent() is not None and body.tag != "body" else body
    for nav in scope.iter("ul", "ol", "div"):
        tabs = [c for c in nav if c.tag in ("li", "a", "span", "button")]
        names = [squash(text_of(t)) for t in tabs]
        if len(tabs) < 2 or not all(0 < len(n) <= 10 for n in names):
            continue
        if sum(1 for n in names if n in W.GUIDE_LABELS or n in W.GUIDE_TAB_WORDS) < 2:
            continue
        panels = _panels_for(nav, tabs)
        for name, panel in zip(names, panels, strict=False):
            key = W.GUIDE_LABELS.get(name)
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
        target = next((_target(el) for el in (t, *t.iter("a", "button")) if _target(el)), "")
        found = root.xpath("//*[@id=$i]", i=target) if target else []
        by_id.append(found[0] if found else None)
    if sum(p is not None for p in by_id) >= 2:
        return by_id
    container = nav.getparent()
    following = (
        [c for c in container if c is not nav and c.tag in ("div", "section")]
        if container is not None else []
    )  # fmt: skip
    if len(following) == 1 and len(following[0]) >= len(tabs) - 1:
        following = [c for c in following[0] if c.tag in ("div", "section")]  # a panels' box
    return following if len(following) >= len(tabs) - 1 else [None] * len(tabs)


def _target(el: HtmlElement) -> str:
    """The id of the panel a tab opens (data-tab, aria-controls, data-target, href="#…")."""
    return (el.get("data-tab") or el.get("aria-controls") or el.get("data-target")
            or (el.get("href") or "").lstrip("#") or "").lstrip("#")  # fmt: skip


@dataclass
class Markup:
    """What a guide's markup says before its body is flattened into lines: the names in its
    materials table, its tab panels by guide key, and the text of its HTML list items."""

    materials: list[str] = field(default_factory=list)
    tabs: dict[str, list[str]] = field(default_factory=dict)
    items: frozenset[str] = frozenset()
    above: dict[str, str] = field(default_factory=dict)  # 办理时限：… printed above the body
    pairs: dict = field(default_factory=dict)  # <span>服务对象</span><span>…</span>, label rows


def markup(page: Page, body: HtmlElement | None) -> Markup:
    """Read only from a page that names a guide section somewhere (most pages name none)."""
    if body is None or next(ANY_LABEL.iter(page.body_text().lower()), None) is None:
        return Markup()
    items = frozenset(squash(line) for li in body.iter("li") for line in lines_of(li))
    return Markup(material_names(body), tab_sections(body), items, _above(page, body),
                  _pairs(body))  # fmt: skip


def _pairs(body: HtmlElement) -> dict:
    """Sections printed as a label element and a value element side by side (no colon between
    them: <span>服务对象</span><span>…</span>, <dt>…</dt><dd>…</dd>), or as a table whose first row
    names the columns (窗口地址 | 办公时间 | 咨询电话) and whose next row holds the values."""
    out: dict = {}
    for el in body.iter():
        label = (el.text or "").strip() if isinstance(el.tag, str) and not len(el) else ""
        key = label_key(label) if 2 <= len(label) <= 30 else None
        value_el = el.getnext() if key else None
        if value_el is None or _heading_cell(value_el):
            continue
        lines = lines_of(value_el)
        if key in LIST_KEYS and (value_el.tag not in _LISTS or len(lines) < 2):
            continue  # one paragraph after a heading is the list's first item, not the list
        value = value_of(key, lines)
        if value and size(value) > size(out.get(key) or ""):
            out[key] = value  # (是否收费 否 | 收费标准 不收费: the fuller)
    for table in body.iter("table"):
        rows = _grid(table)
        for head, row in zip(rows, rows[1:], strict=False):
            keys = [W.GUIDE_LABELS.get(squash(c)) for c in head]
            if sum(k is not None for k in keys) >= 2 and len(row) == len(head):
                for key, cell in zip(keys, row, strict=True):
                    if key and cell and squash(cell) not in W.GUIDE_LABELS:
                        out.setdefault(key, value_of(key, [cell]))
    return out


def _above(page: Page, body: HtmlElement) -> dict[str, str]:
    """Values a guide prints in a summary bar between its headline and its body (办理时限：20个
    工作日 | 收费标准：不收费), which its sections do not repeat."""
    out: dict[str, str] = {}
    for el in page.body.iter():
        if el is body:
            break  # the body begins; what follows it (a site's footer) is not the guide's
        if not isinstance(el.tag, str) or len(el):
            continue  # (only elements without children: the body's ancestors have some)
        text = text_of(el)
        if len(text) > 120:
            continue
        key = label_key(text)  # <dt>Fee:</dt><dd>Free of charge</dd>
        value_el = el.getnext() if key and key not in LIST_KEYS else None
        if value_el is not None and not _heading_cell(value_el):
            out.setdefault(key, text_of(value_el))
            continue
        if "：" in text or ":" in text:  # <span>办理时限：20个工作日</span>
            for segment in segments([text]):
                key, rest = opening_label(segment)
                if key and key not in LIST_KEYS and rest:
                    out.setdefault(key, rest)
    return out
