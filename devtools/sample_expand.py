"""Grow the sample corpus deterministically to N documents from its own sentences
(for benchmarks)."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterator
from dataclasses import replace

from .corpus_src import SampleDoc

_SUFFIXES = (
    "（试行）",
    "（修订）",
    "实施细则",
    "补充通知",
    "工作方案",
    "操作规程",
    "（{year}年版）",
)


def _paragraphs(doc: SampleDoc) -> list[str]:
    """Paragraphs of running text (short ones, such as signature lines, are left out)."""
    return [p.strip() for p in doc.body.split("\n\n") if len(p.strip()) >= 40]


def expand(docs: list[SampleDoc], n: int, seed: int = 20261128) -> Iterator[SampleDoc]:
    """n documents: the originals first, then variants mixing paragraphs of same-scenario documents.

    Every variant keeps its base document's group, template, language, kind and the policy it
    explains; it gets its own slug, date, 发文字号 serial and title, and is in force."""
    originals = sorted(docs, key=lambda d: d.slug)
    head = originals[:n]
    kept = {d.slug for d in head}
    for d in head:  # links to documents beyond the first n are dropped
        yield replace(
            d,
            explains=d.explains if d.explains in kept else None,
            replaced_by=d.replaced_by if d.replaced_by in kept else None,
        )
    by_key: dict[tuple[str, str], list[SampleDoc]] = {}
    for d in originals:
        by_key.setdefault((d.lang, d.scenarios[0]), []).append(d)
    for i in range(len(originals), n):
        rng = random.Random(seed * 1_000_003 + i)
        base = originals[i % len(originals)]
        peers = by_key[(base.lang, base.scenarios[0])]
        paras = _paragraphs(base)
        for other in rng.sample(peers, k=min(2, len(peers))):
            extra = _paragraphs(other)
            paras += rng.sample(extra, k=min(len(extra), rng.randint(1, 3)))
        tail = paras[1:]
        rng.shuffle(tail)
        paras = paras[:1] + tail
        body = "\n\n".join(paras)[: 2900 if base.lang == "zh" else 4900]
        shift = dt.timedelta(days=rng.randint(-900, 900))
        written = base.written_date + shift
        year = written.year
        suffix = (
            rng.choice(_SUFFIXES).format(year=year)
            if base.lang == "zh"
            else f" ({year} edition {i})"
        )
        doc_number = None
        if base.doc_number:
            prefix = base.doc_number.split("〔")[0]
            doc_number = f"{prefix}〔{year}〕{rng.randint(1, 400)}号"
        yield replace(
            base,
            slug=f"{base.slug}-x{i}",
            title=re.sub(r"（试行）$", "", base.title) + suffix,
            body=body,
            written_date=written,
            publish_date=written + dt.timedelta(days=rng.randint(3, 30)),
            doc_number=doc_number,
            replaced_by=None,
            status="in_force" if base.status == "expired" else base.status,
        )
