"""SQLite connections of the document store: damage reported as StoreError, with the commands that
rebuild the store, wherever SQLite finds it."""

from __future__ import annotations

import sqlite3
from pathlib import Path


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


def connect(path: Path, readonly: bool = False) -> _Connection:
    """A connection in autocommit mode (transactions are explicit); readonly opens the file as it
    is, creating and changing nothing (what the web front reads history through)."""
    target, uri = (
        (f"{Path(path).resolve().as_uri()}?mode=ro", True) if readonly else (str(path), False)
    )
    db = sqlite3.connect(target, timeout=30, isolation_level=None, factory=_Connection, uri=uri)
    db.path = Path(path)
    return db
