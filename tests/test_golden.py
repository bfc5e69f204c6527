"""Extraction against the dev pages (tests/golden): saved pages of every family with expected
fields written by hand, each run through derive() as the crawler runs what it fetched.

The frozen held-out pages (tests/heldout) are measured by scripts/extraction_report.py, and held
to the floors of the extraction issue below; they are never tuned on one by one."""

import pytest

from devtools.extraction_eval import GUIDE_KEYS, evaluate, golden_cases, norm, run
from indexer import taxonomy

CASES = list(golden_cases())
FIELDS = ("title", "doc_number", "agency", "publish_date", "written_date", "lang", "status", "kind")


@pytest.fixture(scope="module")
def tax():
    return taxonomy.get()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_golden_page(case, tax):
    out = run(case, tax)
    doc = out.derived.doc
    if not case.is_document:
        assert doc is None and out.derived.outcome == "listing", (case.name, doc and doc.title)
        return
    assert doc is not None, out.derived.reason
    got = {f: norm(getattr(doc, f)) for f in FIELDS if f in case.expected}
    assert got == {f: norm(case.expected[f]) for f in got}
    assert out.text_ok, "a phrase is missing from the text, or boilerplate was left in it"
    for key, share in out.guide.items():
        assert share == 1.0, (key, (doc.guide or {}).get(key))


def test_golden_set_is_there():
    assert len(CASES) >= 70 and sum(not c.is_document for c in CASES) >= 6


@pytest.mark.parametrize("name", ["golden", "heldout", "heldout2"])
def test_field_accuracy_floor(name):
    """Every field right on 97% of the dev pages; on the held-out pages the extraction issue's
    floor (95%), no document dropped and no listing kept, and most guide fields found."""
    report = evaluate(name)
    floor = 0.97 if name == "golden" else 0.95
    accuracy = {
        f: report.accuracy(f)
        for f in ("title", "doc_number", "agency", "publish_date", "lang", "kind")
    }
    accuracy["text"] = report.text_accuracy()
    assert min(accuracy.values()) >= floor, accuracy
    kept, docs, listings_kept, _ = report.kept()
    assert kept == docs and listings_kept == 0
    assert report.guide_recall() >= (0.97 if name == "golden" else 0.9)


def test_guides_carry_their_fields(tax):
    guides = [c for c in CASES if c.expected.get("guide")]
    assert len(guides) >= 4
    for case in guides:
        doc = run(case, tax).derived.doc
        assert doc.kind == "guide" and doc.guide, case.name
        assert set(doc.guide) <= set(GUIDE_KEYS)
