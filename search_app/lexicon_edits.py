"""Operators' edits to the query vocabulary: checked (lexicon_rules.py), kept as an append-only log
in the data folder (lexicon.sqlite3), and merged over the shipped YAML into the lexicon every
search reads.

The effective vocabulary is the shipped files with the latest edit of each (kind, key) applied: an
add or edit sets the key's terms (overriding a shipped entry), a remove hides the key. The shipped
files are never written. Each worker process asks the log for its largest edit id on every search
(one indexed read) and rebuilds its lexicon only when that changed, so an edit made in one worker
is used by the next search in every other, and survives restarts and redeploys of the code."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import fold

from . import lexicon
from .lexicon import KINDS, Entry, Lexicon, Vocabulary
from .lexicon_rules import Proposal

log = logging.getLogger(__name__)

MAX_WHO_CHARS = 200
BUSY_TIMEOUT_MS = 2000  # edits are rare; a search's read waits at most this for one to commit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: the largest id is the change counter
    at REAL NOT NULL,                      -- unix time of the edit
    kind TEXT NOT NULL CHECK (kind IN ('synonym', 'glossary')),
    key TEXT NOT NULL,                     -- folded (lexicon.key_of)
    terms TEXT NOT NULL,                   -- JSON list; [] for a remove
    both INTEGER NOT NULL DEFAULT 0,
    action TEXT NOT NULL CHECK (action IN ('add', 'edit', 'remove')),
    who TEXT NOT NULL,                     -- the operator's user name
    why TEXT NOT NULL,
    query TEXT                             -- the search that prompted it, if any
);
CREATE INDEX IF NOT EXISTS edits_entry ON edits(kind, key, id);
CREATE TRIGGER IF NOT EXISTS edits_no_update BEFORE UPDATE ON edits
    BEGIN SELECT RAISE(ABORT, 'the lexicon edit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS edits_no_delete BEFORE DELETE ON edits
    BEGIN SELECT RAISE(ABORT, 'the lexicon edit log is append-only'); END;
"""


@dataclass(frozen=True)
class Edit:
    """One row of the log."""

    id: int
    at: float
    kind: str
    key: str
    terms: tuple[str, ...]
    both: bool
    action: str
    who: str
    why: str
    query: str | None

    @property
    def when(self) -> str:
        return dt.datetime.fromtimestamp(self.at).isoformat(sep=" ", timespec="seconds")


def merge(base: Vocabulary, latest: Iterable[Edit | Proposal]) -> Vocabulary:
    """base with each (kind, key)'s latest edit applied: set, or hidden by a remove."""
    out = {"synonym": dict(base.synonyms), "glossary": dict(base.glossary)}
    for e in latest:
        if e.action == "remove":
            out[e.kind].pop(e.key, None)
        else:
            out[e.kind][e.key] = Entry(tuple(e.terms), e.both)
    return Vocabulary(out["synonym"], out["glossary"])


@dataclass(frozen=True)
class Found:
    """An entry as the vocabulary pages list it: what it says now (None: removed), what the shipped
    file says (None: not shipped) and the latest operator's edit of it (None: as shipped)."""

    kind: str
    key: str
    entry: Entry | None
    shipped: Entry | None
    last: Edit | None

    @property
    def state(self) -> str:
        """shipped | changed | added | removed"""
        if self.last is None:
            return "shipped"
        if self.last.action == "remove":
            return "removed"
        return "changed" if self.shipped is not None else "added"


# ---- the log ----------------------------------------------------------------------------------


def _edit(row: tuple) -> Edit:
    id_, at, kind, key, terms, both, action, who, why, query = row
    return Edit(id_, at, kind, key, tuple(json.loads(terms)), bool(both), action, who, why, query)


_COLUMNS = "id, at, kind, key, terms, both, action, who, why, query"


