"""PolicyDocument and the SQLite document store: atomic per document, incremental, nothing lost."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .dedupe import dup_key, text_key

# The contract's document fields, in the order `dump` prints them.
CONTRACT_FIELDS = (
    "id",
    "url",
    "title",
    "doc_number",
    "agency",
    "publish_date",
    "lang",
    "status",
    "regions",
    "scenarios",
    "text",
)


def doc_id(url: str) -> str:
    """Stable id of the document fetched from url."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class PolicyDocument:
    """One normalized policy document."""

    url: str
    title: str
    text: str
    doc_number: str | None = None
    agency: str | None = None
    publish_date: str | None = None
    written_date: str | None = None
    lang: str = "zh"
    status: str = "unknown"
    regions: list[str] = field(default_factory=list)
    scenarios: list[str] = field(default_factory=list)
    kind: str = "policy"
    sample: bool = False
    source: str | None = None
    title_en: str | None = None
    summary_en: str | None = None
    links: list[dict] = field(default_factory=list)
    attachments: list[dict] = field(default_factory=list)
    alternate_urls: list[str] = field(default_factory=list)  # other pages publishing this policy
    related_numbers: list[str] = field(default_factory=list)  # 发文字号 of the policies it explains
    provenance: dict = field(default_factory=dict)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = doc_id(self.url)

    def to_dict(self) -> dict:
        return asdict(self)

    def contract_dict(self) -> dict:
        """The document as the public contract names it, extra fields after the contract's."""
        d = self.to_dict()
        out = {k: d[k] for k in CONTRACT_FIELDS}
        out.update({k: v for k, v in d.items() if k not in out})
        return out

    def content_hash(self) -> str:
        d = self.to_dict()
        d.pop("provenance", None)
        d.pop("alternate_urls", None)
        d.pop("related_numbers", None)
        return hashlib.sha1(json.dumps(d, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    source TEXT,
    body TEXT NOT NULL,          -- the PolicyDocument as JSON
    content_hash TEXT NOT NULL,
    seq INTEGER NOT NULL,        -- change counter: the index catches up by seq
    deleted INTEGER NOT NULL DEFAULT 0,
    fetched_at REAL NOT NULL,
    dup_key TEXT,                -- lang|kind|发文字号: pages publishing the same policy share it
    text_digest TEXT             -- digest of the folded text: identical texts share it
);
CREATE INDEX IF NOT EXISTS documents_seq ON documents(seq);
CREATE INDEX IF NOT EXISTS documents_dup ON documents(dup_key);
CREATE INDEX IF NOT EXISTS documents_digest ON documents(text_digest);
CREATE TABLE IF NOT EXISTS fetch_log (
    url TEXT PRIMARY KEY,
    source TEXT,
    outcome TEXT NOT NULL,       -- stored | unchanged | skipped | failed | gone
    reason TEXT,
    http_status INTEGER,
    at REAL NOT NULL,
    etag TEXT,                   -- validators for the next conditional GET
    last_modified TEXT,
    body_hash TEXT,              -- sha1 of the bytes last received
    outlinks TEXT                -- JSON list of same-host links, re-queued when the page is unchanged
);
CREATE TABLE IF NOT EXISTS frontier (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (source, url)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class StoreError(RuntimeError):
    """The document store cannot be opened or is damaged."""


def _is_corruption(exc: sqlite3.DatabaseError) -> bool:
    # SQLITE_CORRUPT and SQLITE_NOTADB arrive as the base DatabaseError, and bytes scribbled over a
    # text cell as a decoding error; busy, locked, read-only and I/O trouble stay what they are.
    return type(exc) is sqlite3.DatabaseError or str(exc).startswith("Could not decode to UTF-8")


def damaged(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    """The one message for a damaged store: which file, and the commands that rebuild it."""
    root = Path(path).parent
    return StoreError(
        f"the document store {path} is damaged ({exc}); move it aside and rebuild it with "
        f"`policy-index crawl --data {root}` then `policy-index index --full --data {root}`"
    )


class _Cursor(sqlite3.Cursor):
    """A cursor that reports a damaged file as StoreError wherever SQLite finds the damage."""

    def _guard(self, step, *args):
        try:
            return step(*args)
        except sqlite3.DatabaseError as exc:
            if _is_corruption(exc):
                raise damaged(self.connection.path, exc) from exc
            raise

    def execute(self, sql, params=()):
        return self._guard(super().execute, sql, params)

    def executescript(self, script):
        return self._guard(super().executescript, script)

    def fetchone(self):
        return self._guard(super().fetchone)

    def fetchall(self):
        return self._guard(super().fetchall)

    def __next__(self):
        return self._guard(super().__next__)


class _Connection(sqlite3.Connection):
    path: Path

    def execute(self, sql, params=()):
        return self.cursor(_Cursor).execute(sql, params)

    def executescript(self, script):
        return self.cursor(_Cursor).executescript(script)


class DocumentStore:
    """SQLite-backed store. Every write is its own transaction, so a crash loses nothing stored."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(
                str(self.path), timeout=30, isolation_level=None, factory=_Connection
            )
            self.db.path = self.path
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open document store {self.path}: {exc}") from exc

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()
        return int(row[0]) + 1

    def put(self, doc: PolicyDocument) -> str:
        """Insert or update by URL; returns 'new', 'changed' or 'unchanged'."""
        h = doc.content_hash()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT content_hash, deleted FROM documents WHERE id = ?", (doc.id,)
            ).fetchone()
            if row and row[0] == h and not row[1]:
                self.db.execute(
                    "UPDATE documents SET fetched_at = ? WHERE id = ?", (time.time(), doc.id)
                )
                self.db.execute("COMMIT")
                return "unchanged"
            body = json.dumps(doc.to_dict(), ensure_ascii=False)
            self.db.execute(
                "INSERT INTO documents (id, url, source, body, content_hash, seq, deleted, fetched_at,"
                " dup_key, text_digest) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET url=excluded.url, source=excluded.source,"
                " body=excluded.body, content_hash=excluded.content_hash, seq=excluded.seq,"
                " deleted=0, fetched_at=excluded.fetched_at, dup_key=excluded.dup_key,"
                " text_digest=excluded.text_digest",
                (
                    doc.id,
                    doc.url,
                    doc.source,
                    body,
                    h,
                    self._next_seq(),
                    time.time(),
                    dup_key(doc),
                    text_key(doc),
                ),
            )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return "changed" if row else "new"

    def delete(self, doc_id_: str) -> bool:
        """Mark a document gone (kept as a tombstone so the index can drop it)."""
        self.db.execute("BEGIN IMMEDIATE")
        cur = self.db.execute(
            "UPDATE documents SET deleted = 1, seq = ? WHERE id = ? AND deleted = 0",
            (self._next_seq(), doc_id_),
        )
        self.db.execute("COMMIT")
        return cur.rowcount > 0

    def log_fetch(
        self,
        url: str,
        source: str | None,
        outcome: str,
        reason: str | None = None,
        http_status: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        body_hash: str | None = None,
        outlinks: list[str] | None = None,
    ) -> None:
        """Record what happened to url; validators and links are kept from before unless given."""
        self.db.execute(
            "INSERT INTO fetch_log (url, source, outcome, reason, http_status, at, etag, last_modified,"
            " body_hash, outlinks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET source=excluded.source, outcome=excluded.outcome,"
            " reason=excluded.reason, http_status=excluded.http_status, at=excluded.at,"
            " etag=COALESCE(excluded.etag, etag), last_modified=COALESCE(excluded.last_modified, last_modified),"
            " body_hash=COALESCE(excluded.body_hash, body_hash), outlinks=COALESCE(excluded.outlinks, outlinks)",
            (
                url,
                source,
                outcome,
                reason,
                http_status,
                time.time(),
                etag,
                last_modified,
                body_hash,
                json.dumps(outlinks) if outlinks is not None else None,
            ),
        )

    def fetch_state(self, url: str) -> dict | None:
        """What the last crawl learned about url (validators, body hash, links, outcome)."""
        row = self.db.execute(
            "SELECT outcome, etag, last_modified, body_hash, outlinks FROM fetch_log WHERE url = ?",
            (url,),
        ).fetchone()
        if not row:
            return None
        return {
            "outcome": row[0],
            "etag": row[1],
            "last_modified": row[2],
            "body_hash": row[3],
            "outlinks": json.loads(row[4]) if row[4] else [],
        }

    # ---- the crawl frontier, kept so an interrupted crawl resumes where it stopped ----------
    def frontier_pending(self, source: str) -> list[tuple[str, int]]:
        return [
            (u, d)
            for u, d in self.db.execute(
                "SELECT url, depth FROM frontier WHERE source = ? AND done = 0 ORDER BY rowid",
                (source,),
            )
        ]

    def frontier_seen(self, source: str) -> set[str]:
        return {
            u for (u,) in self.db.execute("SELECT url FROM frontier WHERE source = ?", (source,))
        }

    def frontier_add(self, source: str, url: str, depth: int) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO frontier (source, url, depth) VALUES (?, ?, ?)",
            (source, url, depth),
        )

    def frontier_done(self, source: str, url: str) -> None:
        self.db.execute("UPDATE frontier SET done = 1 WHERE source = ? AND url = ?", (source, url))

    def frontier_clear(self, source: str) -> None:
        self.db.execute("DELETE FROM frontier WHERE source = ?", (source,))

    def _document(self, body: str) -> PolicyDocument:
        try:
            return PolicyDocument(**json.loads(body))
        except (
            ValueError,
            TypeError,
        ) as exc:  # a row that SQLite reads but that is not ours any more
            raise damaged(
                self.path, sqlite3.DatabaseError(f"unreadable document: {exc}"[:200])
            ) from exc

    def get(self, doc_id_: str) -> PolicyDocument | None:
        row = self.db.execute(
            "SELECT body FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
        ).fetchone()
        return self._document(row[0]) if row else None

    def has(self, doc_id_: str) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
            ).fetchone()
            is not None
        )

    def iter_documents(self) -> Iterator[PolicyDocument]:
        for (body,) in self.db.execute("SELECT body FROM documents WHERE deleted = 0 ORDER BY url"):
            yield self._document(body)

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, PolicyDocument | None]]:
        """(seq, id, document or None when deleted) for every change after seq, oldest first."""
        rows = self.db.execute(
            "SELECT seq, id, body, deleted FROM documents WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        for s, i, body, deleted in rows:
            yield s, i, (None if deleted else self._document(body))

    def related_numbers(self, doc: PolicyDocument) -> list[str]:
        """发文字号 of the policies doc explains or translates (found through its links)."""
        out = []
        for link in doc.links:
            if link.get("rel") in ("original", "policy"):
                # Only the number is read (SQLite picks it out of the JSON; no document is built).
                row = self.db.execute(
                    "SELECT json_extract(body, '$.doc_number') FROM documents "
                    "WHERE id = ? AND deleted = 0",
                    (doc_id(link["url"]),),
                ).fetchone()
                if row and row[0] and row[0] not in out:
                    out.append(row[0])
        return out

    def copies_of(self, doc: PolicyDocument) -> list[PolicyDocument]:
        """Stored documents sharing doc's 发文字号 key or its exact folded text."""
        rows = self.db.execute(
            "SELECT body FROM documents WHERE deleted = 0 AND (dup_key = ? OR text_digest = ?)",
            (dup_key(doc), text_key(doc)),
        ).fetchall()
        return [self._document(b) for (b,) in rows]

    def max_seq(self) -> int:
        return self._next_seq() - 1

    def count(self) -> int:
        return int(
            self.db.execute("SELECT COUNT(*) FROM documents WHERE deleted = 0").fetchone()[0]
        )

    def check(self) -> str | None:
        """None when the store is sound, else what is wrong."""
        try:
            row = self.db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError as exc:
            return str(exc)
        return None if row and row[0] == "ok" else str(row[0] if row else "no answer")
