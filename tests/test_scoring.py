"""The served weighting: Whoosh's BM25F with field lengths read from per-segment lists."""

from whoosh import scoring
from whoosh.query import Or, Term

from indexer.schema import open_index
from search_app.engine import Weighting
from search_app.index_version import SearchIndex


def test_scores_equal_whoosh_bm25f_in_every_segment(sample_data):
    ix = open_index(sample_data.index_root)
    queries = [
        Or(
            [
                Term("title", "人才"),
                Term("body", "公寓"),
                Term("body_en", "visa"),
                Term("agency", "北京市"),
            ]
        ),
        Or([Term("body", "子女"), Term("title_en", "school"), Term("summary_en", "permit")]),
    ]
    with ix.searcher() as plain, ix.searcher(weighting=Weighting()) as ours:
        assert len(ours.leaf_searchers()) > 1  # documents numbered per segment, lengths too
        for q in queries:
            expected = [(h.docnum, h.score) for h in plain.search(q, limit=None)]
            got = [(h.docnum, h.score) for h in ours.search(q, limit=None)]
            assert len(expected) > 20 and got == expected


def test_the_served_searcher_uses_it(sample_data):
    s = SearchIndex(sample_data.index_root).searcher()
    assert isinstance(s.weighting, Weighting) and isinstance(s.weighting, scoring.BM25F)
