"""The SQLite document store: atomic per document, incremental, nothing lost.

A row holds what one page says (the extracted document, as JSON), the keys that find its copies
(computed by dedupe.py and handed in: the store imports no text analysis), and what links.py
resolved between documents. A change counter (seq) lets the index catch up incrementally."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from .model import Fingerprint, PolicyDocument

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    source TEXT,
    body TEXT NOT NULL,          -- what the page says: PolicyDocument.extracted_dict() as JSON
    content_hash TEXT NOT NULL,
    seq INTEGER NOT NULL,        -- change counter: the index catches up by seq
    deleted INTEGER NOT NULL DEFAULT 0,
    fetched_at REAL NOT NULL,
    dup_key TEXT,                -- lang|kind|发文字号: pages publishing the same policy share it
    text_digest TEXT,            -- digest of the folded text: identical texts share it
    paragraphs TEXT,             -- JSON list of paragraph digests: near-identical texts share most
    extractor TEXT NOT NULL DEFAULT '',  -- version of the rules and taxonomy that made the body
    relations TEXT               -- what links.py resolved: PolicyDocument.resolved_dict() as JSON
);
CREATE INDEX IF NOT EXISTS documents_seq ON documents(seq);
CREATE INDEX IF NOT EXISTS documents_dup ON documents(dup_key);
CREATE INDEX IF NOT EXISTS documents_digest ON documents(text_digest);
CREATE TABLE IF NOT EXISTS fetch_log (
    url TEXT PRIMARY KEY,
    source TEXT,
    outcome TEXT NOT NULL,       -- stored | unchanged | skipped | failed | gone | listing
    reason TEXT,
    http_status INTEGER,
    at REAL NOT NULL,
    etag TEXT,                   -- validators for the next conditional GET
    last_modified TEXT,
    body_hash TEXT,              -- sha1 of the bytes last received
    outlinks TEXT \
               -- JSON list of same-host links, re-queued when the page is unchanged
);
CREATE TABLE IF NOT EXISTS frontier (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    depth INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    kind TEXT NOT NULL DEFAULT 'page',  -- page | doc | the listing parser that reads it
    parent TEXT,                 -- the listing page that named it
    probe INTEGER NOT NULL DEFAULT 0,   -- a guessed listing page: missing means the list ended
    PRIMARY KEY (source, url)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# Columns added since the first release, for stores made before them.
_ADDED_COLUMNS = {
    "paragraphs": "TEXT",
    "extractor": "TEXT NOT NULL DEFAULT ''",
    "relations": "TEXT",
}
_ADDED_FRONTIER = {
    "kind": "TEXT NOT NULL DEFAULT 'page'",
    "parent": "TEXT",
    "probe": "INTEGER NOT NULL DEFAULT 0",
}
SCHEMA_VERSION = 2


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
        f"`policy-index renormalize --data {root}` (from the kept raw pages) or "
        f"`policy-index crawl --data {root}`, then `policy-index index --full --data {root}`"
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
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open document store {self.path}: {exc}") from exc

    def _migrate(self) -> None:
        have = {row[1] for row in self.db.execute("PRAGMA table_info(documents)").fetchall()}
        for column, decl in _ADDED_COLUMNS.items():
            if column not in have:
                self.db.execute(f"ALTER TABLE documents ADD COLUMN {column} {decl}")
        have = {row[1] for row in self.db.execute("PRAGMA table_info(frontier)").fetchall()}
        for column, decl in _ADDED_FRONTIER.items():
            if column not in have:
                self.db.execute(f"ALTER TABLE frontier ADD COLUMN {column} {decl}")
        self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DocumentStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next_seq(self) -> int:
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM documents").fetchone()
        return int(row[0]) + 1

    # ---- documents ---------------------------------------------------------------------------
    def put(self, doc: PolicyDocument, keys: Fingerprint) -> str:
        """Insert or update by URL; returns 'new', 'changed' or 'unchanged' (what the page says).

        A body that differs only in how it was made (a new extractor version, another rule
        winning a field) is written too, so the index and `dump` show the same document."""
        h = doc.content_hash()
        body = json.dumps(doc.extracted_dict(), ensure_ascii=False)
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT content_hash, deleted, body FROM documents WHERE id = ?", (doc.id,)
            ).fetchone()
            if row and row[2] == body and not row[1]:
                self.db.execute("UPDATE documents SET fetched_at = ? WHERE id = ?", (now, doc.id))
                self.db.execute("COMMIT")
                return "unchanged"
            self.db.execute(
                "INSERT INTO documents (id, url, source, body, content_hash, seq, deleted,"
                " fetched_at, dup_key, text_digest, paragraphs, extractor)"
                " VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET url=excluded.url, source=excluded.source,"
                " body=excluded.body, content_hash=excluded.content_hash, seq=excluded.seq,"
                " deleted=0, fetched_at=excluded.fetched_at, dup_key=excluded.dup_key,"
                " text_digest=excluded.text_digest, paragraphs=excluded.paragraphs,"
                " extractor=excluded.extractor",
                (doc.id, doc.url, doc.source, body, h, self._next_seq(), now, keys.dup_key,
                 keys.text_digest, json.dumps(sorted(keys.paragraphs)), doc.extractor),
            )  # fmt: skip
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        if not row:
            return "new"
        return "unchanged" if row[0] == h and not row[1] else "changed"

    def delete(self, doc_id_: str) -> bool:
        """Mark a document gone (kept as a tombstone so the index can drop it)."""
        self.db.execute("BEGIN IMMEDIATE")
        cur = self.db.execute(
            "UPDATE documents SET deleted = 1, seq = ? WHERE id = ? AND deleted = 0",
            (self._next_seq(), doc_id_),
        )
        self.db.execute("COMMIT")
        return cur.rowcount > 0

    def _document(self, body: str, relations: str | None) -> PolicyDocument:
        try:
            data = json.loads(body)
            if relations:
                data.update(json.loads(relations))
            return PolicyDocument.from_dict(data)
        except (ValueError, TypeError) as exc:  # a row SQLite reads but that is not ours any more
            problem = sqlite3.DatabaseError(f"unreadable document: {exc}"[:200])
            raise damaged(self.path, problem) from exc

    def get(self, doc_id_: str) -> PolicyDocument | None:
        row = self.db.execute(
            "SELECT body, relations FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
        ).fetchone()
        return self._document(*row) if row else None

    def has(self, doc_id_: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
        ).fetchone()
        return row is not None

    def extractor_of(self, doc_id_: str) -> str | None:
        row = self.db.execute(
            "SELECT extractor FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
        ).fetchone()
        return row[0] if row else None

    def iter_documents(self, where: str = "", params: tuple = ()) -> Iterator[PolicyDocument]:
        sql = "SELECT body, relations FROM documents WHERE deleted = 0"
        for body, relations in self.db.execute(f"{sql} {where} ORDER BY url", params):
            yield self._document(body, relations)

    def verify(self) -> int:
        """Read every live document once (StoreError at the first that cannot be read); returns
        how many there are. A full build runs it first, so damage is reported before any index
        writer starts."""
        n = 0
        for body, relations in self.db.execute(
            "SELECT body, relations FROM documents WHERE deleted = 0"
        ):
            self._document(body, relations)
            n += 1
        return n

    def outdated(self, extractor: str | None) -> list[tuple[str, str, str | None]]:
        """(id, url, source) of every live document another extractor version made (of every
        live document, given None)."""
        sql = "SELECT id, url, source FROM documents WHERE deleted = 0"
        if extractor is None:
            return self.db.execute(f"{sql} ORDER BY url").fetchall()
        return self.db.execute(f"{sql} AND extractor != ? ORDER BY url", (extractor,)).fetchall()

    def changes_since(self, seq: int) -> Iterator[tuple[int, str, PolicyDocument | None]]:
        """(seq, id, document or None when deleted) for every change after seq, oldest first."""
        rows = self.db.execute(
            "SELECT seq, id, body, relations, deleted FROM documents WHERE seq > ? ORDER BY seq",
            (seq,),
        ).fetchall()
        for s, i, body, relations, deleted in rows:
            yield s, i, (None if deleted else self._document(body, relations))

    # ---- what links.py reads and writes --------------------------------------------------------
    def link_rows(self) -> Iterator[tuple]:
        """Per live document what resolving links needs, without building documents: id, url,
        lang, kind, doc_number, agency, status, publish_date, title, title_en, links (JSON),
        dup_key, text_digest, paragraphs (JSON)."""
        return self.db.execute(
            "SELECT id, url, json_extract(body, '$.lang'), json_extract(body, '$.kind'),"
            " json_extract(body, '$.doc_number'), json_extract(body, '$.agency'),"
            " json_extract(body, '$.status'), json_extract(body, '$.publish_date'),"
            " json_extract(body, '$.title'), json_extract(body, '$.title_en'),"
            " json_extract(body, '$.links'), dup_key, text_digest, paragraphs, relations"
            " FROM documents WHERE deleted = 0 ORDER BY url"
        )

    def set_relations(self, changed: dict[str, dict]) -> int:
        """Write resolved relations (id -> resolved_dict) in one transaction; each changed
        document gets a new seq so the index picks it up. Returns how many were written."""
        if not changed:
            return 0
        self.db.execute("BEGIN IMMEDIATE")
        try:
            seq = self._next_seq()
            for n, (i, rel) in enumerate(sorted(changed.items())):
                self.db.execute(
                    "UPDATE documents SET relations = ?, seq = ? WHERE id = ?",
                    (json.dumps(rel, ensure_ascii=False, sort_keys=True), seq + n, i),
                )
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return len(changed)

    # ---- the fetch log: what the last crawl learned about each URL -----------------------------
    def log_fetch(
        self, url: str, source: str | None, outcome: str, reason: str | None = None,
        http_status: int | None = None, etag: str | None = None,
        last_modified: str | None = None, body_hash: str | None = None,
        outlinks: list[str] | None = None,
    ) -> None:  # fmt: skip
        """Record what happened to url; validators and links are kept from before unless given."""
        self.db.execute(
            "INSERT INTO fetch_log (url, source, outcome, reason, http_status, at, etag,"
            " last_modified, body_hash, outlinks) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET source=excluded.source, outcome=excluded.outcome,"
            " reason=excluded.reason, http_status=excluded.http_status, at=excluded.at,"
            " etag=COALESCE(excluded.etag, etag),"
            " last_modified=COALESCE(excluded.last_modified, last_modified),"
            " body_hash=COALESCE(excluded.body_hash, body_hash),"
            " outlinks=COALESCE(excluded.outlinks, outlinks)",
            (url, source, outcome, reason, http_status, time.time(), etag, last_modified,
             body_hash, json.dumps(outlinks) if outlinks is not None else None),
        )  # fmt: skip

    def fetch_state(self, url: str) -> dict | None:
        """What the last crawl learned about url (validators, body hash, links, outcome)."""
        row = self.db.execute(
            "SELECT outcome, etag, last_modified, body_hash, outlinks, at FROM fetch_log"
            " WHERE url = ?",
            (url,),
        ).fetchone()
        if not row:
            return None
        return {"outcome": row[0], "etag": row[1], "last_modified": row[2], "body_hash": row[3],
                "outlinks": json.loads(row[4]) if row[4] else [], "at": row[5]}  # fmt: skip

    # ---- the crawl frontier, kept so an interrupted crawl resumes where it stopped ----------
    def frontier_pending(self, source: str) -> list[tuple[str, int, str, str | None, bool]]:
        """(url, depth, kind, parent, probe) of what an interrupted crawl had still to do."""
        return [(u, d, k, p, bool(g)) for u, d, k, p, g in self.db.execute(
            "SELECT url, depth, kind, parent, probe FROM frontier WHERE source = ? AND done = 0"
            " ORDER BY rowid", (source,))]  # fmt: skip

    def frontier_seen(self, source: str) -> set[str]:
        rows = self.db.execute("SELECT url FROM frontier WHERE source = ?", (source,))
        return {u for (u,) in rows}

    def frontier_add(self, source: str, url: str, depth: int, kind: str = "page",
                     parent: str | None = None, probe: bool = False) -> None:  # fmt: skip
        self.db.execute(
            "INSERT OR IGNORE INTO frontier (source, url, depth, kind, parent, probe)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (source, url, depth, kind, parent, int(probe)),
        )

    def frontier_done(self, source: str, url: str) -> None:
        self.db.execute("UPDATE frontier SET done = 1 WHERE source = ? AND url = ?", (source, url))

    def frontier_clear(self, source: str) -> None:
        self.db.execute("DELETE FROM frontier WHERE source = ?", (source,))

    # ---- bookkeeping -------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

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
