"""The query log: anonymous search records in their own SQLite file (querylog.sqlite3 in the data
folder), expiring, with top-query, zero-result and low-click reports.

An entry holds what was asked and what came back — the query as typed and normalised, the
filters, the result count, the time taken, the interface language and which front (page or
API) asked — and nothing about who asked: no address, user agent, cookie or session. A click
(a reader opening a policy from a results page) holds the normalised query, the document and its
rank in the results, and likewise nothing about who.

Writing must never fail or slow a search: each entry is one short autocommit INSERT on a
shared connection with a small busy timeout; an SQLite error is logged as a warning and the
entry dropped."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sqlite3
import threading
import time
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS query_log (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,            -- unix time of the search
    query TEXT NOT NULL,         -- as typed
    norm TEXT NOT NULL,          -- normalised for grouping (see normalize())
    filters TEXT NOT NULL,       -- JSON object of the filters given, keys sorted
    results INTEGER NOT NULL,    -- total results found
    took_ms REAL NOT NULL,
    page INTEGER NOT NULL DEFAULT 1,
    ui_lang TEXT,                -- interface language of a page search; null for the API
    via TEXT NOT NULL            -- 'page' or 'api'
);
CREATE INDEX IF NOT EXISTS query_log_at ON query_log(at);
CREATE TABLE IF NOT EXISTS clicks (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,            -- unix time of the click
    norm TEXT NOT NULL,          -- the normalised query of the results it was made on
    doc_id TEXT NOT NULL,        -- the policy opened
    rank INTEGER NOT NULL        -- its place in those results, from 1
);
CREATE INDEX IF NOT EXISTS clicks_at ON clicks(at);
"""
BUSY_TIMEOUT_MS = 200  # how long a write waits for another writer before the entry is dropped
LOCK_TIMEOUT_S = 0.5  # how long a thread waits for the shared connection
PURGE_EVERY_S = 3600.0  # expired entries are purged on write at most this often
MAX_STORED_CHARS = 500  # a query longer than the search accepts is never stored whole
PERIOD_DAYS = (1, 7, 30, 90)  # what the report page offers; any 1..MAX_PERIOD_DAYS is accepted
MAX_PERIOD_DAYS = 3660
_SPACES = re.compile(r"\s+")


