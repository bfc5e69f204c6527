"""The words of a service guide's lines: which label or heading a line opens with, how a list
item is written, and a section's value from its lines (indexer/guide.py and guide_markup.py read
guides with them)."""

from __future__ import annotations

import re

import ahocorasick

from . import guide_words as W
from .text import squash

LIST_KEYS = ("conditions", "materials", "steps")
# A section number before a label or an item: 一、 （一） 1. 1、 ① 第一步 Step 1: …
NUMBER = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十]{1,3}[)）、．.]|[（(]?\d{1,2}[)）、．.](?!\d)|\d{1,2}\s+(?=\D)|"
    r"[①-⑳]|第[一二三四五六七八九十\d]{1,3}(?:步|部分|项|条)[:：、]?|step\s*\d+[:.]?|"
    r"[-–]\s|[•·▪●■◆])\s*",
    re.I,
)
# A step that numbers itself as one, so needs no 办理流程 heading over it.
STEP = re.compile(r"^\s*(?:第[一二三四五六七八九十\d]{1,3}步|step\s*\d+\b)", re.I)
# Items printed on one line: "1.护照；2.学历证书；3.…" and "提交申请→初审→复审".
INLINE_ITEMS = re.compile(r"[；;]\s*(?=[（(]?\d{1,2}[)）、．.]|[①-⑳])|\s*(?:→|->|—>|⇒)\s*")
# The fee and the phone when a guide only says them in a sentence.
FEE_PROSE = re.compile(
    r"(不收取任何费用|不收取费用|不收费|免费办理|免收[^，。；]{0,8}费|free of charge|no fee)", re.I
)
PHONE_PROSE = re.compile(
    r"(?:咨询电话|联系电话|服务热线|咨询热线|热线电话|电话|call|phone|tel\.?)\s*[:：为是]?\s*"
    r"(\+?\d[\d\-－ ()]{3,}\d(?:转\d+)?)",
    re.I,
)
LABELS = sorted(W.GUIDE_LABELS, key=len, reverse=True)
# A label heads a section or a row when a colon, a space or the line's end follows it ("申请材料为
# 外文的，应当…" is a sentence about the materials, not their list).
ZH_LABEL = re.compile(
    "^(" + "|".join(re.escape(k) for k in LABELS if not k.isascii()) + r")(?:\s*[:：]\s*|\s+|$)"
)
# An English label is followed by a colon, the line's end, or (a table row: "Fees Free of charge")
# a value that opens with a capital letter, a digit or a plus sign.
EN_LABEL = re.compile(
    r"^(" + "|".join(re.escape(k) for k in LABELS if k.isascii()) + r")"
    r"(?:\s*[:：?]\s*|\s*$|\s+(?=(?-i:[A-Z0-9+])|[\u4e00-\u9fff]))",
    re.I,
)
ANY_LABEL = ahocorasick.Automaton()  # every label at once, in one pass over a page's text
for _k in LABELS:
    ANY_LABEL.add_word(_k.lower(), _k)
ANY_LABEL.make_automaton()
HEADING_NOUN = re.compile(
    r"^[\u4e00-\u9fff（）()、和及与]{0,8}?(" + "|".join(W.GUIDE_HEADING_NOUNS) + r")[:：]?$"
)
OTHER = re.compile(
    "^(" + "|".join(re.escape(k) for k in W.GUIDE_OTHER_SECTIONS) + r")\s*[:：]?", re.I
)
NAME_COLUMN = re.compile(r"^(材料名称|名称|材料|Document|Material|Item)s?$", re.I)
MAX_ITEMS = 40
MAX_VALUE = 400
MAX_CONTINUATION = 30  # a longer line after a value's first is a paragraph of its own


LABEL_OPENS = re.compile("^(" + "|".join(re.escape(k) for k in LABELS if not k.isascii()) + ")")


def opening_label(line: str) -> tuple[str | None, str]:
    """(guide key, the rest of the line) when the line opens with a guide label."""
    text = NUMBER.sub("", line, count=1)
    m = ZH_LABEL.match(text) or EN_LABEL.match(text)
    if not m:
        return None, line
    label = m.group(1)
    return W.GUIDE_LABELS[label if not label.isascii() else label.lower()], text[m.end() :].strip()


def heading(line: str) -> str | None:
    """The guide key of a heading in other words: a short line ending in a section's noun (激活步骤,
    需上传的材料) or asking the reader's question (谁可以申请, 去哪里办)."""
    text = NUMBER.sub("", line, count=1)
    heading = HEADING_NOUN.match(text)
    if heading:
        return W.GUIDE_HEADING_NOUNS[heading.group(1)]
    if len(text) <= 12:
        return next((k for q, k in W.GUIDE_QUESTIONS.items() if q in text), None)
    return None


def item(line: str) -> str:
    item = NUMBER.sub("", line, count=1).strip(" ；;。")
    return "" if item.isdigit() else item  # <em>1</em><p>申请…</p>: the number on its own line


def label_key(label: str) -> str | None:
    """The guide key a whole label names (服务对象, Fee), or None."""
    if label.isascii():
        return W.GUIDE_LABELS.get(label.lower().rstrip(": "))
    return W.GUIDE_LABELS.get(squash(label).rstrip(":："))


INNER_LABEL = re.compile(
    r"\s(?=(?:"
    + "|".join(re.escape(k) for k in LABELS if not k.isascii())
    + "|"
    + "|".join(re.escape(k) for k in W.GUIDE_OTHER_SECTIONS if not k.isascii())
    + r")(?:\s*[:：]|\s))"
)


def segments(lines: list[str]) -> list[str]:
    """Lines split where a row holds two label-value pairs (办理时限 10个工作日 收费标准 不收费).
    A row of labels only (窗口地址 办公时间 咨询电话: a table's column headings, its values in the
    row below) is left out: the table is read by its columns (_pairs)."""
    out = []
    for line in lines:
        words = line.split()
        named = sum(1 for w in words if w in W.GUIDE_LABELS)
        if named >= max(2, len(words) - 1) and all(len(w) <= 8 for w in words):
            out.append(COLUMN_HEADINGS)
            continue
        out.extend(s for s in INNER_LABEL.split(line) if s.strip())
    return out


COLUMN_HEADINGS = "\x00"  # ends the section before it; the values row after it belongs to none


def value_of(key: str, lines: list[str]) -> list[str] | str | None:
    lines = [b for b in lines if squash(b)]
    if key in LIST_KEYS:
        parts = [p for b in lines for p in INLINE_ITEMS.split(b)]
        return [i for i in (item(p) for p in parts) if i][:MAX_ITEMS] or None
    return " ".join(lines)[:MAX_VALUE] or None


def size(value: list[str] | str) -> int:
    return len(value) if isinstance(value, list) else len(squash(value))
