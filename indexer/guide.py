"""A service guide's (办事指南) structured fields, read from its lines and its tables: who may
apply, the conditions, the materials to bring, the steps, where, when, how long, the phone and
the fee.

Guides print these as labelled rows (办理对象 | …), as numbered sections (四、申请材料), as label
lines (办理地点：…) or, for the materials, as a table with a name column; in Chinese or English.
Each becomes a key of the guide's dict: lists for the conditions, materials and steps (numbering
stripped), text for the rest.

A section runs from its label to the next label, with three exceptions: a value printed on its
label's line is the whole value; a list (numbered, bulleted or an HTML list) ends where its
numbering or its list ends; steps numbered 第一步…/Step 1 need no heading. When a section is
printed twice (a summary row, then the section itself) the fuller one is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ahocorasick
from lxml.html import HtmlElement

from . import guide_words as W
from . import patterns as P
from .page import Page, lines_of, text_of
from .text import squash

LIST_KEYS = ("conditions", "materials", "steps")
# A section number before a label or an item: 一、 （一） 1. 1、 ① 第一步 Step 1: …
_NUMBER = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十]{1,3}[)）、．.]|[（(]?\d{1,2}[)）、．.](?!\d)|\d{1,2}\s+(?=\D)|"
    r"[①-⑳]|第[一二三四五六七八九十\d]{1,3}(?:步|部分|项|条)[:：、]?|step\s*\d+[:.]?|"
    r"[-–]\s|[•·▪●■◆])\s*",
    re.I,
)
# A step that numbers itself as one, so needs no 办理流程 heading over it.
_STEP = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]{1,3}步|step\s*\d+\b)", re.I)
# Items printed on one line: "1.护照；2.学历证书；3.…" and "提交申请→初审→复审".
_INLINE_ITEMS = re.compile(r"[；;]\s*(?=[（(]?\d{1,2}[)）、．.]|[①-⑳])|\s*(?:→|->|—>|⇒)\s*")
# The fee and the phone when a guide only says them in a sentence.
_FEE_PROSE = re.compile(
    r"(不收取任何费用|不收取费用|不收费|免费办理|免收[^，。；]{0,8}费|free of charge|no fee)", re.I
)
_PHONE_PROSE = re.compile(
    r"(?:咨询电话|联系电话|服务热线|咨询热线|热线电话|电话|call|phone|tel\.?)\s*[:：为是]?\s*"
    r"(\+?\d[\d\-－ ()]{3,}\d(?:转\d+)?)",
    re.I,
)
_LABELS = sorted(W.GUIDE_LABELS, key=len, reverse=True)
# A label heads a section or a row when a colon, a space or the line's end follows it ("申请材料为
# 外文的，应当…" is a sentence about the materials, not their list).
_ZH_LABEL = re.compile(
    "^(" + "|".join(re.escape(k) for k in _LABELS if not k.isascii()) + r")(?:\s*[:：]\s*|\s+|$)"
)
# An English label is followed by a colon, the line's end, or (a table row: "Fees Free of charge")
# a value that opens with a capital letter, a digit or a plus sign.
_EN_LABEL = re.compile(
    r"^(" + "|".join(re.escape(k) for k in _LABELS if k.isascii()) + r")"
    r"(?:\s*[:：?]\s*|\s*$|\s+(?=(?-i:[A-Z0-9+])|[\u4e00-\u9fff]))",
    re.I,
)
_ANY_LABEL = ahocorasick.Automaton()  # every label at once, in one pass over a page's text
for _k in _LABELS:
    _ANY_LABEL.add_word(_k.lower(), _k)
_ANY_LABEL.make_automaton()
_HEADING_NOUN = re.compile(
    r"^[\u4e00-\u9fff（）()、和及与]{0,8}?(" + "|".join(W.GUIDE_HEADING_NOUNS) + r")[:：]?$"
)
_OTHER = re.compile(
    "^(" + "|".join(re.escape(k) for k in W.GUIDE_OTHER_SECTIONS) + r")\s*[:：]?", re.I
)
_NAME_COLUMN = re.compile(r"^(材料名称|名称|材料|Document|Material|Item)s?$", re.I)
MAX_ITEMS = 40
MAX_VALUE = 400
MAX_CONTINUATION = 30  # a longer line after a value's first is a paragraph of its own


def _label(line: str) -> tuple[str | None, str]:
    """(guide key, the rest of the line) when the line opens with a guide label."""
    text = _NUMBER.sub("", line, count=1)
    m = _ZH_LABEL.match(text) or _EN_LABEL.match(text)
    if not m:
        return None, line
    label = m.group(1)
    return W.GUIDE_LABELS[label if not label.isascii() else label.lower()], text[m.end() :].strip()


def _heading(line: str) -> str | None:
    """The guide key of a heading in other words: a short line ending in a section's noun (激活步骤,
    需上传的材料) or asking the reader's question (谁可以申请, 去哪里办)."""
    text = _NUMBER.sub("", line, count=1)
    heading = _HEADING_NOUN.match(text)
    if heading:
        return W.GUIDE_HEADING_NOUNS[heading.group(1)]
    if len(text) <= 12:
        return next((k for q, k in W.GUIDE_QUESTIONS.items() if q in text), None)
    return None


