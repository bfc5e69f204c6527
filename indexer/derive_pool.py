"""Pages of a local folder derived in worker processes: deriving (decoding, parsing, extracting,
tagging) is most of a crawl's time and needs nothing but the page's bytes, the files beside it and
the taxonomy, so the crawler hands batches of pages to a pool and stores the documents, in the
folder's order, in its own process (the store and the archive are written by one process only).

A worker reads the attachments a page links to from the folder and hands their bytes back with the
document, for the crawler to archive as it would have archived them itself."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from urllib.parse import unquote

from .archive import RawPage
from .dedupe import fingerprint
from .derive import Derived, derive
from .model import Fingerprint
from .taxonomy import Taxonomy

WORKERS = min(2, os.cpu_count() or 1)
# Fewer pages than this are derived in the crawler's own process: starting workers costs more.
MIN_PAGES = 200
BATCH = 64  # pages handed to the pool at a time (their bytes are held until stored)


@dataclass
class FolderReader:
    """Reads the files of a local source that a page links to (PDF, DOCX attachments), within the
    folder and the size limit; keeps what it read, for the archive."""

    root: Path
    base: str  # the URL the folder is recorded under
    cap: int  # the largest attachment read, in bytes
    read_files: list[RawPage] = field(default_factory=list)

    def __call__(self, url: str) -> tuple[bytes | None, str | None]:
        if not url.startswith(self.base):
            return None, "outside the source folder: not read"
        path = (self.root / unquote(url[len(self.base) :])).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            return None, "no such file in the source folder"
        if path.stat().st_size > self.cap:
            return None, "larger than the attachment size limit"
        data = path.read_bytes()
        self.read_files.append(RawPage(url, data, None, None, time.time()))
        return data, None


@dataclass(frozen=True)
class Task:
    page: RawPage
    hints: tuple[str, ...]
    source: str
    sample: bool
    note: object = None  # the crawler's own (what it needs to store the result)


_TAX: Taxonomy | None = None


def _start(tax: Taxonomy) -> None:
    global _TAX
    _TAX = tax


Done = tuple[Derived, Fingerprint | None, list[RawPage]]
Result = tuple[Task, Derived, Fingerprint | None, list[RawPage]]


def _derive(task: Task, reader: FolderReader) -> Done:
    """The page derived, its document's fingerprint (also a matter of the text alone) and the
    attachments read."""
    reader.read_files = []
    assert _TAX is not None
    derived = derive(task.page, reader, _TAX, task.hints, task.source, task.sample)
    fp = fingerprint(derived.doc) if derived.doc is not None else None
    return derived, fp, reader.read_files


def _derive_batch(batch: list[Task], reader: FolderReader) -> list[Done]:
    return [_derive(t, reader) for t in batch]


def derive_all(tasks: Iterable[Task], reader: FolderReader, tax: Taxonomy, expected: int,
               workers: int | None = None, min_pages: int | None = None
               ) -> Iterator[Result]:  # fmt: skip
    """(task, derived, fingerprint, attachments read) for each task, in order. expected: how many
    tasks there may be. In worker processes (WORKERS) when there are workers to spare and pages
    enough (MIN_PAGES), else here. tasks is read as the results are taken, a few batches ahead, so a
    large folder is never held in memory."""
    workers = WORKERS if workers is None else workers
    min_pages = MIN_PAGES if min_pages is None else min_pages
    if workers < 2 or expected < min_pages or not _can_fork():
        _start(tax)
        for t in tasks:
            yield (t, *_derive(t, reader))
        return
    # Forked: a worker starts at once with the taxonomy and modules loaded, and without running the
    # caller's __main__ again (forkserver and spawn do, which a script without a main guard cannot
    # survive). It is forked before anything else starts a thread (tasks is not read yet: its
    # progress bar starts one); it touches none of the crawler's open files and databases.
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_start, initargs=(tax,)) as pool:
        pool.submit(int).result()  # every worker is forked here
        batches = _batches(iter(tasks))
        pending = deque(
            (b, pool.submit(_derive_batch, b, reader)) for b in islice(batches, workers + 1)
        )
        while pending:
            batch, future = pending.popleft()
            results = future.result()
            for b in islice(batches, 1):
                pending.append((b, pool.submit(_derive_batch, b, reader)))
            for t, done in zip(batch, results, strict=True):
                yield (t, *done)


def _can_fork() -> bool:
    """Whether worker processes can be forked safely: a fork copies one thread only, and a lock
    another thread held (logging's, a progress bar's) would stay held in the copy forever."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _batches(tasks: Iterator[Task]) -> Iterator[list[Task]]:
    while batch := list(islice(tasks, BATCH)):
        yield batch
