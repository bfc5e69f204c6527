"""jieba's main dictionary read word by word from an SQLite copy, for a short-lived process (a
command-line search): loading the whole dictionary (about 580,000 words and prefixes) takes most
of such a process's time, and segmenting a query looks up a few dozen of them.

The copy is made once from jieba's own dictionary, beside jieba's cache in the temp folder, named
by the dictionary's path, size and modification time; the user dictionary is added on top, in
memory, by jieba's add_word as usual. Segmentation is the same as with the dictionary in memory
(tests/test_analysis.py compares them)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path


class DiskFreq:
    """The mapping jieba keeps as Tokenizer.FREQ (word or prefix -> frequency), answered from the
    SQLite copy; words added later (the user dictionary) are kept in memory."""

    def __init__(self, path: Path):
        self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._seen: dict[str, int | None] = {}
        self._added: dict[str, int] = {}
        self.total = self._db.execute("SELECT total FROM meta").fetchone()[0]

    def get(self, word: str, default=None):
        if word in self._added:
            return self._added[word]
        if word not in self._seen:
            with self._lock:
                row = self._db.execute("SELECT f FROM freq WHERE w = ?", (word,)).fetchone()
            self._seen[word] = row[0] if row else None
        found = self._seen[word]
        return default if found is None else found

    def __contains__(self, word: str) -> bool:
        return self.get(word) is not None

    def __getitem__(self, word: str) -> int:
        found = self.get(word)
        if found is None:
            raise KeyError(word)
        return found

    def __setitem__(self, word: str, freq: int) -> None:
        self._added[word] = freq


def _copy_path(dictionary: str) -> Path:
    st = os.stat(dictionary)
    key = f"{os.path.abspath(dictionary)}\0{st.st_size}\0{st.st_mtime_ns}".encode()
    name = f"policy-index-jieba-{hashlib.md5(key).hexdigest()[:16]}.sqlite3"  # noqa: S324
    return Path(tempfile.gettempdir()) / name


def _write_copy(path: Path, freq: dict, total: int) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    try:
        db.execute("CREATE TABLE freq (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE meta (total INTEGER NOT NULL)")
        db.executemany("INSERT INTO freq VALUES (?, ?)", sorted(freq.items()))
        db.execute("INSERT INTO meta VALUES (?)", (total,))
        db.commit()
    finally:
        db.close()
    os.replace(tmp, path)  # whole or not at all: another process may be reading the old one


def tokenizer(jieba):
    """A jieba Tokenizer whose main dictionary is read from the SQLite copy (made now if there is
    none: the one slow start)."""
    tok = jieba.Tokenizer()
    path = _copy_path(tok.dictionary or os.path.join(os.path.dirname(jieba.__file__), "dict.txt"))
    if not path.exists():
        full = jieba.Tokenizer()
        full.initialize()
        _write_copy(path, full.FREQ, full.total)
    freq = DiskFreq(path)
    tok.FREQ, tok.total, tok.initialized = freq, freq.total, True
    return tok