def _item(line: str) -> str:
    item = _NUMBER.sub("", line, count=1).strip(" ；;。")
    return "" if item.isdigit() else item  # <em>1</em><p>申请…</p>: the number on its own line


def material_names(body: HtmlElement | None) -> list[str]:
    """The names in a materials table: the column headed 材料名称 (or Document), one a row."""
    if body is None:
        return []
    for table in body.iter("table"):
        rows = _grid(table)
        for i, row in enumerate(rows):
            col = next((j for j, cell in enumerate(row) if _NAME_COLUMN.match(squash(cell))), None)
            if col is None or len(row) < 2 or any(len(c) > 12 for c in row):
                continue  # (a row of column headings, not a label beside its value)
            names = [r[col] for r in rows[i + 1 :] if len(r) > col and r[col]]
            if names:
                return names[:MAX_ITEMS]
    return []


_LISTS = frozenset(("ul", "ol", "dl", "table", "div", "dd", "td"))
_LABEL_OPENS = re.compile("^(" + "|".join(re.escape(k) for k in _LABELS if not k.isascii()) + ")")


def _label_key(label: str) -> str | None:
    """The guide key a whole label names (服务对象, Fee), or None."""
    if label.isascii():
        return W.GUIDE_LABELS.get(label.lower().rstrip(": "))
    return W.GUIDE_LABELS.get(squash(label).rstrip(":："))


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


_INNER_LABEL = re.compile(
    r"\s(?=(?:"
    + "|".join(re.escape(k) for k in _LABELS if not k.isascii())
    + "|"
    + "|".join(re.escape(k) for k in W.GUIDE_OTHER_SECTIONS if not k.isascii())
    + r")(?:\s*[:：]|\s))"
)


def _segments(lines: list[str]) -> list[str]:
    """Lines split where a row holds two label-value pairs (办理时限 10个工作日 收费标准 不收费).
    A row of labels only (窗口地址 办公时间 咨询电话: a table's column headings, its values in the
    row below) is left out: the table is read by its columns (_pairs)."""
    out = []
    for line in lines:
        words = line.split()
        named = sum(1 for w in words if w in W.GUIDE_LABELS)
        if named >= max(2, len(words) - 1) and all(len(w) <= 8 for w in words):
            out.append(_COLUMN_HEADINGS)
            continue
        out.extend(s for s in _INNER_LABEL.split(line) if s.strip())
    return out


_COLUMN_HEADINGS = "\x00"  # ends the section before it; the values row after it belongs to none


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
    if body is None or next(_ANY_LABEL.iter(page.body_text().lower()), None) is None:
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
        key = _label_key(label) if 2 <= len(label) <= 30 else None
        value_el = el.getnext() if key else None
        if value_el is None or _heading_cell(value_el):
            continue
        lines = lines_of(value_el)
        if key in LIST_KEYS and (value_el.tag not in _LISTS or len(lines) < 2):
            continue  # one paragraph after a heading is the list's first item, not the list
        value = _value(key, lines)
        if value and _size(value) > _size(out.get(key) or ""):
            out[key] = value  # (是否收费 否 | 收费标准 不收费: the fuller)
    for table in body.iter("table"):
        rows = _grid(table)
        for head, row in zip(rows, rows[1:], strict=False):
            keys = [W.GUIDE_LABELS.get(squash(c)) for c in head]
            if sum(k is not None for k in keys) >= 2 and len(row) == len(head):
                for key, cell in zip(keys, row, strict=True):
                    if key and cell and squash(cell) not in W.GUIDE_LABELS:
                        out.setdefault(key, _value(key, [cell]))
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
        key = _label_key(text)  # <dt>Fee:</dt><dd>Free of charge</dd>
        value_el = el.getnext() if key and key not in LIST_KEYS else None
        if value_el is not None and not _heading_cell(value_el):
            out.setdefault(key, text_of(value_el))
            continue
        if "：" in text or ":" in text:  # <span>办理时限：20个工作日</span>
            for segment in _segments([text]):
                key, rest = _label(segment)
                if key and key not in LIST_KEYS and rest:
                    out.setdefault(key, rest)
    return out


