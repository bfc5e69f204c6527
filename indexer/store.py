"""The SQLite document store: atomic per document, incremental, nothing lost.

A row holds what one page says (the extracted document, as JSON), the keys that find its copies
(computed by dedupe.py and handed in: the store imports no text analysis), and what links.py
resolved between documents. A change counter (seq) lets the index catch up incrementally. Every
change of what a page says is also appended, in the same transaction, as a version (history.py);
a page gone from its source is marked gone with the time, never deleted."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from . import history
from .model import Fingerprint, PolicyDocument
from .sqlitedb import StoreError, connect, damaged

__all__ = ["DocumentStore", "StoreError"]

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
    relations TEXT,              -- what links.py resolved: PolicyDocument.resolved_dict() as JSON
    version INTEGER NOT NULL DEFAULT 0,  -- the number of its latest version (history.py)
    changed_at REAL,             -- when what its page says last changed (or it went, or came back)
    gone_at REAL                 -- when its page went from the source (404/410); NULL while there
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
    "version": "INTEGER NOT NULL DEFAULT 0",
    "changed_at": "REAL",
    "gone_at": "REAL",
}
_ADDED_FRONTIER = {
    "kind": "TEXT NOT NULL DEFAULT 'page'",
    "parent": "TEXT",
    "probe": "INTEGER NOT NULL DEFAULT 0",
}
SCHEMA_VERSION = 3
# What a document is read with: its body, its relations, and what the store keeps of its history.
_READ = "body, relations, version, changed_at, gone_at"


class DocumentStore:
    """SQLite-backed store. Every write is its own transaction, so a crash loses nothing stored."""

    def __init__(self, path: Path, readonly: bool = False):
        """readonly: read a store as it is (the web front), creating and migrating nothing."""
        self.path = Path(path)
        try:
            if readonly:
                self.db = connect(self.path, readonly=True)
                self.history = history.History(self.db)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = connect(self.path)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(_SCHEMA + history.SCHEMA)
            self._migrate()
            self.history = history.History(self.db)
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
        if self.db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            self.db.execute("BEGIN IMMEDIATE")
            history.seed(self.db)  # documents stored before versions were kept: their version 1
            self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            self.db.execute("COMMIT")

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
    def put(self, doc: PolicyDocument, keys: Fingerprint, cause: str = "source") -> str:
        """Insert or update by URL; returns 'new', 'changed' or 'unchanged' (what the page says).

        A change of what the page says (or a gone page back) is appended as a version in the same
        transaction; cause says who saw it: a crawl ("source") or newer rules re-deriving the
        kept page ("rules", which never brings a gone page back). A body that differs only in how
        it was made (a new extractor version, another rule winning a field) is written without a
        version, so the index and `dump` show the same document."""
        h = doc.content_hash()
        body = json.dumps(doc.extracted_dict(), ensure_ascii=False)
        now = time.time()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT content_hash, deleted, body, version, changed_at, gone_at FROM documents"
                " WHERE id = ?", (doc.id,)
            ).fetchone()  # fmt: skip
            if row and row[2] == body and not row[1] and (row[5] is None or cause == "rules"):
                self.db.execute("UPDATE documents SET fetched_at = ? WHERE id = ?", (now, doc.id))
                self.db.execute("COMMIT")
                return "unchanged"
            gone_at = row[5] if row and cause == "rules" else None
            back = bool(row) and cause == "source" and (row[1] or row[5] is not None)
            version, changed_at = (row[3], row[4]) if row else (0, None)
            if not row or row[0] != h or back:
                event = "returned" if back else "changed" if row else "new"
                version = history.record(self.db, doc.id, event, cause, now, h, body,
                                         row[2] if row else None)  # fmt: skip
                changed_at = now
            self.db.execute(
                "INSERT INTO documents (id, url, source, body, content_hash, seq, deleted,"
                " fetched_at, dup_key, text_digest, paragraphs, extractor, version, changed_at,"
                " gone_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET url=excluded.url, source=excluded.source,"
                " body=excluded.body, content_hash=excluded.content_hash, seq=excluded.seq,"
                " deleted=0, fetched_at=excluded.fetched_at, dup_key=excluded.dup_key,"
                " text_digest=excluded.text_digest, paragraphs=excluded.paragraphs,"
                " extractor=excluded.extractor, version=excluded.version,"
                " changed_at=excluded.changed_at, gone_at=excluded.gone_at",
                (doc.id, doc.url, doc.source, body, h, self._next_seq(), now, keys.dup_key,
                 keys.text_digest, json.dumps(sorted(keys.paragraphs)), doc.extractor, version,
                 changed_at, gone_at),
            )  # fmt: skip
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        if not row:
            return "new"
        return "unchanged" if row[0] == h and not back else "changed"

    def mark_gone(self, doc_id_: str, at: float | None = None) -> bool:
        """Mark a document's page gone from its source (kept, findable, labelled) and append that as
        a version. False when there is no such document or it is gone already."""
        now = time.time() if at is None else at
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT body, content_hash FROM documents"
                " WHERE id = ? AND deleted = 0 AND gone_at IS NULL", (doc_id_,)
            ).fetchone()  # fmt: skip
            if row:
                n = history.record(self.db, doc_id_, "gone", "source", now, row[1], row[0], row[0])
                self.db.execute(
                    "UPDATE documents SET gone_at = ?, changed_at = ?, version = ?, seq = ?"
                    " WHERE id = ?", (now, now, n, self._next_seq(), doc_id_)
                )  # fmt: skip
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return row is not None

    def is_gone(self, doc_id_: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM documents WHERE id = ? AND deleted = 0 AND gone_at IS NOT NULL",
            (doc_id_,),
        ).fetchone()
        return row is not None

    def delete(self, doc_id_: str) -> bool:
        """Remove a document from the index (kept as a tombstone, its versions kept); a page gone
        from its source is mark_gone's, not this."""
        self.db.execute("BEGIN IMMEDIATE")
        cur = self.db.execute(
            "UPDATE documents SET deleted = 1, seq = ? WHERE id = ? AND deleted = 0",
            (self._next_seq(), doc_id_),
        )
        self.db.execute("COMMIT")
        return cur.rowcount > 0

    def _document(self, body: str, relations: str | None, version: int = 0,
                  changed_at: float | None = None,
                  gone_at: float | None = None) -> PolicyDocument:  # fmt: skip
        try:
            data = json.loads(body)
            if relations:
                data.update(json.loads(relations))
            data.update(version=version, updated_on=history.day_of(changed_at),
                        gone_on=history.day_of(gone_at))  # fmt: skip
            return PolicyDocument.from_dict(data)
        except (ValueError, TypeError) as exc:  # a row SQLite reads but that is not ours any more
            problem = sqlite3.DatabaseError(f"unreadable document: {exc}"[:200])
            raise damaged(self.path, problem) from exc

    def get(self, doc_id_: str) -> PolicyDocument | None:
        row = self.db.execute(
            f"SELECT {_READ} FROM documents WHERE id = ? AND deleted = 0", (doc_id_,)
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
        sql = f"SELECT {_READ} FROM documents WHERE deleted = 0"
        for row in self.db.execute(f"{sql} {where} ORDER BY url", params):
            yield self._document(*row)

    def verify(self) -> int:
        """Read every live document once (StoreError at the first that cannot be read); returns
        how many there are. A full build runs it first, so damage is reported before any index
        writer starts."""
        n = 0
        for row in self.db.execute(f"SELECT {_READ} FROM documents WHERE deleted = 0"):
            self._document(*row)
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
            f"SELECT seq, id, deleted, {_READ} FROM documents WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        for s, i, deleted, *read in rows:
            yield s, i, (None if deleted else self._document(*read))

    # ---- what links.py reads and writes --------------------------------------------------------
    def link_rows(self) -> Iterator[tuple]:
        """Per live document what resolving links needs, without building documents: id, url,
        lang, kind, doc_number, agency, status, publish_date, title, title_en, links (JSON),
        dup_key, text_digest, paragraphs (JSON), relations (JSON), gone (1 when its page went)."""
        return self.db.execute(
            "SELECT id, url, json_extract(body, '$.lang'), json_extract(body, '$.kind'),"
            " json_extract(body, '$.doc_number'), json_extract(body, '$.agency'),"
            " json_extract(body, '$.status'), json_extract(body, '$.publish_date'),"
            " json_extract(body, '$.title'), json_extract(body, '$.title_en'),"
            " json_extract(body, '$.links'), dup_key, text_digest, paragraphs, relations,"
            " gone_at IS NOT NULL FROM documents WHERE deleted = 0 ORDER BY url"
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

    def logged(self, source: str) -> list[tuple[str, str]]:
        """(url, outcome) of every URL the fetch log holds for a source."""
        return self.db.execute(
            "SELECT url, outcome FROM fetch_log WHERE source = ? ORDER BY url", (source,)
        ).fetchall()

    def sources_log(self) -> list[tuple]:
        """Per source in the fetch log: name, URLs, the last successful fetch (time), URLs whose
        last fetch failed, URLs gone, the last fetch of any outcome (time)."""
        return self.db.execute(
            "SELECT source, COUNT(*), MAX(CASE WHEN outcome IN ('stored', 'unchanged', 'skipped')"
            " THEN at END), SUM(outcome = 'failed'), SUM(outcome = 'gone'), MAX(at)"
            " FROM fetch_log GROUP BY source ORDER BY source"
        ).fetchall()

    def failure_reasons(self, source: str, limit: int) -> list[str]:
        """The latest reasons of a source's failed fetches, URL first."""
        rows = self.db.execute(
            "SELECT url, reason FROM fetch_log WHERE source = ? AND outcome = 'failed'"
            " ORDER BY at DESC LIMIT ?", (source, limit)
        ).fetchall()  # fmt: skip
        return [f"{u}: {r}" for u, r in rows]

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