def normalize(query: str) -> str:
    """The grouping key of a query: full-width folded (NFKC), case-folded, spaces collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", query).casefold()).strip()


class PeriodError(ValueError):
    """A report period that cannot be used; the message says why."""


@dataclass(frozen=True)
class Period:
    """A half-open time span [start, end) in unix seconds, with a label for people."""

    start: float
    end: float
    label: str
    since: str  # first day, YYYY-MM-DD (local time)
    until: str  # last day, inclusive


def _day(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(f"{name} must be a date like 2024-05-31, got {value[:20]!r}") from None


def period(
    days: int | str | None = None,
    since: str | None = None,
    until: str | None = None,
    now: float | None = None,
) -> Period:
    """The report period: the last `days` days up to now, or the local days since..until inclusive
    (either end may be left out: since alone runs to now, until alone starts 90 days earlier).
    Defaults to the last 7 days."""
    now = time.time() if now is None else now
    today = dt.datetime.fromtimestamp(now).date()
    if days not in (None, "") and (since or until):
        raise PeriodError("give either days or since/until, not both")
    if since or until:
        last = _day(until, "until") if until else today
        first = _day(since, "since") if since else last - dt.timedelta(days=89)
        if first > last:
            raise PeriodError("since must not be after until")
        if (last - first).days >= MAX_PERIOD_DAYS:
            raise PeriodError(f"a period may span at most {MAX_PERIOD_DAYS} days")
        start = dt.datetime.combine(first, dt.time()).timestamp()
        end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time()).timestamp()
        return Period(
            start,
            end,
            f"{first.isoformat()} – {last.isoformat()}",
            first.isoformat(),
            last.isoformat(),
        )
    if days in (None, ""):
        days = 7
    try:
        n = int(str(days).strip())
    except ValueError:
        raise PeriodError(f"days must be a whole number, got {str(days)[:20]!r}") from None
    if not 1 <= n <= MAX_PERIOD_DAYS:
        raise PeriodError(f"days must be between 1 and {MAX_PERIOD_DAYS}")
    start = now - n * 86400
    return Period(
        start,
        now + 1,
        f"last {n} day{'s' if n != 1 else ''}",
        dt.datetime.fromtimestamp(start).date().isoformat(),
        today.isoformat(),
    )


def _move_legacy(db: sqlite3.Connection, legacy: Path) -> None:
    """Copy the entries of the old query_log table of the document store, then drop it there."""
    db.execute("ATTACH DATABASE ? AS legacy", (str(legacy),))
    try:
        found = db.execute(
            "SELECT 1 FROM legacy.sqlite_master WHERE type = 'table' AND name = 'query_log'"
        ).fetchone()
        if found:
            db.execute("INSERT INTO query_log SELECT * FROM legacy.query_log")
            db.execute("DROP TABLE legacy.query_log")
            log.info("moved the query log out of %s", legacy)
    finally:
        db.execute("DETACH DATABASE legacy")


@dataclass(frozen=True)
class QueryStat:
    """One row of a report: a normalised query and how it fared in the period."""

    query: str  # the latest form typed
    norm: str
    searches: int
    zero: int  # of which found nothing
    avg_results: float
    last_at: float

    def to_dict(self) -> dict:
        d = asdict(self)
        d["avg_results"] = round(self.avg_results, 1)
        d["last_at"] = dt.datetime.fromtimestamp(self.last_at).isoformat(timespec="seconds")
        return d


@dataclass(frozen=True)
class ClickStat:
    """A query that found something, with how often its results were opened in the period."""

    query: str  # the latest form typed
    norm: str
    searches: int  # first pages that found something
    clicks: int
    last_at: float

    @property
    def click_rate(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0

    def to_dict(self) -> dict:
        d = asdict(self)
        d["click_rate"] = round(self.click_rate, 3)
        d["last_at"] = dt.datetime.fromtimestamp(self.last_at).isoformat(timespec="seconds")
        return d


class QueryLog:
    """The query_log table of the serving side's own SQLite file.

    Before it had its own file the log lived in the document store's: given that file as
    `legacy`, its entries move over once, when this file is first made."""

    def __init__(self, path: Path, keep_days: int = 90, legacy: Path | None = None):
        if keep_days < 1:
            raise ValueError("keep_days must be at least 1")
        self.path = Path(path)
        self.keep_days = keep_days
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._last_purge = 0.0
        self._legacy = legacy

    # ---- connection ------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect(
                str(self.path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            try:
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                fresh = not db.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = 'query_log'"
                ).fetchone()
                db.executescript(_SCHEMA)
                if fresh and self._legacy is not None and self._legacy.exists():
                    _move_legacy(db, self._legacy)
            except sqlite3.Error:
                db.close()
                raise
            self._db = db
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> QueryLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing ---------------------------------------------------------------------------

    def record(
        self,
        query: str,
        filters: dict | None,
        result_count: int,
        took_ms: float,
        ui_lang: str | None = None,
        via: str = "page",
        page: int = 1,
        when: float | None = None,
    ) -> bool:
        """Store one search. Never raises for a database problem: returns False and
        logs a warning."""
        now = time.time()
        when = now if when is None else when
        query = query[:MAX_STORED_CHARS]
        row = (
            when,
            query,
            normalize(query),
            json.dumps(filters or {}, ensure_ascii=False, sort_keys=True),
            int(result_count),
            round(float(took_ms), 2),
            int(page),
            ui_lang,
            via,
        )
        return self._write(
            "INSERT INTO query_log (at, query, norm, filters, results, took_ms, page, ui_lang,"
            " via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
            now,
        )

    def record_click(self, query: str, doc_id: str, rank: int, when: float | None = None) -> bool:
        """Store that a policy was opened from the results of query at rank (from 1). Never
        raises for a database problem: returns False and logs a warning."""
        now = time.time()
        row = (now if when is None else when, normalize(query[:MAX_STORED_CHARS]), doc_id, rank)
        return self._write(
            "INSERT INTO clicks (at, norm, doc_id, rank) VALUES (?, ?, ?, ?)", row, now
        )

    def _write(self, sql: str, row: tuple, now: float) -> bool:
        if not self._lock.acquire(timeout=LOCK_TIMEOUT_S):
            log.warning("query log busy; one entry not recorded")
            return False
        try:
            db = self._conn()
            db.execute(sql, row)
            if now - self._last_purge >= PURGE_EVERY_S:
                self._last_purge = now
                self._purge(db, now - self.keep_days * 86400)
            return True
        except sqlite3.Error as exc:
            log.warning("query log write failed (%s); the search itself went on", exc)
            return False
        finally:
            self._lock.release()

    @staticmethod
    def _purge(db: sqlite3.Connection, before: float) -> int:
        db.execute("DELETE FROM clicks WHERE at < ?", (before,))
        return db.execute("DELETE FROM query_log WHERE at < ?", (before,)).rowcount

    def purge(self, older_than: float | None = None) -> int:
        """Delete entries from before older_than (unix time; default: keep_days ago); returns
        how many."""
        before = time.time() - self.keep_days * 86400 if older_than is None else older_than
        with self._lock:
            return self._purge(self._conn(), before)

    # ---- reading ---------------------------------------------------------------------------

    def _top(self, since: float, until: float, limit: int, zero_only: bool) -> list[QueryStat]:
        # The bare `query` column comes from the row holding MAX(at): the latest form typed.
        sql = (
            "SELECT query, norm, COUNT(*), SUM(results = 0), AVG(results), MAX(at) FROM query_log"
            " WHERE at >= ? AND at < ? AND page = 1 AND norm != ''"
            + (" AND results = 0" if zero_only else "")
            + " GROUP BY norm ORDER BY COUNT(*) DESC, MAX(at) DESC, norm LIMIT ?"
        )
        with self._lock:
            rows = self._conn().execute(sql, (since, until, int(limit))).fetchall()
        return [
            QueryStat(q, n, int(c), int(z), float(a), float(last)) for q, n, c, z, a, last in rows
        ]

    def top_queries(self, since: float, until: float, limit: int = 20) -> list[QueryStat]:
        """The most frequent queries of [since, until); later pages of a search are
        not counted again."""
        return self._top(since, until, limit, zero_only=False)

    def top_zero_result(self, since: float, until: float, limit: int = 20) -> list[QueryStat]:
        """The most frequent queries of [since, until) that found nothing."""
        return self._top(since, until, limit, zero_only=True)

    def low_click(
        self, since: float, until: float, min_searches: int, max_rate: float, limit: int = 20
    ) -> list[ClickStat]:
        """The queries of [since, until) that found something at least min_searches times and
        whose results were opened less than max_rate times a search (most searched first)."""
        sql = (
            "SELECT q.query, q.norm, q.n, COALESCE(c.n, 0), q.last_at FROM"
            " (SELECT query, norm, COUNT(*) AS n, MAX(at) AS last_at FROM query_log"
            "  WHERE at >= ? AND at < ? AND page = 1 AND norm != '' AND results > 0"
            "  GROUP BY norm) AS q"
            " LEFT JOIN (SELECT norm, COUNT(*) AS n FROM clicks WHERE at >= ? AND at < ?"
            "  GROUP BY norm) AS c ON c.norm = q.norm"
            " WHERE q.n >= ? AND COALESCE(c.n, 0) < ? * q.n"
            " ORDER BY q.n DESC, COALESCE(c.n, 0), q.last_at DESC, q.norm LIMIT ?"
        )
        args = (since, until, since, until, int(min_searches), float(max_rate), int(limit))
        with self._lock:
            rows = self._conn().execute(sql, args).fetchall()
        return [ClickStat(q, n, int(s), int(c), float(last)) for q, n, s, c, last in rows]

    def totals(self, since: float, until: float) -> dict:
        """Searches, distinct queries and zero-result searches in [since, until)
        (first pages only)."""
        with self._lock:
            n, distinct, zero, browse = (
                self._conn()
                .execute(
                    "SELECT COUNT(*), COUNT(DISTINCT NULLIF(norm, '')),"
                    " COALESCE(SUM(results = 0), 0),"
                    " COALESCE(SUM(norm = ''), 0) FROM query_log"
                    " WHERE at >= ? AND at < ? AND page = 1",
                    (since, until),
                )
                .fetchone()
            )
        return {
            "searches": n,
            "distinct_queries": distinct,
            "zero_result_searches": zero,
            "searches_without_words": browse,
        }

    def report(self, p: Period, limit: int = 20) -> dict:
        """Everything the report page and `policy-index queries --json` show, as one dict."""
        return {
            "period": {"since": p.since, "until": p.until, "label": p.label},
            "keep_days": self.keep_days,
            "totals": self.totals(p.start, p.end),
            "top_queries": [s.to_dict() for s in self.top_queries(p.start, p.end, limit)],
            "top_zero_result": [s.to_dict() for s in self.top_zero_result(p.start, p.end, limit)],
        }