class LexiconEdits:
    """The edit log of one data folder, and the effective lexicon it makes with the shipped files.

    The file is made by the first edit; until then every search uses the shipped lexicon. The
    connection is opened per process (a preloaded gunicorn master never hands one across fork)."""

    def __init__(self, path: Path, dict_dir: str = str(lexicon.DICT_DIR)):
        self.path = Path(path)
        self.dict_dir = dict_dir
        self._db: sqlite3.Connection | None = None
        self._pid = 0
        self._lock = threading.RLock()
        self._made: tuple[int, Vocabulary, Lexicon] | None = None
        self._failing = False

    def _conn(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                                 isolation_level=None, check_same_thread=False)  # fmt: skip
            try:
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                db.execute("PRAGMA journal_mode=WAL")
                db.executescript(_SCHEMA)
            except sqlite3.Error:
                db.close()
                raise
            self._db, self._pid = db, os.getpid()
        return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None and self._pid == os.getpid():
                self._db.close()
            self._db = None

    def _rows(self, sql: str, args: tuple = ()) -> list[Edit]:
        with self._lock:
            if not self.path.exists():
                return []
            return [_edit(r) for r in self._conn().execute(sql, args).fetchall()]

    # ---- reading ------------------------------------------------------------------------------

    def latest(self) -> list[Edit]:
        """The latest edit of every (kind, key), oldest first."""
        return self._rows(
            f"SELECT {_COLUMNS} FROM edits"
            " WHERE id IN (SELECT MAX(id) FROM edits GROUP BY kind, key) ORDER BY id"
        )

    def history(self, kind: str, key: str) -> list[Edit]:
        """Every edit of one entry, newest first."""
        return self._rows(
            f"SELECT {_COLUMNS} FROM edits WHERE kind = ? AND key = ? ORDER BY id DESC", (kind, key)
        )

    def recent(self, limit: int = 50) -> list[Edit]:
        return self._rows(f"SELECT {_COLUMNS} FROM edits ORDER BY id DESC LIMIT ?", (int(limit),))

    def version(self) -> int:
        """The change counter: the largest edit id (0 before the first edit)."""
        with self._lock:
            if not self.path.exists():
                return 0
            return self._conn().execute("SELECT COALESCE(MAX(id), 0) FROM edits").fetchone()[0]

    def _current(self) -> tuple[int, Vocabulary, Lexicon]:
        with self._lock:
            try:
                version = self.version()
                if self._made is None or self._made[0] != version:
                    latest = self.latest()
                    version = max((e.id for e in latest), default=0)
                    base = lexicon.shipped(self.dict_dir)
                    vocab = merge(base, latest)
                    lex = lexicon.build(vocab) if latest else lexicon.load(self.dict_dir)
                    self._made = (version, vocab, lex)
                self._failing = False
            except sqlite3.Error as exc:
                # A search never fails for the overlay: it goes on with what it last read.
                if not self._failing:
                    log.warning("lexicon edits unreadable (%s); searches use the last read", exc)
                self._failing = True
                if self._made is None:
                    self._made = (-1, lexicon.shipped(self.dict_dir), lexicon.load(self.dict_dir))
            return self._made

    def lexicon(self) -> Lexicon:
        """The effective lexicon; the same object until the log changes."""
        return self._current()[2]

    def vocabulary(self) -> Vocabulary:
        """The effective entries (shipped merged with the latest edits)."""
        return self._current()[1]

    def find(self, text: str = "", edited_only: bool = False, limit: int = 50) -> list[Found]:
        """The entries whose key or terms contain text (every one for no text), removed ones
        included, shipped ones unless edited_only; at most limit, in the files' order with the
        operators' additions after."""
        wanted = " ".join(fold(text).lower().split())
        base, vocab = lexicon.shipped(self.dict_dir), self.vocabulary()
        latest = {(e.kind, e.key): e for e in self.latest()}
        out: list[Found] = []
        for kind in KINDS:
            keys = dict.fromkeys([*base.of(kind), *vocab.of(kind)])
            keys.update((k, None) for c, k in latest if c == kind)
            for key in keys:
                entry, last = vocab.of(kind).get(key), latest.get((kind, key))
                words = [key, *(entry.terms if entry else ())]
                if (edited_only and last is None) or not any(wanted in w.lower() for w in words):
                    continue
                out.append(Found(kind, key, entry, base.of(kind).get(key), last))
                if len(out) >= limit:
                    return out
        return out

    def export(self, kind: str) -> str:
        """The operators' latest edits of one kind as lines for the shipped YAML file, in its
        {terms, source} form: an entry set by an operator with who, when and why as its source;
        a removed one as a comment (delete that key from the file by hand)."""
        lines = []
        for e in self.latest():
            if e.kind != kind:
                continue
            key = json.dumps(e.key, ensure_ascii=False)
            said = f"operator {e.who}, {e.when[:10]}: {e.why}"
            if e.action == "remove":
                lines.append(f"# removed {key} ({' '.join(said.split())})")
                continue
            terms = ", ".join(json.dumps(t, ensure_ascii=False) for t in e.terms)
            both = ", both: true" if e.both else ""
            source = json.dumps(" ".join(said.split()), ensure_ascii=False)
            lines.append(f"{key}: {{terms: [{terms}]{both}, source: {source}}}")
        return "".join(line + "\n" for line in lines)

    def proposed(self, p: Proposal) -> Lexicon:
        """The lexicon as it would be with p applied: for a preview; nothing is stored."""
        return lexicon.build(merge(self.vocabulary(), [p]))

    # ---- writing ------------------------------------------------------------------------------

    def append(self, p: Proposal, who: str, when: float | None = None) -> Edit:
        """Store a checked edit. Whether it adds or edits is decided again inside the write, so
        two operators saving at once are both recorded truthfully."""
        with self._lock:
            db = self._conn()
            db.execute("BEGIN IMMEDIATE")
            try:
                last = db.execute(
                    "SELECT action FROM edits WHERE kind = ? AND key = ? ORDER BY id DESC LIMIT 1",
                    (p.kind, p.key),
                ).fetchone()
                present = last[0] != "remove" if last else p.key in lexicon.shipped(
                    self.dict_dir).of(p.kind)  # fmt: skip
                action = "remove" if p.action == "remove" else ("edit" if present else "add")
                row = (time.time() if when is None else when, p.kind, p.key,
                       json.dumps(list(p.terms), ensure_ascii=False), int(p.both), action,
                       who[:MAX_WHO_CHARS], p.why, p.query)  # fmt: skip
                cur = db.execute(
                    "INSERT INTO edits (at, kind, key, terms, both, action, who, why, query)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return _edit((cur.lastrowid, *row))
