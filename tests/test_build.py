"""Index builds: generations swapped atomically, incremental updates, the writer lock."""

import gc

import pytest
from whoosh.query import Term

from conftest import build_index, make_doc, put
from indexer import links
from indexer.build import IndexBusy, build, build_lock
from indexer.schema import current_generation, open_index
from indexer.store import DocumentStore


def _ids(paths):
    with open_index(paths.index_root).searcher() as s:
        return sorted(f["id"] for f in s.all_stored_fields())


def test_full_build_then_incremental_update_and_delete(small_data):
    docs = [make_doc(i) for i in range(5)]
    r = build_index(small_data, docs)
    assert r.added == 5 and _ids(small_data) == sorted(d.id for d in docs)
    gen = current_generation(small_data.index_root)
    with DocumentStore(small_data.store) as store:
        put(store, make_doc(5))
        put(store, make_doc(1, title="改过的标题"))
        store.delete(docs[2].id)
        r = build(store, small_data.index_root, small_data.lock)
    assert r.mode == "incremental" and r.added == 2 and r.deleted == 1
    assert current_generation(small_data.index_root) == gen
    ids = _ids(small_data)
    assert docs[2].id not in ids and make_doc(5).id in ids and len(ids) == 5
    with open_index(small_data.index_root).searcher() as s:
        assert len(s.search(Term("title", "改过"))) == 1


def test_readers_keep_their_generation_during_a_full_rebuild(small_data):
    build_index(small_data, [make_doc(i) for i in range(3)])
    reader = open_index(small_data.index_root).searcher()
    before = current_generation(small_data.index_root)
    build_index(small_data, [make_doc(i) for i in range(3, 6)], full=True)
    after = current_generation(small_data.index_root)
    assert after != before
    assert reader.doc_count() == 3  # the old searcher still reads its complete generation
    reader.close()
    assert len(_ids(small_data)) == 6


def test_second_writer_is_refused_with_a_clear_message(small_data):
    small_data.ensure()
    with (
        build_lock(small_data.lock),
        DocumentStore(small_data.store) as store,
        pytest.raises(IndexBusy, match="another `policy-index index` is running"),
    ):
        build(store, small_data.index_root, small_data.lock)


def test_recrawl_updates_by_url(small_data):
    small_data.ensure()
    with DocumentStore(small_data.store) as store:
        assert put(store, make_doc(1)) == "new"
        assert put(store, make_doc(1)) == "unchanged"
        assert put(store, make_doc(1, text="新的正文。")) == "changed"
        assert store.count() == 1
        assert store.get(make_doc(1).id).text == "新的正文。"


# Whoosh leaves the file handle of a table of contents it refuses open until collected.
@pytest.mark.filterwarnings(
    "ignore::ResourceWarning", "ignore::pytest.PytestUnraisableExceptionWarning"
)
def test_damaged_index_is_reported_with_the_rebuild_command_and_rebuilt(small_data):
    from search_app import create_app

    build_index(small_data, [make_doc(i, title=f"人才公寓文件{i}") for i in range(4)])
    gen = current_generation(small_data.index_root)
    for f in gen.iterdir():
        if f.suffix in (".seg", ".toc", ".trm", ".pst") or f.name.endswith(".seg"):
            f.write_bytes(b"\x00garbage")
    client = create_app(small_data.root, {"TESTING": True}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and "policy-index index --full" in health.get_json()["error"]
    r = client.get("/api/search?q=人才公寓")
    assert r.status_code == 503 and "damaged" in r.get_json()["error"]
    assert client.get("/search?q=人才公寓").status_code == 503
    # The next index run notices and rebuilds from the store; nothing was lost.
    with DocumentStore(small_data.store) as store:
        put(store, make_doc(9, title="人才公寓文件9"))
        report = build(store, small_data.index_root, small_data.lock)
    assert report.mode == "full" and report.added == 5
    assert client.get("/api/search?q=人才公寓").get_json()["total"] == 5
    gc.collect()  # close Whoosh's leaked handle while this test's warning filter applies


def test_posting_runs_spilled_to_disk_read_back_exactly(tmp_path):
    """A build whose postings outgrow the pool's memory (sorted runs on disk, merged at commit)
    writes the same index as one that keeps them all in memory."""
    from whoosh import index

    from indexer.schema import build_schema, to_fields
    from indexer.whoosh_compat import MarshalPostingPool, marshal_posting_runs

    words = [
        "人才公寓",
        "子女入学",
        "外籍人才服务站",
        "R visa",
        "工作许可",
        "国际医疗",
        "居留许可",
        "创业补贴",
    ]
    docs = [
        make_doc(
            i,
            title=f"{words[i % 8]}办理指南{i}",
            title_en=f"Guide {i} {words[(i + 3) % 8]}",
            text="。".join(words[(i + k) % 8] * (k + 1) for k in range(12)) + f"第{i}条。",
        )
        for i in range(40)
    ]
    postings = []
    for limitmb in (64, 0.02):  # everything in memory; a run every ~20 KB of postings
        folder = tmp_path / str(limitmb)
        folder.mkdir()
        ix = index.create_in(str(folder), build_schema())
        with marshal_posting_runs():
            writer = ix.writer(limitmb=limitmb)
            assert isinstance(writer.pool, MarshalPostingPool)
            for d in docs:
                writer.add_document(**to_fields(d))
            runs = len(writer.pool.runs)
            writer.commit()
        with ix.reader() as r:
            postings.append((runs, list(r.iter_postings())))
    (runs_in_memory, in_memory), (runs_spilled, spilled) = postings
    assert runs_in_memory == 0 and runs_spilled > 3
    assert len(in_memory) > 1000 and spilled == in_memory


def test_an_interpretation_carries_the_number_of_the_policy_it_links_to(small_data):
    policy = make_doc(1, doc_number="京人社发〔2018〕45号")
    other = make_doc(2, doc_number="京政发〔2020〕3号")
    reading = make_doc(
        3,
        kind="interpretation",
        links=[
            {"url": policy.url, "rel": "original"},
            {"url": policy.url, "rel": "policy"},
            {"url": other.url, "rel": "related"},  # not what it explains
            {"url": "https://test.example/doc/404.html", "rel": "policy"},
        ],
    )  # never stored
    with DocumentStore(small_data.ensure().store) as store:
        for d in (policy, other, reading):
            put(store, d)
        links.resolve(store)
        assert store.get(reading.id).related_numbers == ["京人社发〔2018〕45号"]
        got = store.get(policy.id).related
        assert [(r["rel"], r["id"]) for r in got] == [
            ("translation", reading.id),
            ("explained_by", reading.id),
        ]
        store.delete(policy.id)
        links.resolve(store)
        assert store.get(reading.id).related_numbers == []
        unresolved = store.get(reading.id).related
        assert {r["url"] for r in unresolved} == {policy.url, "https://test.example/doc/404.html"}
        assert all(r["id"] is None for r in unresolved)