@dataclass
class _Run:
    """One printing of a section: its key and its lines so far."""

    key: str
    lines: list[str] = field(default_factory=list)
    implicit: bool = False  # steps that number themselves, under no heading

    def in_list(self, line: str, items: frozenset[str]) -> bool:
        """Whether the line is the next item of the HTML list this section is printed as."""
        return (
            bool(self.lines)
            and squash(line) in items
            and all(squash(b) in items for b in self.lines)
        )

    def takes(self, line: str, items: frozenset[str]) -> bool:
        """Whether the line continues this section (a list ends where its numbering ends)."""
        if self.implicit:
            return bool(_STEP.match(line))
        if not self.lines:
            return True
        if self.key not in LIST_KEYS:  # a value goes on in short lines (an address, hours)
            return len(line) <= MAX_CONTINUATION and not self.lines[-1].endswith(("。", "！", "."))
        if all(squash(b) in items for b in self.lines):
            return squash(line) in items
        if all(_NUMBER.match(b) for b in self.lines):
            return bool(_NUMBER.match(line))
        return True


def _runs(lines: list[str], items: frozenset[str]) -> list[_Run]:
    runs: list[_Run] = []
    run: _Run | None = None
    for line in _segments(lines):
        key, rest = _label(line)
        if key is None and squash(line) not in items:  # (an item of a list is no heading)
            key, rest = _heading(line), ""
        if line == _COLUMN_HEADINGS:
            run = None
            continue
        if (key is None and _OTHER.match(_NUMBER.sub("", line, count=1))
                and not (run is not None and run.in_list(line, items))):  # fmt: skip
            run = None  # another section of the guide (事项编码, 设定依据 …) begins
            continue
        if key is not None:
            run = _Run(key, [rest] if rest else [])
            runs.append(run)
            if rest and key not in LIST_KEYS:
                run = None  # a value on its label's line is the whole value
            continue
        if _STEP.match(line) and (run is None or run.key != "steps"):
            run = _Run("steps", implicit=True)
            runs.append(run)
        if run is not None and not run.takes(line, items):
            run = None
        if run is not None:
            run.lines.append(line)
    return runs


def _value(key: str, lines: list[str]) -> list[str] | str | None:
    lines = [b for b in lines if squash(b)]
    if key in LIST_KEYS:
        parts = [p for b in lines for p in _INLINE_ITEMS.split(b)]
        return [i for i in (_item(p) for p in parts) if i][:MAX_ITEMS] or None
    return " ".join(lines)[:MAX_VALUE] or None


def _size(value: list[str] | str) -> int:
    return len(value) if isinstance(value, list) else len(squash(value))


def guide_fields(lines: list[str], found: Markup | None = None) -> dict:
    """The guide fields found in lines (and in the markup read before the body was flattened);
    {} when there are none."""
    found = found or Markup()
    out: dict = {}
    for run in _runs(lines, found.items):
        value = _value(run.key, run.lines)
        if value and _size(value) > _size(out.get(run.key) or ""):
            out[run.key] = value  # the fuller printing of a section printed twice
    for key, value in found.pairs.items():
        if key not in out or _LABEL_OPENS.match(str(out[key])):
            out[key] = value  # (a section whose first line is another label glued to its value)
    if out:
        for key, value in found.above.items():
            out.setdefault(key, value)
    statutory = out.pop("statutory_time_limit", None)
    if statutory and "time_limit" not in out:
        out["time_limit"] = statutory  # 法定时限 only where no 承诺时限 is printed
    for key, panel in found.tabs.items():
        value = _value(key, panel)
        if value:
            out[key] = value
    if found.materials:
        out["materials"] = found.materials
    if out:
        _from_prose(lines, out)
    return out


def _from_prose(lines: list[str], out: dict) -> None:
    """The fee and the phone of a guide that only says them in a sentence."""
    text = "\n".join(lines)
    if "fee" not in out and (m := _FEE_PROSE.search(text)):
        out["fee"] = m.group(1)
    if "phone" not in out and (m := _PHONE_PROSE.search(text)):
        out["phone"] = m.group(1).strip()


def names_a_section(text: str) -> bool:
    """The text is a guide section's heading (受理条件, 办理地点和时间, 谁可以申请) and no more."""
    key, rest = _label(text)
    return (key is not None and not rest) or _heading(text) is not None


def looks_like_guide(lines: list[str]) -> bool:
    """Three or more distinct guide sections: a page that tells how to do something."""
    return len({k for k in (_label(line)[0] or _heading(line) for line in lines) if k}) >= 3
