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

from dataclasses import dataclass, field

from .guide_lines import (
    COLUMN_HEADINGS,
    FEE_PROSE,
    LABEL_OPENS,
    LIST_KEYS,
    MAX_CONTINUATION,
    NUMBER,
    OTHER,
    PHONE_PROSE,
    STEP,
    heading,
    opening_label,
    segments,
    size,
    value_of,
)  # fmt: skip
from .guide_markup import Markup
from .text import squash


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
            return bool(STEP.match(line))
        if not self.lines:
            return True
        if self.key not in LIST_KEYS:  # a value goes on in short lines (an address, hours)
            return len(line) <= MAX_CONTINUATION and not self.lines[-1].endswith(("。", "！", "."))
        if all(squash(b) in items for b in self.lines):
            return squash(line) in items
        if all(NUMBER.match(b) for b in self.lines):
            return bool(NUMBER.match(line))
        return True


def _runs(lines: list[str], items: frozenset[str]) -> list[_Run]:
    runs: list[_Run] = []
    run: _Run | None = None
    for line in segments(lines):
        key, rest = opening_label(line)
        if key is None and squash(line) not in items:  # (an item of a list is no heading)
            key, rest = heading(line), ""
        if line == COLUMN_HEADINGS:
            run = None
            continue
        if (key is None and OTHER.match(NUMBER.sub("", line, count=1))
                and not (run is not None and run.in_list(line, items))):  # fmt: skip
            run = None  # another section of the guide (事项编码, 设定依据 …) begins
            continue
        if key is not None:
            run = _Run(key, [rest] if rest else [])
            runs.append(run)
            if rest and key not in LIST_KEYS:
                run = None  # a value on its label's line is the whole value
            continue
        if STEP.match(line) and (run is None or run.key != "steps"):
            run = _Run("steps", implicit=True)
            runs.append(run)
        if run is not None and not run.takes(line, items):
            run = None
        if run is not None:
            run.lines.append(line)
    return runs


def guide_fields(lines: list[str], found: Markup | None = None) -> dict:
    """The guide fields found in lines (and in the markup read before the body was flattened);
    {} when there are none."""
    found = found or Markup()
    out: dict = {}
    for run in _runs(lines, found.items):
        value = value_of(run.key, run.lines)
        if value and size(value) > size(out.get(run.key) or ""):
            out[run.key] = value  # the fuller printing of a section printed twice
    for key, value in found.pairs.items():
        if key not in out or LABEL_OPENS.match(str(out[key])):
            out[key] = value  # (a section whose first line is another label glued to its value)
    if out:
        for key, value in found.above.items():
            out.setdefault(key, value)
    statutory = out.pop("statutory_time_limit", None)
    if statutory and "time_limit" not in out:
        out["time_limit"] = statutory  # 法定时限 only where no 承诺时限 is printed
    for key, panel in found.tabs.items():
        value = value_of(key, panel)
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
    if "fee" not in out and (m := FEE_PROSE.search(text)):
        out["fee"] = m.group(1)
    if "phone" not in out and (m := PHONE_PROSE.search(text)):
        out["phone"] = m.group(1).strip()


def names_a_section(text: str) -> bool:
    """The text is a guide section's heading (受理条件, 办理地点和时间, 谁可以申请) and no more."""
    key, rest = opening_label(text)
    return (key is not None and not rest) or heading(text) is not None


def looks_like_guide(lines: list[str]) -> bool:
    """Three or more distinct guide sections: a page that tells how to do something."""
    return len({k for k in (opening_label(line)[0] or heading(line) for line in lines) if k}) >= 3
