"""The retrieval engine against Whoosh: the same documents, the same scores,
for the queries we build."""

import math

import numpy as np
import pytest
from whoosh.matching import ListMatcher
from whoosh.query import And, AndMaybe, Or, Phrase, Term

from conftest import build_index, make_doc, put
from indexer import settings
from indexer.schema import open_index
from indexer.store import DocumentStore
from indexer.taxonomy import get as taxonomy
from indexer.whoosh_compat import decode_postings as _decode
from search_app.engine import Evaluator, Matches, Weighting
from search_app.facets import FacetTable
from search_app.lru import LRU
from search_app.query import parse_params
from search_app.search import filter_query as _filter_query
from search_app.understand import build_queries, fallback_query, understand

USER_QUERIES = [
    "人才公寓 申请",
    "子女入学",
    "work permit",
    "R visa",
    "外国人永久居留",
    "人才公寓申請",
    "京人社发[2018]45号",
    "国际医疗",
    "服务站",
    "垃圾分类",
    "驾驶证 换领",
    "startup funding",
    "个人所得税 外籍",
    "12345 热线",
    "kids school",
    "孩子上学",
    '"人才公寓"',
    "望京 国际学校",
    "how do I get a work permit",
    "租房补贴",
    "wangjing",
]


def _queries():
    tax = taxonomy()
    out = []
    for text in USER_QUERIES:
        u = understand(text, tax)
        strict, loose = build_queries(u)
        out += [q for q in (strict, loose, fallback_query(u)) if q is not None]
    # Nestings the builder makes rarely: what a part scored outside where it matched must not leak.
    out += [
        Or([Term("body", "外国人"), AndMaybe(Term("title", "签证"), Term("body", "申请"))]),
        Or([And([Term("body", "人才"), Term("body", "签证")], boost=2.0), Term("title", "公寓")]),
        AndMaybe(
            Or([Term("body", "外国人"), Term("body_en", "visa")]), Phrase("body", ["人才", "公寓"])
        ),
    ]
    return out


def _whoosh(s, q, filter=None) -> dict[int, float]:
    return {h.docnum: h.score for h in s.search(q, limit=None, filter=filter)}


def _engine(ev, q, allowed=None) -> dict[int, float]:
    m = ev.search(q, allowed)
    docs = np.flatnonzero(m.mask)
    return dict(zip(docs.tolist(), m.scores[docs].tolist(), strict=True))


def _assert_same(expected: dict[int, float], got: dict[int, float], q) -> None:
    assert got.keys() == expected.keys(), q
    for n, score in expected.items():
        assert math.isclose(got[n], score, rel_tol=1e-9, abs_tol=1e-12), (q, n, got[n], score)


def _kinds(q) -> set[type]:
    found = {type(q)}
    for sub in q.children():
        found |= _kinds(sub)
    return found


def test_every_built_query_matches_and_scores_as_whoosh(sample_data):
    ix = open_index(sample_data.index_root)
    queries = _queries()
    with ix.searcher(weighting=Weighting()) as s:
        assert len(s.leaf_searchers()) > 1  # documents numbered per segment
        ev = Evaluator(s)
        matched = 0
        for q in queries:
            expected = _whoosh(s, q)
            _assert_same(expected, _engine(ev, q), q)
            matched += len(expected)
    kinds = set().union(*map(_kinds, queries))
    assert {Term, Or, And, AndMaybe, Phrase} <= kinds
    assert matched > 500


def test_filters_match_as_whoosh(sample_data):
    ix = open_index(sample_data.index_root)
    tax = taxonomy()
    strict, _ = build_queries(understand("人才公寓", tax))
    cases = [
        {"q": "人才公寓", "region": "wangjing"},
        {"q": "人才公寓", "scenario": "livable", "lang": "zh"},
        {"q": "人才公寓", "status": "expired"},
        {"q": "人才公寓", "agency": "no such agency"},
    ]
    with ix.searcher(weighting=Weighting()) as s:
        ev = Evaluator(s)
        sizes = []
        for args in cases:
            filt = _filter_query(parse_params(args, tax))
            expected = _whoosh(s, strict, filter=filt) if _whoosh(s, filt) else {}
            got = _engine(ev, strict, ev.mask(filt))
            _assert_same(expected, got, args)
            sizes.append(len(got))
    assert sizes[0] > 0 and sizes[-1] == 0


