"""Versions of documents: every state a document has had, appended in the store's transaction and
never overwritten, and what changed from one to the next.

Version 1 is a document as first stored; each later one is a change of what its page says (a crawl
saw it: cause "source"; newer extraction rules re-derived it: cause "rules"), its page going from
the source (event "gone") or coming back ("returned"). The documents table holds the latest."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from .model import changed_fields

SCHEMA = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- the order changes were recorded in, all documents
    doc_id TEXT NOT NULL,
    n INTEGER NOT NULL,          -- 1, 2, 3 … per document
    event TEXT NOT NULL,         -- new | changed | gone | returned
    cause TEXT NOT NULL,         -- source (a crawl saw it) | rules (re-derived by newer rules)
    fetched_at REAL NOT NULL,    -- when the fetch that saw this version was made
    content_hash TEXT NOT NULL,
    changes TEXT NOT NULL,       -- JSON list of the fields that changed from version n - 1
    body TEXT NOT NULL,          -- the document as its page said it then (extracted, as JSON)
    UNIQUE (doc_id, n)
);
"""
EVENTS = ("new", "changed", "gone", "returned")
CAUSES = ("source", "rules")
# Beijing time (UTC+8, no daylight saving): the day a change is dated by.
BEIJING = dt.timezone(dt.timedelta(hours=8), "CST")
# What a list of versions reads of each version's body without loading it whole.
_LISTED = (
    "v.id, v.doc_id, v.n, v.event, v.cause, v.fetched_at, v.content_hash, v.changes,"
    " json_extract(v.body, '$.title'), json_extract(v.body, '$.status'),"
    " json_extract(v.body, '$.title_en'), json_extract(v.body, '$.regions'),"
    " json_extract(v.body, '$.scenarios'),"
    " (SELECT json_extract(p.body, '$.status') FROM versions p"
    "  WHERE p.doc_id = v.doc_id AND p.n = v.n - 1)"
)


def day_of(timestamp: float | None) -> str | None:
    """YYYY-MM-DD in Beijing of a Unix time."""
    if timestamp is None:
        return None
    return dt.datetime.fromtimestamp(timestamp, BEIJING).date().isoformat()


def iso_time(timestamp: float) -> str:
    """RFC 3339 time in Beijing, to the second."""
    return dt.datetime.fromtimestamp(timestamp, BEIJING).isoformat(timespec="seconds")


@dataclass
class Version:
    """One version of a document: when it was seen, what changed, and (when asked for) its body."""

    seq: int  # order of recording across the store
    doc_id: str
    n: int
    event: str
    cause: str
    fetched_at: float
    content_hash: str
    changes: list[str]
    title: str
    status: str
    title_en: str | None = None
    regions: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    previous_status: str | None = None
    body: dict = field(default_factory=dict)  # filled only when one version is read

    @property
    def day(self) -> str:
        return day_of(self.fetched_at) or ""

    @property
    def status_change(self) -> tuple[str, str] | None:
        """(before, after) when this version changed the status."""
        if self.previous_status and self.previous_status != self.status:
            return self.previous_status, self.status
        return None

    def to_dict(self) -> dict:
        d = {"n": self.n, "event": self.event, "cause": self.cause,
             "fetched_at": iso_time(self.fetched_at), "changed_on": self.day,
             "content_hash": self.content_hash, "changes": self.changes, "title": self.title,
             "status": self.status}  # fmt: skip
        if self.status_change:
            d["status_change"] = {"from": self.status_change[0], "to": self.status_change[1]}
        return d


def _version(row: tuple) -> Version:
    (
        seq,
        doc_id,
        n,
        event,
        cause,
        at,
        h,
        changes,
        title,
        status,
        title_en,
        regions,
        scenes,
        before,
    ) = row
    return Version(seq, doc_id, n, event, cause, at, h, json.loads(changes), title or "",
                   status or "unknown", title_en, json.loads(regions or "[]"),
                   json.loads(scenes or "[]"), before)  # fmt: skip


def record(db: sqlite3.Connection, doc_id: str, event: str, cause: str, fetched_at: float,
           content_hash: str, body: str, previous: str | None) -> int:  # fmt: skip
    """Append a version inside the caller's transaction; returns its number."""
    changes = [] if previous is None else changed_fields(json.loads(previous), json.loads(body))
    if event in ("gone", "returned"):
        changes = ["gone", *changes]
    row = db.execute("SELECT COALESCE(MAX(n), 0) FROM versions WHERE doc_id = ?", (doc_id,))
    n = int(row.fetchone()[0]) + 1
    db.execute(
        "INSERT INTO versions (doc_id, n, event, cause, fetched_at, content_hash, changes, body)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_id, n, event, cause, fetched_at, content_hash, json.dumps(changes), body),
    )
    return n


def seed(db: sqlite3.Connection) -> int:
    """Version 1 of every document a store holds from before it kept versions (inside the caller's
    transaction); returns how many. Each gets a new seq, so the next index update shows its
    version on its page."""
    cur = db.execute(
        "INSERT INTO versions (doc_id, n, event, cause, fetched_at, content_hash, changes, body)"
        " SELECT id, 1, 'new', 'source', fetched_at, content_hash, '[]', body FROM documents"
        " WHERE version = 0 ORDER BY seq"
    )
    db.execute(
        "UPDATE documents SET version = 1, changed_at = fetched_at,"
        " seq = seq + (SELECT COALESCE(MAX(seq), 0) FROM documents) WHERE version = 0"
    )
    return cur.rowcount


def has_versions(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'versions'")
    return row.fetchone() is not None


class History:
    """Reading the versions of a store (DocumentStore.history). A store made before versions were
    kept, opened read-only, has none: every list is empty."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.kept = has_versions(db)

    def versions(self, doc_id: str) -> list[Version]:
        """Every version of a document, oldest first (bodies not loaded)."""
        if not self.kept:
            return []
        rows = self.db.execute(
            f"SELECT {_LISTED} FROM versions v WHERE v.doc_id = ? ORDER BY v.n", (doc_id,)
        ).fetchall()
        return [_version(r) for r in rows]

    def version(self, doc_id: str, n: int) -> Version | None:
        """One version with its body."""
        if not self.kept:
            return None
        row = self.db.execute(
            f"SELECT {_LISTED}, v.body FROM versions v WHERE v.doc_id = ? AND v.n = ?", (doc_id, n)
        ).fetchone()
        if row is None:
            return None
        v = _version(row[:-1])
        v.body = json.loads(row[-1])
        return v

    def recent(self, before: int | None = None, limit: int = 200, since: float | None = None,
               cause: str = "source") -> list[Version]:  # fmt: skip
        """Versions of one cause, newest first: recorded before seq `before` (to page back), at or
        after `since`."""
        if not self.kept:
            return []
        where, params = ["v.cause = ?"], [cause]
        if before is not None:
            where.append("v.id < ?")
            params.append(before)
        if since is not None:
            where.append("v.fetched_at >= ?")
            params.append(since)
        rows = self.db.execute(
            f"SELECT {_LISTED} FROM versions v WHERE {' AND '.join(where)}"
            " ORDER BY v.id DESC LIMIT ?", (*params, limit)
        ).fetchall()  # fmt: skip
        return [_version(r) for r in rows]

    def body(self, doc_id: str, n: int) -> dict | None:
        """The body of one version, or None."""
        row = self.db.execute(
            "SELECT body FROM versions WHERE doc_id = ? AND n = ?", (doc_id, n)
        ).fetchone()
        return json.loads(row[0]) if row else None
