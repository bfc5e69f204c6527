"""Operators' edits to the query vocabulary: checked, kept as an append-only log in the data folder
(lexicon.sqlite3), and merged over the shipped YAML into the lexicon every search reads.

The effective vocabulary is the shipped files with the latest edit of each (kind, key) applied: an
add or edit sets the key's terms (overriding a shipped entry), a remove hides the key. The shipped
files are never written. Each worker process asks the log for its largest edit id on every search
(one indexed read) and rebuilds its lexicon only when that changed, so an edit made in one worker
is used by the next search in every other, and survives restarts and redeploys of the code."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from indexer.analysis import fold
from indexer.text import has_cjk

from . import lexicon
from .lexicon import KINDS, Entry, Lexicon, Vocabulary, key_of

log = logging.getLogger(__name__)

ACTIONS = ("add", "edit", "remove")
MAX_KEY_CHARS = 60  # the longest shipped key is 43 characters
MAX_TERM_CHARS = 40
MAX_TERMS = 12
MAX_WHY_CHARS = 500
MAX_QUERY_CHARS = 200
MAX_WHO_CHARS = 200
BUSY_TIMEOUT_MS = 2000  # edits are rare; a search's read waits at most this for one to commit
_TERM_SEPARATORS = re.compile(r"[,，、;；\n\r]+")
# "work permit", "12345 hotline", "green, low-carbon living"
_LATIN_KEY = re.compile(r"[a-z0-9 '.&/+,\-]+")

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


@dataclass(frozen=True)
class Problem:
    """Why a proposed edit cannot be stored: the form field it concerns, a code the pages word in
    the reader's language, and the values the wording needs."""

    field: str
    code: str
    values: dict = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Proposal:
    """A checked edit, ready to preview or store (action: add | edit | remove)."""

    kind: str
    key: str
    terms: tuple[str, ...]
    both: bool
    action: str
    why: str
    query: str | None

    def entry(self) -> Entry:
        return Entry(self.terms, self.both)


# ---- the rules --------------------------------------------------------------------------------


def split_terms(text: str | Sequence[str]) -> list[str]:
    """Terms as typed in one box (separated by commas, 、, semicolons or lines) or as a list."""
    parts = _TERM_SEPARATORS.split(text) if isinstance(text, str) else list(text)
    return [p.strip() for p in parts if p and p.strip()]


def _one_way_path(synonyms, start: str, goal: str) -> list[str] | None:
    """The one-way synonym chain from start to goal (both ways entries are meant to be two-way)."""
    seen, queue = {start}, [[start]]
    while queue:
        path = queue.pop(0)
        entry = synonyms.get(path[-1])
        for t in entry.terms if entry is not None and not entry.both else ():
            if t == goal:
                return [*path, t]
            if t not in seen:
                seen.add(t)
                queue.append([*path, t])
    return None


def _check_terms(kind: str, key: str, terms: list[str]) -> list[Problem]:
    problems = []
    if not terms:
        problems.append(Problem("terms", "terms_empty"))
    if len(terms) > MAX_TERMS:
        problems.append(Problem("terms", "too_many_terms", {"max": MAX_TERMS}))
    for t in terms:
        if len(t) > MAX_TERM_CHARS:
            values = {"term": t[:20], "max": MAX_TERM_CHARS}
            problems.append(Problem("terms", "term_too_long", values))
        elif t == key or (kind == "glossary" and t.lower() == key):
            problems.append(Problem("terms", "term_is_key", {"term": t}))
        elif kind == "glossary" and not (has_cjk(t) or t.isdigit()):
            # a glossary entry translates: its terms are the Chinese words (or a hotline's number)
            problems.append(Problem("terms", "term_not_chinese", {"term": t}))
    return problems


def check(
    kind: str,
    key: str,
    terms: str | Sequence[str],
    both: bool,
    why: str,
    query: str | None,
    current: Vocabulary,
    remove: bool = False,
) -> tuple[Proposal | None, list[Problem]]:
    """A proposed edit against the effective vocabulary: (the proposal, []) or (None, problems)."""
    if kind not in KINDS:
        return None, [Problem("kind", "kind_unknown")]
    raw_key = (key or "").strip()
    key = key_of(kind, raw_key)
    why = (why or "").strip()
    query = (query or "").strip() or None
    problems: list[Problem] = []
    if not key:
        problems.append(Problem("key", "key_empty"))
    elif len(key) > MAX_KEY_CHARS:
        problems.append(Problem("key", "key_too_long", {"max": MAX_KEY_CHARS}))
    elif kind == "glossary" and not (_LATIN_KEY.fullmatch(key) and re.search("[a-z0-9]", key)):
        problems.append(Problem("key", "key_not_latin"))
    elif kind == "synonym" and not has_cjk(key):
        problems.append(Problem("key", "key_not_chinese"))
    present = key in current.of(kind)
    folded: list[str] = []
    if remove:
        if key and not present:
            problems.append(Problem("key", "not_found", {"key": key}))
    else:
        folded = list(dict.fromkeys(" ".join(fold(t).split()) for t in split_terms(terms)))
        problems += _check_terms(kind, key, folded)
        old = current.of(kind).get(key)
        if old is not None and (old.terms, old.both) == (tuple(folded), bool(both)):
            problems.append(Problem("terms", "unchanged"))
        if kind == "synonym" and key and not both and not problems:
            others = {k: e for k, e in current.synonyms.items() if k != key}
            for t in folded:
                path = _one_way_path(others, t, key)
                if path:
                    problems.append(Problem("terms", "cycle", {"path": " → ".join(path)}))
                    break
    if not why:
        problems.append(Problem("why", "why_empty"))
    elif len(why) > MAX_WHY_CHARS:
        problems.append(Problem("why", "why_too_long", {"max": MAX_WHY_CHARS}))
    if query and len(query) > MAX_QUERY_CHARS:
        problems.append(Problem("query", "query_too_long", {"max": MAX_QUERY_CHARS}))
    if problems:
        return None, problems
    action = "remove" if remove else ("edit" if present else "add")
    return Proposal(kind, key, tuple(folded), bool(both) and not remove, action, why, query), []


def merge(base: Vocabulary, latest: Iterable[Edit | Proposal]) -> Vocabulary:
    """base with each (kind, key)'s latest edit applied: set, or hidden by a remove."""
    out = {"synonym": dict(base.synonyms), "glossary": dict(base.glossary)}
    for e in latest:
        if e.action == "remove":
            out[e.kind].pop(e.key, None)
        else:
            out[e.kind][e.key] = Entry(tuple(e.terms), e.both)
    return Vocabulary(out["synonym"], out["glossary"])


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