def test_postings_decode_as_whoosh_reads_them(sample_data):
    ix = open_index(sample_data.index_root)
    kinds, longest = set(), 0
    with ix.reader() as top:
        for reader, _ in top.leaf_readers():
            fmt = reader.schema["body"].format
            for text in reader.lexicon("body"):
                m = reader._terms.matcher("body", text, fmt)
                kinds.add(type(m).__name__)
                ids, tf = _decode(m)
                whoosh, expected = reader.postings("body", text), []
                while whoosh.is_active():
                    expected.append((whoosh.id(), whoosh.weight()))
                    whoosh.next()
                assert list(zip(ids.tolist(), tf.tolist(), strict=True)) == expected, text
                longest = max(longest, len(ids))
    assert kinds == {"W3LeafMatcher"} and longest > 128  # terms spanning blocks (128 postings each)
    ids, tf = _decode(
        ListMatcher([2, 5, 9], [1.0, 3.0, 1.0])
    )  # any other matcher, posting by posting
    assert ids.tolist() == [2, 5, 9] and tf.tolist() == [1.0, 3.0, 1.0]


def test_deleted_documents_never_match(tmp_path):
    paths = settings.DataPaths(tmp_path)
    docs = [make_doc(n, text=f"人才公寓申请条件第{n}条。") for n in range(40)]
    build_index(paths, docs)
    with DocumentStore(paths.store) as store:
        for d in docs[:10]:  # changed: their old versions are deleted in the first segment
            put(store, make_doc(docs.index(d), text="人才公寓已更新。"))
        store.delete(docs[10].id)
    build_index(paths, [], full=False)
    ix = open_index(paths.index_root)
    q = Or([Term("body", "人才"), Term("body", "公寓"), Term("body", "申请")])
    with ix.searcher(weighting=Weighting()) as s:
        assert s.reader().has_deletions()
        expected = _whoosh(s, q)
        got = _engine(Evaluator(s), q)
        _assert_same(expected, got, q)
        assert len(got) == 39 and len(got) < s.doc_count_all()


def test_cached_postings_give_the_same_answers(sample_data):
    ix = open_index(sample_data.index_root)
    cache = LRU(2**20, weigh=lambda v: v[0].nbytes + v[1].nbytes)
    q = _queries()[0]
    with ix.searcher(weighting=Weighting()) as s:
        first = _engine(Evaluator(s, cache), q)
        assert len(cache) > 0 and 0 < cache.total <= 2**20
        again = _engine(Evaluator(s, cache), q)
        assert again == first == pytest.approx(_whoosh(s, q))


def test_best_keeps_ties_in_document_order_and_newest_as_whoosh_sorts():
    scores = np.array([1.0, 3.0, 2.0, 3.0, 0.0, 3.0])
    mask = np.array([True, True, True, True, False, True])
    m = Matches(scores, mask)
    assert m.count == 5
    assert m.best(2) == [(1, 3.0), (3, 3.0)]
    assert [d for d, _ in m.best(10)] == [1, 3, 5, 2, 0]
    dates = np.array([20240101, 20230101, 20240101, 0, 20250101, 20230101])
    assert [d for d, _ in m.newest(10, dates)] == [2, 0, 5, 1, 3]


def test_lru_stays_within_its_size():
    cache = LRU(10, weigh=len)
    cache.put("a", "xxxx")
    cache.put("b", "xxxx")
    assert cache.get("a") == "xxxx"
    cache.put("c", "xxxx")  # over 10: the least recently used ("b") goes
    assert cache.get("b") is None and cache.get("a") and cache.get("c") and cache.total == 8
    cache.put("d", "x" * 11)  # larger than the whole cache: not kept
    assert cache.get("d") is None and cache.total == 8


def test_facet_table_gives_rows_back_and_shares_their_values():
    rows = [
        {
            "id": f"d{n}",
            "title": f"标题{n}",
            "title_en": "",
            "region": ["wangjing", "beijing"],
            "scenario": ["livable"],
            "audience": ["foreign-talent"],
            "agency": ["北京市住房和城乡建设委员会"],
            "year": "2024",
            "status": "in_force",
            "lang": "zh",
            "date": "2024-05-01",
            "gone": n == 2,
            "kind": "policy",
            "pairs": [f"e{n}"],
        }
        for n in range(3)
    ]
    table = FacetTable([rows[0], None, *rows[1:]])
    assert len(table) == 4 and table[1] is None
    assert [table[0], table[2], table[3]] == rows and table.id(3) == "d2"
    assert [f["id"] if f else None for f in table] == ["d0", None, "d1", "d2"]
    assert table._rows[0][3] is table._rows[3][3]  # one region tuple for every document holding it
