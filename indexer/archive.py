"""Every raw response kept as it arrived: WARC files (warcio, gzip per record) in the data folder,
with a small SQLite index of where each URL's latest bytes are.

Extraction is a pure function of these bytes (derive.py), so a rule change reaches stored
documents by re-deriving them from the archive (`policy-index renormalize`), with no network.
WARC is the web-archiving standard (ISO 28500): the files open in any WARC tool."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    n INTEGER PRIMARY KEY,        -- order of arrival
    url TEXT NOT NULL,
    sha1 TEXT NOT NULL,           -- of the body bytes
    file TEXT NOT NULL,           -- WARC file name in the archive folder
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    fetched_at REAL NOT NULL,
    status INTEGER,               -- HTTP status; null for a local file (a WARC resource record)
    content_type TEXT,
    source TEXT
);
CREATE INDEX IF NOT EXISTS records_url ON records(url, n);
"""
MAX_FILE_BYTES = 1 << 30  # a new WARC file after a gigabyte
# Headers describing the transfer rather than the content: the body is kept decoded.
_TRANSFER_HEADERS = ("content-encoding", "transfer-encoding", "content-length")


class ArchiveError(RuntimeError):
    """The archive cannot be read or written."""


@dataclass(frozen=True)
class RawPage:
    """One response as it arrived: what derive() turns into a document."""

    url: str
    body: bytes
    content_type: str | None = None
    status: int | None = 200
    fetched_at: float = 0.0


class Archive:
    """Append-only WARC files plus the index of each URL's latest record. Thread-safe."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self._lock = threading.Lock()
        self._file: io.BufferedWriter | None = None
        self._name = ""
        self._writer: WARCWriter | None = None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(
                str(self.root / "index.sqlite3"), timeout=30, isolation_level=None,
                check_same_thread=False,
            )  # fmt: skip
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.DatabaseError) as exc:
            raise ArchiveError(f"cannot open the raw-page archive in {self.root}: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = self._writer = None
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _open_file(self) -> WARCWriter:
        if self._file is None or self._file.tell() > MAX_FILE_BYTES:
            if self._file is not None:
                self._file.close()
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S")
            n = len(list(self.root.glob(f"{stamp}-*.warc.gz")))
            self._name = f"{stamp}-{os.getpid()}-{n}.warc.gz"
            self._file = open(self.root / self._name, "ab")  # noqa: SIM115 (kept open to append)
            self._writer = WARCWriter(self._file, gzip=True)
        assert self._writer is not None
        return self._writer

    def put(self, page: RawPage, source: str | None = None,
            headers: list[tuple[str, str]] | None = None) -> bool:  # fmt: skip
        """Keep page unless its latest record holds the same bytes; True when written."""
        sha1 = hashlib.sha1(page.body).hexdigest()
        with self._lock:
            row = self.db.execute(
                "SELECT sha1 FROM records WHERE url = ? ORDER BY n DESC LIMIT 1", (page.url,)
            ).fetchone()
            if row and row[0] == sha1:
                return False
            writer = self._open_file()
            date = dt.datetime.fromtimestamp(page.fetched_at or time.time(), dt.timezone.utc)
            warc_headers = {"WARC-Date": date.strftime("%Y-%m-%dT%H:%M:%SZ")}
            if page.status is None:  # a local file: content without protocol headers
                record = writer.create_warc_record(
                    page.url, "resource", payload=io.BytesIO(page.body), length=len(page.body),
                    warc_content_type=page.content_type or "application/octet-stream",
                    warc_headers_dict=warc_headers,
                )  # fmt: skip
            else:
                kept = [(k, v) for k, v in headers or [] if k.lower() not in _TRANSFER_HEADERS]
                if page.content_type and not any(k.lower() == "content-type" for k, _ in kept):
                    kept.append(("Content-Type", page.content_type))
                kept.append(("Content-Length", str(len(page.body))))
                http = StatusAndHeaders(f"{page.status} -", kept, protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    page.url, "response", payload=io.BytesIO(page.body), length=len(page.body),
                    http_headers=http,
                    warc_headers_dict=warc_headers,
                )  # fmt: skip
            assert self._file is not None
            offset = self._file.tell()
            writer.write_record(record)
            self._file.flush()
            self.db.execute(
                "INSERT INTO records (url, sha1, file, offset, length, fetched_at, status,"
                " content_type, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (page.url, sha1, self._name, offset, self._file.tell() - offset,
                 page.fetched_at or time.time(), page.status, page.content_type, source),
            )  # fmt: skip
            return True

    def latest(self, url: str) -> RawPage | None:
        """The latest kept response for url, or None."""
        row = self.db.execute(
            "SELECT file, offset, length, status, content_type, fetched_at FROM records"
            " WHERE url = ? ORDER BY n DESC LIMIT 1",
            (url,),
        ).fetchone()
        if row is None:
            return None
        name, offset, length, status, content_type, fetched_at = row
        try:
            with open(self.root / name, "rb") as fh:
                fh.seek(offset)
                data = fh.read(length)
            record = next(iter(ArchiveIterator(io.BytesIO(data))))
            body = record.content_stream().read()
        except (OSError, StopIteration, ArchiveLoadFailed, ValueError) as exc:
            raise ArchiveError(f"cannot read the kept page of {url} from {name}: {exc}") from exc
        return RawPage(url, body, content_type, status, fetched_at)

    def reader(self, url: str) -> tuple[bytes | None, str | None]:
        """A Reader (see derive.py) over the archive: attachments as they were fetched."""
        try:
            page = self.latest(url)
        except ArchiveError as exc:
            return None, str(exc)
        return (page.body, None) if page is not None else (None, "not in the raw-page archive")

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(DISTINCT url) FROM records").fetchone()[0])
