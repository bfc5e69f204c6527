"""Audience tags and conditions measured against the hand labels (policies/eval/heldout/
audience.yaml): per-tag and micro precision and recall, and the recall of the labelled
conditions, each corpus document derived from its bundled page exactly as the crawler derives it.

The labels of the held-out set are read only to count: `measure` returns aggregates, and the
per-document view (`misses`) refuses the held-out set."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import yaml

from indexer import taxonomy as taxonomy_mod
from indexer.archive import RawPage
from indexer.derive import derive

from .extraction_eval import ROOT, _reader, corpus_cases

LABELS = ROOT / "policies" / "eval" / "heldout" / "audience.yaml"
# More development labels, written blind later by the same conventions (all of them dev).
MORE_DEV = ROOT / "policies" / "eval" / "audience_dev.yaml"
SETS = ("dev", "heldout", "all")
# A labelled condition is found when an extracted one shares this share of its character pairs
# (Chinese) or words (English).
CONDITION_OVERLAP = 0.4


def labels(which: str) -> list[dict]:
    docs = yaml.safe_load(LABELS.read_text(encoding="utf-8"))["documents"]
    if MORE_DEV.exists():
        more = yaml.safe_load(MORE_DEV.read_text(encoding="utf-8"))["documents"]
        docs = docs + [{**d, "set": "dev"} for d in more]
    return [d for d in docs if which == "all" or d["set"] == which]


def derived_documents() -> dict:
    tax = taxonomy_mod.get()
    out = {}
    for c in corpus_cases():
        d = derive(RawPage(c.url, c.body, c.content_type, 200, 0.0), _reader(c), tax)
        out[c.name] = d.doc
    return out


def _units(text: str) -> set[str]:
    text = text.lower()
    words = set(re.findall(r"[a-z0-9]{3,}", text))
    cjk = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return words | {cjk[i : i + 2] for i in range(len(cjk) - 1)}


def condition_found(wanted: str, got: list[str]) -> bool:
    units = _units(wanted)
    if not units:
        return True
    return any(len(units & _units(g)) / len(units) >= CONDITION_OVERLAP for g in got)


@dataclass
class Score:
    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    documents: int = 0
    exact: int = 0  # documents whose tags are exactly the labelled ones
    conditions: int = 0
    conditions_found: int = 0

    def p_r(self, tag: str | None = None) -> tuple[float, float, int]:
        if tag is None:
            tp, fp, fn = (sum(c.values()) for c in (self.tp, self.fp, self.fn))
        else:
            tp, fp, fn = self.tp[tag], self.fp[tag], self.fn[tag]
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r, tp + fn


def measure(which: str, docs: dict | None = None) -> Score:
    docs = derived_documents() if docs is None else docs
    score = Score()
    for lab in labels(which):
        doc = docs[lab["slug"]]
        want, got = set(lab["audience"] or []), set(doc.audience)
        score.documents += 1
        score.exact += want == got
        for t in got & want:
            score.tp[t] += 1
        for t in got - want:
            score.fp[t] += 1
        for t in want - got:
            score.fn[t] += 1
        for c in lab.get("conditions") or []:
            score.conditions += 1
            score.conditions_found += condition_found(c, doc.conditions)
    return score


def table(score: Score, tags) -> str:
    rows = [f"{'tag':18} {'P':>6} {'R':>6} {'n':>4}"]
    for t in tags:
        p, r, n = score.p_r(t)
        rows.append(f"{t:18} {p:6.3f} {r:6.3f} {n:4d}")
    p, r, n = score.p_r()
    rows.append(f"{'micro':18} {p:6.3f} {r:6.3f} {n:4d}")
    rows.append(f"documents exactly right: {score.exact}/{score.documents}")
    if score.conditions:
        share = score.conditions_found / score.conditions
        rows.append(f"conditions recall: {share:.3f} ({score.conditions_found}/{score.conditions}"
                    f" labelled conditions overlap an extracted one)")  # fmt: skip
    return "\n".join(rows)


def misses(which: str, docs: dict) -> list[str]:
    """Per document what was wrong — for the dev set only (the held-out set is measured, not
    read)."""
    if which != "dev":
        raise ValueError("per-document misses are shown for the dev set only")
    out = []
    for lab in labels("dev"):
        doc = docs[lab["slug"]]
        want, got = set(lab["audience"] or []), set(doc.audience)
        if want != got:
            out.append(f"{lab['slug']}: missing {sorted(want - got)}, extra {sorted(got - want)}")
    return out
