"""Extraction against saved pages of every family, with expected fields written by hand."""

import json
from pathlib import Path

import pytest

from indexer.encoding import decode_html
from indexer.normalize import normalize

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(p.stem for p in GOLDEN.glob("*.json"))
FIELDS = ("title", "doc_number", "agency", "publish_date", "written_date", "lang", "status", "kind")


def _extract(name: str, url: str | None = None):
    data = (GOLDEN / f"{name}.html").read_bytes()
    html, _ = decode_html(data)
    return normalize(html, url or f"https://golden.example/{name}.html")


@pytest.mark.parametrize("name", CASES)
def test_golden_page(name):
    expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    doc = _extract(name, expected.get("url"))
    got = {f: getattr(doc, f) for f in FIELDS}
    assert got == {f: expected[f] for f in FIELDS}
    for phrase in expected["text_contains"]:
        assert phrase in doc.text, phrase
    for junk in expected["text_excludes"]:
        assert junk not in doc.text, junk


def test_golden_set_is_there():
    assert len(CASES) >= 12


def test_field_accuracy_floor():
    """Across the whole golden set every field is right on at least 97% of pages."""
    right = dict.fromkeys(FIELDS, 0)
    for name in CASES:
        expected = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
        doc = _extract(name, expected.get("url"))
        for f in FIELDS:
            right[f] += getattr(doc, f) == expected[f]
    accuracy = {f: right[f] / len(CASES) for f in FIELDS}
    assert min(accuracy.values()) >= 0.97, accuracy
