"""Reindexing without downtime: gunicorn (the production config) serves a data folder while client
threads search it and `policy-index index` rebuilds, updates, is killed with SIGKILL and recovers;
a damaged document store is reported with the commands that rebuild it."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import make_doc, put
from indexer.schema import current_generation
from indexer.store import DocumentStore

pytestmark = pytest.mark.slow  # see setup.cfg: `-m "not slow"` for the inner loop

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
EXE = str(BIN / "policy-index")
# (query string, checked as page 1 of results): topics with many hits each, an English one,
# a filtered one and the empty query (everything, newest first).
QUERIES = [
    "q=人才公寓",
    "q=外籍人才",
    "q=签证&region=huairou",
    "q=work+permit",
    "q=子女入学&per_page=5",
    "q=",
]
SEARCH_KEYS = {"query", "total", "page", "per_page", "results", "packages", "facets", "suggestion"}


@dataclass
class Served:
    base: str
    data: Path
    proc: subprocess.Popen
    log: Path

    def get(self, path: str, timeout: float = 10) -> tuple[int, dict]:
        try:
            with urllib.request.urlopen(self.base + path, timeout=timeout) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def search(self, qs: str) -> dict:
        status, body = self.get("/api/search?" + _quote(qs))
        assert status == 200, (qs, status, body)
        return body

    def log_mark(self) -> int:
        return self.log.stat().st_size

    def logged_errors(self, since: int) -> list[str]:
        """The exception of every unexpected error the app logged after the mark."""
        with open(self.log, encoding="utf-8", errors="replace") as fh:
            fh.seek(since)
            blocks = fh.read().split("unexpected error on")[1:]
        return [
            next(
                (
                    ln
                    for ln in b.splitlines()[1:]
                    if ln and not ln[0].isspace() and not ln.startswith("Traceback")
                ),
                "?",
            )
            for b in blocks
        ]

    def generation(self) -> str:
        status, body = self.get("/healthz")
        assert status == 200, body
        return body["index"]


def _quote(qs: str) -> str:
    return urllib.parse.urlencode(urllib.parse.parse_qsl(qs, keep_blank_values=True))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def served(sample_data, tmp_path_factory):
    """gunicorn with gunicorn.conf.py (2 workers x 4 threads) over a copy of the
    sample data folder."""
    data = tmp_path_factory.mktemp("served") / "data"
    shutil.copytree(sample_data.root, data, ignore=shutil.ignore_patterns("index.lock"))
    port = _free_port()
    env = {
        **os.environ,
        "POLICY_INDEX_DATA": str(data),
        "POLICY_INDEX_BIND": f"127.0.0.1:{port}",
        "POLICY_INDEX_API_RATE_LIMIT": "1000000 per minute",
        "POLICY_INDEX_LOG_LEVEL": "warning",
    }
    log = data.parent / "gunicorn.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "-c",
                "gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "search_app.wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    srv = Served(f"http://127.0.0.1:{port}", data, proc, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            try:
                if srv.get("/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                time.sleep(0.3)
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Hammer:
    """Client threads searching the query mix as fast as they can; every answer is checked."""

    served: Served
    baseline: dict[str, int]
    threads: int = 3  # with the build and gunicorn's two workers, enough to load two cores
    failures: list[str] = field(default_factory=list)
    done: int = 0

    def __post_init__(self) -> None:
        self._mark = self.served.log_mark()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._workers = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(self.threads)
        ]

    def _check(self, qs: str) -> str | None:
        try:
            status, body = self.served.get("/api/search?" + _quote(qs))
        except (OSError, ValueError) as exc:  # refused, reset, timed out, not JSON
            return f"{qs}: {type(exc).__name__}: {exc}"
        if status != 200:
            return f"{qs}: HTTP {status} {body}"
        if not isinstance(body, dict) or not set(body) >= SEARCH_KEYS:
            return f"{qs}: bad shape {str(body)[:200]}"
        total, results = body["total"], body["results"]
        if total < self.baseline[qs]:
            return f"{qs}: total {total} dropped below {self.baseline[qs]}"
        if len(results) != min(total, body["per_page"]):
            return f"{qs}: half a page: {len(results)} results of total {total}"
        return None

    def _run(self, i: int) -> None:
        rng = random.Random(i)
        while not self._stop.is_set():
            problem = self._check(rng.choice(QUERIES))
            with self._lock:
                self.done += 1
                if problem:
                    self.failures.append(problem)

    def problems(self) -> list[str]:
        # Every failure counts: a search pins one index version (SearchIndex.pinned), so a build
        # committing mid-request can no longer close the searcher it reads (ReaderClosed, HTTP 500).
        errors = self.served.logged_errors(self._mark)
        return self.failures + [f"logged: {e}" for e in errors]

    def __enter__(self) -> Hammer:
        for t in self._workers:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for t in self._workers:
            t.join(timeout=30)


def _baseline(served: Served) -> dict[str, int]:
    base = {qs: served.search(qs)["total"] for qs in QUERIES}
    assert all(base.values()), base  # every query of the mix has results to lose
    return base


def _index(served: Served, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [EXE, "index", *args, "--data", str(served.data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_full_rebuild_under_load_never_fails_a_search(served):
    baseline = _baseline(served)
    before = served.generation()
    with Hammer(served, baseline) as hammer:
        time.sleep(0.5)
        out = _index(served, "--full")
        time.sleep(1.0)  # and a while on the new generation
    assert out.returncode == 0, out.stderr
    assert not hammer.problems(), hammer.problems()[:5]
    assert hammer.done >= 20, hammer.done
    after = served.generation()
    assert after != before and after in out.stdout
    assert {
        qs: served.search(qs)["total"] for qs in QUERIES
    } == baseline  # same store, same answers


def test_incremental_update_under_load_is_searchable_within_seconds(served):
    baseline = _baseline(served)
    word = "雪豹"
    assert served.search(f"q={word}")["total"] == 0
    new = [
        make_doc(
            9000 + i,
            title=f"雪豹栖息地人才安居政策第{i}号",
            text=f"第一条　雪豹保护区第{i}批人才安居措施。{'具体办法另行规定。' * i}",
            doc_number=f"京雪发〔2024〕{i + 1}号",
        )
        for i in range(5)
    ]
    with Hammer(served, baseline) as hammer:
        time.sleep(0.3)
        with DocumentStore(served.data / "documents.sqlite3") as store:
            for d in new:
                assert put(store, d) == "new"
        out = _index(served)
        committed = time.monotonic()
        found = 0
        while time.monotonic() - committed < 10:
            found = served.search(f"q={word}")["total"]
            if found == len(new):
                break
            time.sleep(0.1)
        visible_after = time.monotonic() - committed
    assert out.returncode == 0 and "incremental index build: 5 documents written" in out.stdout, (
        out.stdout + out.stderr
    )
    assert found == len(new) and visible_after < 5, (found, visible_after)
    assert not hammer.problems(), hammer.problems()[:5]
    assert served.search("q=")["total"] == baseline["q="] + len(new)


def test_killed_full_build_leaves_the_served_index_alone_and_recovers(served):
    index_root = served.data / "index"
    baseline = _baseline(served)
    pages = {qs: [r["id"] for r in served.search(qs)["results"]] for qs in QUERIES}
    before = served.generation()
    with Hammer(served, baseline) as hammer:
        proc = subprocess.Popen(
            [EXE, "index", "--full", "--data", str(served.data)],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline, partial = time.monotonic() + 60, None
        while partial is None and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            partial = next(
                (g for g in index_root.glob("gen-*") if g.name > before and any(g.iterdir())), None
            )
        time.sleep(0.5)  # well into writing the new generation
        still_running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert partial is not None and still_running, "the build ended before it could be killed"
        assert current_generation(index_root).name == before
        # Readers are still on the old generation, with the same answers.
        time.sleep(0.5)
        assert served.generation() == before
        assert {qs: [r["id"] for r in served.search(qs)["results"]] for qs in QUERIES} == pages
        # The lock died with the process: the next run completes and clears the
        # half-written generation.
        out = _index(served, "--full")
        time.sleep(0.5)
    assert out.returncode == 0, out.stderr
    assert not hammer.problems(), hammer.problems()[:5]
    after = served.generation()
    assert after not in (before, partial.name) and not partial.exists()
    assert sorted(p.name for p in index_root.glob("gen-*")) == [before, after]
    assert {qs: served.search(qs)["total"] for qs in QUERIES} == baseline


# ---- a damaged document store ---------------------------------------------------------------


def _store_copy(served: Served, dest: Path) -> Path:
    dest.mkdir(parents=True)
    with sqlite3.connect(served.data / "documents.sqlite3") as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute(f"VACUUM INTO '{dest / 'documents.sqlite3'}'")
    return dest / "documents.sqlite3"


def _garbage(path: Path) -> None:
    path.write_bytes(random.Random(1).randbytes(50_000))


def _truncated(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _scribbled(path: Path) -> None:
    """Pages in the middle overwritten: the file opens, and SQLite finds the damage mid-query."""
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(random.Random(2).randbytes(min(40_000, size // 3)))


@pytest.mark.parametrize(
    "damage", [_garbage, _truncated, _scribbled], ids=["garbage", "truncated", "scribbled"]
)
def test_damaged_store_is_reported_with_the_commands_that_rebuild_it(served, tmp_path, damage):
    data = tmp_path / "data"
    store = _store_copy(served, data)
    damage(store)
    for args in (["index", "--full"], ["index"], ["dump"]):
        proc = subprocess.run(
            [EXE, *args, "--data", str(data)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        err = proc.stderr.strip()
        assert proc.returncode == 1, (args, proc.stdout[-500:], err)
        assert "Traceback" not in err and len(err.splitlines()) == 1, err
        assert str(store) in err and "damaged" in err, err
        assert (
            f"policy-index crawl --data {data}" in err
            and f"policy-index index --full --data {data}" in err
        )
    # A build that failed on the store leaves no half-written generation behind.
    assert not list((data / "index").glob("gen-*"))
