"""`policy-index queries` (the query-log report) and `policy-index operator-hash`, through click."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from indexer import settings
from indexer.store import DocumentStore
from search_app.cli import main
from search_app.querylog import QueryLog

DAY = 86400.0


@pytest.fixture()
def logged(tmp_path):
    """A data folder whose store holds a known query log."""
    paths = settings.DataPaths(tmp_path / "data").ensure()
    with DocumentStore(paths.store):
        pass
    now = time.time()
    with QueryLog(paths.store) as q:
        q.record(
            "warm-up", {}, 1, 1.0, when=now - 30 * DAY
        )  # the first write purges; the rest stay
        for query, n in [
            ("人才公寓", 5),
            ("人才公寓", 4),
            ("人才公寓", 0),
            ("Work Permit", 2),
            ("work permit", 2),
            ("火星签证", 0),
            ("火星签证", 0),
            ("月球学校", 0),
        ]:
            q.record(query, {"region": "zgc"}, n, 3.0, when=now - 3600)
        q.record("expired entry", {}, 0, 1.0, when=now - 120 * DAY)
    return paths


def invoke(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_report_lists_top_and_zero_result_queries_in_order(logged):
    r = invoke("queries", "--days", "7", "--data", str(logged.root))
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "last 7 days" in out and "8 searches, 4 different queries, 4 found nothing" in out
    top, zero = out.lower().split("top queries that found nothing:")
    assert (
        top.index("人才公寓")
        < top.index("work permit")
        < top.index("火星签证")
        < top.index("月球学校")
    )
    assert zero.index("火星签证") < zero.index("人才公寓") < zero.index("月球学校")
    assert "warm-up" not in out  # 30 days ago is outside the last 7
    assert "purged 1 entries older than 90 days" in r.stderr
    assert (
        "expired entry" not in invoke("queries", "--days", "365", "--data", str(logged.root)).stdout
    )


def test_report_as_json_with_top_and_zero_only(logged):
    r = invoke(
        "queries", "--days", "30", "--top", "2", "--json", "--zero", "--data", str(logged.root)
    )
    body = json.loads(r.stdout)
    assert "top_queries" not in body and body["purged"] == 1
    assert [row["query"] for row in body["top_zero_result"]] == ["火星签证", "人才公寓"]
    assert body["top_zero_result"][0]["searches"] == 2
    body = json.loads(
        invoke(
            "queries",
            "--since",
            "2000-01-01",
            "--until",
            "2000-01-02",
            "--json",
            "--data",
            str(logged.root),
        ).stdout
    )
    assert body["totals"]["searches"] == 0 and body["top_queries"] == [] and body["purged"] == 0


@pytest.mark.parametrize(
    "args,message",
    [
        (["--days", "3", "--since", "2024-01-01"], "either days or since/until"),
        (["--since", "2024-99-01"], "since must be a date like"),
        (["--days", "0"], "0 is not in the range"),
    ],
)
def test_bad_periods_are_one_line_errors(logged, args, message):
    r = CliRunner().invoke(main, ["queries", *args, "--data", str(logged.root)])
    assert r.exit_code != 0 and message in r.stderr and "Traceback" not in r.stderr


def test_report_without_a_store_says_so(tmp_path):
    r = CliRunner().invoke(main, ["queries", "--data", str(tmp_path / "empty")])
    assert r.exit_code == 1 and "no query log" in r.stderr
    assert not (tmp_path / "empty").exists()


def test_operator_hash_prints_a_werkzeug_hash_never_the_password():
    r = CliRunner().invoke(
        main, ["operator-hash"], input="a long enough secret\na long enough secret\n"
    )
    assert r.exit_code == 0, r.output
    hashed = r.stdout.strip().splitlines()[-1]
    assert (
        check_password_hash(hashed, "a long enough secret")
        and "a long enough secret" not in r.stdout
    )
    r = CliRunner().invoke(main, ["operator-hash", "--stdin"], input="another secret phrase\n")
    assert check_password_hash(r.stdout.strip(), "another secret phrase")


def test_operator_hash_refuses_short_or_mismatched_passwords():
    r = CliRunner().invoke(main, ["operator-hash", "--stdin"], input="short\n")
    assert r.exit_code == 1 and "at least 12 characters" in r.stderr
    r = CliRunner().invoke(main, ["operator-hash"], input="first password 1\nsecond password\n")
    assert r.exit_code != 0
