"""The store's versions: written with each change in one transaction, never overwritten, gone and
back, re-derivations told apart from source changes, stores from before versions seeded; validity
periods read from the text; the text diff."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import make_doc, put
from indexer import pipeline, settings
from indexer.dedupe import fingerprint
from indexer.fields import parse_validity
from indexer.sources import source_from_arg
from indexer.store import DocumentStore
from search_app.changes import text_diff


@pytest.fixture()
def store(tmp_path):
    with DocumentStore(tmp_path / "documents.sqlite3") as s:
        yield s


def _events(store, doc_id):
    return [(v.n, v.event, v.cause, v.changes) for v in store.history.versions(doc_id)]


def test_each_change_appends_a_version_and_unchanged_pages_do_not(store):
    doc = make_doc(1)
    assert put(store, doc) == "new"
    assert put(store, make_doc(1)) == "unchanged"
    assert put(store, make_doc(1, status="expired", text="正文内容已修改。")) == "changed"
    same_words = make_doc(1, status="expired", text="正文内容已修改。", extractor="v2")
    assert put(store, same_words) == "unchanged"  # only how it was made differs: no version
    assert _events(store, doc.id) == [
        (1, "new", "source", []),
        (2, "changed", "source", ["status", "text"]),
    ]
    assert store.history.version(doc.id, 1).body["text"] == "正文内容。"
    got = store.get(doc.id)
    assert got.version == 2 and got.updated_on and got.gone_on is None
    assert got.extractor == "v2"  # the body was still rewritten


def test_gone_is_a_version_and_a_page_coming_back_is_one_too(store):
    doc = make_doc(1)
    put(store, doc)
    assert store.mark_gone(doc.id) and not store.mark_gone(doc.id)  # gone once
    assert store.get(doc.id).gone_on and store.is_gone(doc.id) and store.count() == 1
    # newer rules re-reading the kept page do not bring it back
    assert store.put(make_doc(1, title="新规则下的标题"), fingerprint(doc), cause="rules")
    assert store.get(doc.id).gone_on is not None
    assert put(store, make_doc(1, title="新规则下的标题")) == "changed"  # the source has it again
    assert store.get(doc.id).gone_on is None
    assert _events(store, doc.id) == [
        (1, "new", "source", []),
        (2, "gone", "source", ["gone"]),
        (3, "changed", "rules", ["title"]),
        (4, "returned", "source", ["gone"]),
    ]
    assert [v.n for v in store.history.recent()] == [4, 2, 1]  # feeds: what the source did


def test_a_failed_write_leaves_neither_document_nor_version(store):
    put(store, make_doc(1))
    # another id claiming the same URL: SQLite refuses the row after the version was written
    clash = make_doc(1, id="f" * 16, text="改了。")
    with pytest.raises(sqlite3.IntegrityError):
        put(store, clash)
    assert store.history.versions(clash.id) == [] and store.get(clash.id) is None
    assert store.get(make_doc(1).id).text == "正文内容。"
    assert len(store.history.versions(make_doc(1).id)) == 1


def test_a_store_from_before_versions_gets_version_one_of_each_document(tmp_path):
    path = tmp_path / "documents.sqlite3"
    with DocumentStore(path) as s:
        put(s, make_doc(1))
        put(s, make_doc(2))
    db = sqlite3.connect(path)  # as the previous release left it
    db.executescript("DROP TABLE versions; UPDATE documents SET version = 0, changed_at = NULL;"
                     "PRAGMA user_version = 2;")  # fmt: skip
    db.close()
    with DocumentStore(path, readonly=True) as ro:
        assert ro.history.versions(make_doc(1).id) == []  # read-only: nothing created
    with DocumentStore(path) as s:
        assert _events(s, make_doc(1).id) == [(1, "new", "source", [])]
        assert {i for _, i, _ in s.changes_since(2)} == {make_doc(1).id, make_doc(2).id}
        assert s.get(make_doc(2).id).version == 1
        assert put(s, make_doc(2, text="新的正文。")) == "changed"
        assert [v.n for v in s.history.versions(make_doc(2).id)] == [1, 2]


def test_a_file_gone_from_a_local_source_is_marked_gone(tmp_path):
    from test_crawl import policy_page

    folder = tmp_path / "site"
    folder.mkdir()
    for n in (1, 2):
        (folder / f"{n}.html").write_text(
            policy_page(
                f"外籍人才政策第{n}号", f"第一条　第{n}项措施。", number=f"京发〔2023〕{n}号"
            ),
            encoding="utf-8",
        )
    config = settings.for_data(tmp_path / "data")
    pipeline.crawl(config, [source_from_arg(str(folder))], progress=False)
    (folder / "2.html").unlink()
    (report,) = pipeline.crawl(config, [source_from_arg(str(folder))], progress=False)
    assert (report.unchanged, report.gone) == (1, 1)
    with DocumentStore(config.paths.store) as s:
        gone = [d.title for d in s.iter_documents() if d.gone_on]
    assert gone == ["外籍人才政策第2号"]
    (again,) = pipeline.crawl(config, [source_from_arg(str(folder))], progress=False)
    assert again.gone == 0  # counted once


@pytest.mark.parametrize(
    ("text", "written", "published", "until"),
    [
        ("本办法自2024年3月1日起施行，有效期3年。", None, None, "2027-02-28"),
        ("本办法自印发之日起施行，有效期五年。", "2023-06-10", "2023-06-15", "2028-06-09"),
        ("本措施自发布之日起施行，有效期两年。", "2023-06-10", "2023-06-15", "2025-06-14"),
        ("本通知自2024年2月29日起实施，试行期1年。", None, None, "2025-02-28"),
        ("有效期至2027年12月31日。", None, None, "2027-12-31"),
        ("本办法有效期至二〇二六年六月三十日止。", None, None, "2026-06-30"),
        ("有效期至2025年1月1日。后经修订，本办法自2025年1月1日起施行，有效期3年。", None, None,
         "2027-12-31"),
        ("护照有效期为10年；居留许可有效期最长不超过5年。", "2023-01-01", None, None),
        ("本办法自印发之日起施行，有效期3年。", None, None, None),  # from when: not stated
        ("", None, None, None),
    ],
)  # fmt: skip
def test_validity_periods_are_read_by_rule(text, written, published, until):
    assert parse_validity(text, written, published) == until


def test_text_diff_marks_insertions_deletions_and_folds_what_did_not_change():
    old = "\n".join(["第一条 总则。", "第二条 不变。", "第三条 不变。", "第四条 不变。",
                     "第五条 租金按八折执行。"])  # fmt: skip
    new = "\n".join(["第一条 总则。", "第二条 不变。", "第三条 不变。", "第四条 不变。",
                     "第五条 租金按七折执行。", "第六条 新增条款。"])  # fmt: skip
    d = text_diff(old, new)
    assert [p.folded for p in d.paragraphs] == [3, 0, 0, 0]  # one paragraph of context kept
    assert d.paragraphs[2].segments == [("equal", "第五条 租金按"), ("delete", "八"),
                                        ("insert", "七"), ("equal", "折执行。")]  # fmt: skip
    assert d.paragraphs[3].segments == [("insert", "第六条 新增条款。")]
    assert (d.inserted, d.deleted) == (10, 1) and d.excerpt() == "七"
    # a rewritten sentence is one deletion and one insertion, not strewn single characters
    rewritten = text_diff(
        "申请人应当提交身份证明和学历证明。", "申请人须在线提交劳动合同及社保证明。"
    )
    ops = [op for op, _ in rewritten.paragraphs[0].segments]
    assert ops.count("insert") <= 3 and ops.count("delete") <= 3
    assert not text_diff("同样。", "同样。").changed
