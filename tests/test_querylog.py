"""The query log on a real SQLite file: normalising, reports, expiry, periods, and writes that
never fail."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from indexer.store import DocumentStore
from search_app.querylog import PeriodError, QueryLog, normalize, period

DAY = 86400.0


@pytest.fixture()
def qlog(tmp_path):
    with QueryLog(tmp_path / "querylog.sqlite3", keep_days=90) as q:  # a file of its own
        yield q


def test_a_log_kept_in_the_store_by_an_earlier_version_moves_to_its_own_file(tmp_path):
    store = tmp_path / "documents.sqlite3"
    with DocumentStore(store), QueryLog(store, keep_days=90) as old:  # where it used to live
        assert old.record("人才公寓", {}, 3, 1.0)
        assert old.record("work permit", {"region": "zgc"}, 0, 2.0)
    with QueryLog(tmp_path / "querylog.sqlite3", keep_days=90, legacy=store) as new:
        rows = new._conn().execute("SELECT query, results FROM query_log ORDER BY id").fetchall()
    assert rows == [("人才公寓", 3), ("work permit", 0)]
    conn = sqlite3.connect(store)
    try:  # gone from the store, which keeps its documents
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'query_log'").fetchone()
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone()
    finally:
        conn.close()


def test_normalize_folds_case_width_and_spaces():
    assert normalize("  Talent   APARTMENT\t") == "talent apartment"
    assert normalize("ＷＯＲＫ　ｐｅｒｍｉｔ") == "work permit"  # full-width letters and space
    assert normalize("人才公寓") == "人才公寓"
    assert normalize("   ") == ""


def test_record_stores_what_was_asked_and_nothing_about_who(qlog):
    assert qlog.record(
        " Talent  Apartment ", {"region": "huairou"}, 7, 12.345, ui_lang="en", via="page"
    )
    cols = [r[1] for r in qlog._conn().execute("PRAGMA table_info(query_log)")]
    assert cols == [
        "id",
        "at",
        "query",
        "norm",
        "filters",
        "results",
        "took_ms",
        "page",
        "ui_lang",
        "via",
    ]
    row = (
        qlog._conn()
        .execute("SELECT query, norm, filters, results, took_ms, ui_lang, via FROM query_log")
        .fetchone()
    )
    assert row == (
        " Talent  Apartment ",
        "talent apartment",
        '{"region": "huairou"}',
        7,
        12.35,
        "en",
        "page",
    )


def test_top_queries_group_by_normal_form_and_order_by_count(qlog):
    now = time.time()
    for i, q in enumerate(
        ["人才公寓", "Work Permit", "人才公寓", "work  permit", "人才公寓", "签证"]
    ):
        qlog.record(q, {}, 3, 1.0, when=now - 100 + i)
    qlog.record("签证", {}, 0, 1.0, page=2, when=now)  # a later page is paging, not another search
    qlog.record("", {"region": "zgc"}, 40, 1.0, when=now)  # browsing without words
    top = qlog.top_queries(now - DAY, now + 1)
    assert [(s.norm, s.searches) for s in top] == [("人才公寓", 3), ("work permit", 2), ("签证", 1)]
    assert top[1].query == "work  permit"  # the latest form typed is shown
    assert [s.norm for s in qlog.top_queries(now - DAY, now + 1, limit=1)] == ["人才公寓"]
    totals = qlog.totals(now - DAY, now + 1)
    assert totals == {
        "searches": 7,
        "distinct_queries": 3,
        "zero_result_searches": 0,
        "searches_without_words": 1,
    }


def test_ties_go_to_the_most_recent_query(qlog):
    now = time.time()
    qlog.record("older", {}, 1, 1.0, when=now - 50)
    qlog.record("newer", {}, 1, 1.0, when=now - 10)
    assert [s.norm for s in qlog.top_queries(now - DAY, now + 1)] == ["newer", "older"]


def test_zero_result_report_counts_only_searches_that_found_nothing(qlog):
    now = time.time()
    for q, n in [
        ("火星签证", 0),
        ("火星签证", 0),
        ("人才公寓", 5),
        ("月球学校", 0),
        ("人才公寓", 0),
        ("人才公寓", 0),
        ("人才公寓", 0),
    ]:
        qlog.record(q, {}, n, 1.0, when=now - 5)
    zero = qlog.top_zero_result(now - DAY, now + 1)
    assert [(s.norm, s.searches, s.zero) for s in zero] == [
        ("人才公寓", 3, 3),
        ("火星签证", 2, 2),
        ("月球学校", 1, 1),
    ]
    top = {s.norm: s for s in qlog.top_queries(now - DAY, now + 1)}
    assert top["人才公寓"].searches == 4 and top["人才公寓"].zero == 3


def test_a_click_keeps_the_normalised_query_the_document_and_its_rank_only(qlog):
    assert qlog.record_click(" Talent  Apartment ", "abc123", 4)
    cols = [r[1] for r in qlog._conn().execute("PRAGMA table_info(clicks)")]
    assert cols == ["id", "at", "norm", "doc_id", "rank"]
    [(norm, doc_id, rank)] = qlog._conn().execute("SELECT norm, doc_id, rank FROM clicks")
    assert (norm, doc_id, rank) == ("talent apartment", "abc123", 4)


def test_low_click_lists_queries_searched_often_and_rarely_opened(qlog):
    now = time.time()
    searches = {"人才公寓": (5, 5), "work permit": (4, 0), "子女入学": (4, 1), "火星签证": (6, 0),
                "看病": (2, 0)}  # fmt: skip
    for q, (n, _clicks) in searches.items():
        for _ in range(n):
            qlog.record(q, {}, 0 if q == "火星签证" else 3, 1.0, when=now - 60)
    qlog.record("work permit", {}, 3, 1.0, page=2, when=now - 60)  # a second page: not a search
    for q, (_n, clicks) in searches.items():
        for _ in range(clicks):
            qlog.record_click(q, "doc", 1, when=now - 30)
    for _ in range(2):  # before the period
        qlog.record_click("Work  Permit", "doc", 2, when=now - 30 * DAY)
    low = qlog.low_click(now - DAY, now + 1, min_searches=3, max_rate=0.3)
    # 火星签证 found nothing (the zero-result list has it), 看病 was searched too rarely, 人才公寓
    # is opened every time; 子女入学 at 1 of 4 is under 30%
    assert [(s.norm, s.searches, s.clicks) for s in low] == [
        ("work permit", 4, 0),
        ("子女入学", 4, 1),
    ]
    assert low[1].to_dict()["click_rate"] == 0.25
    assert [s.norm for s in qlog.low_click(now - DAY, now + 1, 3, 0.25)] == ["work permit"]
    # over 40 days, work permit's 2 of 4 earlier clicks count
    assert [s.norm for s in qlog.low_click(now - 40 * DAY, now + 1, 3, 0.3)] == ["子女入学"]


def test_clicks_expire_with_the_searches(qlog):
    now = time.time()
    qlog.record_click("old", "doc", 1, when=now - 100 * DAY)
    qlog.record_click("new", "doc", 1, when=now)
    qlog.purge()
    assert [r[0] for r in qlog._conn().execute("SELECT norm FROM clicks")] == ["new"]


def test_report_respects_the_period(qlog):
    now = time.time()
    qlog.record("last week", {}, 1, 1.0, when=now - 6 * DAY)
    qlog.record("today", {}, 1, 1.0, when=now - 60)
    assert [s.norm for s in qlog.top_queries(now - DAY, now + 1)] == ["today"]
    assert {s.norm for s in qlog.top_queries(now - 7 * DAY, now + 1)} == {"last week", "today"}
    report = qlog.report(period(7, now=now))
    assert report["totals"]["searches"] == 2 and report["keep_days"] == 90


def test_purge_removes_entries_older_than_the_keep_period(qlog):
    now = time.time()
    qlog.record(
        "recent", {}, 1, 1.0, when=now - 89 * DAY
    )  # the first write purges; the next do not
    qlog.record("ancient", {}, 1, 1.0, when=now - 200 * DAY)
    qlog.record("old", {}, 1, 1.0, when=now - 91 * DAY)
    assert qlog.purge() == 2
    rows = [r[0] for r in qlog._conn().execute("SELECT norm FROM query_log")]
    assert rows == ["recent"]
    assert qlog.purge(older_than=now) == 1


def test_writing_purges_expired_entries_now_and_then(qlog):
    now = time.time()
    qlog._conn().execute(
        "INSERT INTO query_log (at, query, norm, filters, results, took_ms, via)"
        " VALUES (?, 'old', 'old', '{}', 1, 1.0, 'api')",
        (now - 100 * DAY,),
    )
    qlog.record("fresh", {}, 1, 1.0, when=now)  # the first write of a process purges
    assert [r[0] for r in qlog._conn().execute("SELECT norm FROM query_log")] == ["fresh"]
    qlog._conn().execute(
        "INSERT INTO query_log (at, query, norm, filters, results, took_ms, via)"
        " VALUES (?, 'old', 'old', '{}', 1, 1.0, 'api')",
        (now - 100 * DAY,),
    )
    qlog.record("fresh", {}, 1, 1.0)  # ... and then at most once an hour
    assert (
        qlog._conn().execute("SELECT COUNT(*) FROM query_log WHERE norm = 'old'").fetchone()[0] == 1
    )
    qlog._last_purge -= 3601  # an hour later
    qlog.record("fresh", {}, 1, 1.0)
    assert (
        qlog._conn().execute("SELECT COUNT(*) FROM query_log WHERE norm = 'old'").fetchone()[0] == 0
    )


def test_a_locked_database_drops_the_entry_quickly_with_a_warning(qlog, caplog):
    qlog.record("warm-up", {}, 1, 1.0)
    other = sqlite3.connect(str(qlog.path), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        caplog.set_level(logging.WARNING, logger="indexer.querylog")
        t0 = time.perf_counter()
        assert qlog.record("blocked", {}, 1, 1.0) is False
        assert time.perf_counter() - t0 < 1.0
        assert "query log write failed" in caplog.text
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert qlog.record("after", {}, 1, 1.0) is True


def test_an_unwritable_log_never_raises(tmp_path):
    with QueryLog(tmp_path / "no" / "such" / "folder" / "documents.sqlite3") as q:
        assert q.record("x", {}, 1, 1.0) is False


def test_periods():
    now = time.mktime((2024, 5, 31, 15, 0, 0, 0, 0, -1))
    p = period(7, now=now)
    assert p.end - p.start == pytest.approx(7 * DAY + 1) and (p.since, p.until) == (
        "2024-05-24",
        "2024-05-31",
    )
    assert period(None, now=now).label == "last 7 days"
    p = period(None, "2024-05-01", "2024-05-03", now=now)
    assert (p.since, p.until) == ("2024-05-01", "2024-05-03")
    assert p.end - p.start == pytest.approx(3 * DAY, abs=3600)  # three whole local days
    assert period(None, "2024-05-30", now=now).until == "2024-05-31"


@pytest.mark.parametrize(
    "args,message",
    [
        ((0, None, None), "days must be between 1 and"),
        (("soon", None, None), "days must be a whole number"),
        ((7, "2024-05-01", None), "either days or since/until"),
        ((None, "2024-05-03", "2024-05-01"), "since must not be after until"),
        ((None, "2024-02-30", None), "since must be a date like"),
        ((None, None, "yesterday"), "until must be a date like"),
    ],
)
def test_bad_periods_are_refused_with_a_reason(args, message):
    with pytest.raises(PeriodError, match=message):
        period(*args)
