"""Two-phase ranking: every match scored by its words, the phrase and proximity boosts checked on
the best few hundred only (the phrase window); positions compared as Whoosh's span matcher does."""

import math

import numpy as np
import pytest
from test_engine import USER_QUERIES, _assert_same, _engine, _whoosh
from whoosh import formats
from whoosh.query import Phrase

from conftest import build_index, make_doc
from indexer import settings
from indexer.schema import open_index
from indexer.taxonomy import get as taxonomy
from search_app import ranking as R
from search_app.engine import Evaluator, Weighting
from search_app.index_version import SearchIndex
from search_app.phrases import near
from search_app.query import parse_params
from search_app.search import SearchService
from search_app.understand import build_queries, understand

PHRASES = [
    Phrase("body", ["人才", "公寓"]),
    Phrase("body", ["人才", "公寓"], slop=3, boost=2.0),
    Phrase("title", ["人才", "公寓"], slop=3),
    Phrase("body", ["外国人", "工作"], slop=3),
    Phrase("body", ["申请", "条件"]),
    Phrase("body", ["子女", "入学"], slop=3),
    Phrase("body", ["外国人", "工作", "许可"], slop=3),
    Phrase("body", ["申请", "申请"], slop=3),  # a word twice: two positions needed
    Phrase("body_en", ["work", "permit"]),
    Phrase("body", ["公寓", "人才"]),  # order matters
    Phrase("body", ["没有", "这个词组合"]),
]


def test_near_follows_whoosh_spans():
    assert near([[3], [4]], 1) and not near([[4], [3]], 1) and not near([[3], [3]], 1)
    assert near([[1], [4]], 3) and not near([[1], [5]], 3)
    assert near([[1, 10], [12], [13]], 3) and not near([[1], [12], [13]], 3)
    assert near([[2, 5], [2, 5]], 3)  # the same word twice: 2 then 5


def test_phrases_match_and_score_as_whoosh(sample_data):
    ix = open_index(sample_data.index_root)
    with ix.searcher(weighting=Weighting()) as s:
        ev = Evaluator(s)
        sizes = []
        for q in PHRASES:
            expected = _whoosh(s, q)
            _assert_same(expected, _engine(ev, q), q)
            sizes.append(len(expected))
            some = np.zeros(ev.n, dtype=bool)
            some[::3] = True  # within a set of documents: the same, restricted to it
            got = _engine(ev, q, some)
            _assert_same({n: sc for n, sc in expected.items() if n % 3 == 0}, got, q)
    assert sum(sizes) > 100 and min(sizes[:7]) > 0 and sizes[-1] == 0


MORE_WORDS = ["人才 补贴", "外国人 工作 许可", "子女 入学 申请", "医疗 保险 外籍", "公寓 补贴 申请",
              "创业 资金 支持", "work permit application"]  # fmt: skip


def test_the_second_phase_ranks_the_window_as_one_phase_would(sample_data):
    """With a window as large as the corpus, deferring the phrase boosts changes nothing."""
    ix = open_index(sample_data.index_root)
    tax = taxonomy()
    deferred_any = 0
    with ix.searcher(weighting=Weighting()) as s:
        one, two = Evaluator(s), Evaluator(s, defer_phrases=True)
        for text in [*USER_QUERIES, *MORE_WORDS]:
            for q in build_queries(understand(text, tax)):
                if q is None:
                    continue
                whole = one.search(q)
                found = two.search(q)
                assert np.array_equal(found.mask, whole.mask), text
                deferred_any += bool(found.deferred)
                got = two.best(found, 30, s.doc_count_all())
                want = whole.best(30)
                assert [d for d, _ in got] == [d for d, _ in want], text
                for (_, a), (_, b) in zip(got, want, strict=True):
                    assert math.isclose(a, b, rel_tol=1e-9), text
    assert deferred_any >= 5


def _count_position_reads(monkeypatch) -> list:
    """Every call into Whoosh's decoding of a posting's positions (what its phrase and span
    matchers call for each document they compare, and what the engine's phrase check calls)."""
    calls = []
    original = formats.Positions.decode_positions

    def counted(self, valuestring):
        calls.append(1)
        return original(self, valuestring)

    monkeypatch.setattr(formats.Positions, "decode_positions", counted)
    return calls


@pytest.mark.parametrize("window", [5, 120])
def test_a_search_reads_positions_for_the_phrase_window_only(small_data, monkeypatch, window):
    """Counted, not timed: 300 documents hold both words (100 side by side); a search compares
    positions for at most the window's documents (never fewer than the rerank window's), each
    word of each phrase field once. Comparing every match would read 600."""
    docs = [
        make_doc(n, text=("人才补贴" if n % 3 == 0 else "人才可以申请的一项补贴") + "办理说明。")
        for n in range(300)
    ]
    build_index(small_data, docs)
    q = "人才 补贴"
    u = understand(q, taxonomy())
    strict, _ = build_queries(u)
    phrase_fields = {p.fieldname for p in strict.leaves() if isinstance(p, Phrase)}
    assert phrase_fields == {"title", "body"}  # the proximity boost of the two words
    words = 2
    config = settings.for_data(small_data.root).replace(response_cache=0, phrase_window=window)
    svc = SearchService(SearchIndex(small_data.index_root), taxonomy(), config)
    p = parse_params({"q": q}, svc.tax)
    svc.search(p)  # opens the index and builds its tables
    calls = _count_position_reads(monkeypatch)
    resp = svc.search(p)
    assert resp.total == 300
    assert 0 < len(calls) <= words * len(phrase_fields) * max(window, R.RERANK_WINDOW) < 600
    # The boost still decides the order within the window: side by side first.
    assert all(int(r.url.rsplit("/", 1)[1].split(".")[0]) % 3 == 0 for r in resp.results[:10])
