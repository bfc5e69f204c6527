"""Index builds: a full rebuild into a new generation then an atomic swap,
or an incremental update."""

from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import shutil
import signal
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from whoosh import index

from . import links
from .schema import (
    IndexDamaged,
    build_schema,
    current_generation,
    open_index,
    set_current,
    to_fields,
)
from .store import DocumentStore
from .whoosh_compat import marshal_posting_runs

log = logging.getLogger(__name__)
SEQ_FILE = "store-seq"
# Sub-writers of a full build: one per core, at most two (a third gained nothing on the measured
# machines: the serial commit of each segment dominates; docs/PERFORMANCE.md).
BUILD_PROCS = min(2, os.cpu_count() or 1)


class IndexBusy(RuntimeError):
    """Another process is building the index."""


@dataclass
class BuildReport:
    mode: str
    added: int = 0
    deleted: int = 0
    seconds: float = 0.0
    generation: str = ""

    def line(self) -> str:
        return (
            f"{self.mode} index build: {self.added} documents written, {self.deleted} removed "
            f"in {self.seconds:.2f}s ({self.generation})"
        )


_held_locks: list = []  # writer-lock files this process holds
_fork_hook: list[bool] = []  # registered once, when this process first takes the lock


def _after_fork_in_child() -> None:
    """A forked index sub-writer (procs > 1) must neither keep the writer lock nor outlive a killed
    build: it drops its copy of the lock and asks Linux to kill it when its parent dies."""
    if not _held_locks:
        return
    for fh in _held_locks:
        with suppress(OSError):
            os.close(fh.fileno())
    _held_locks.clear()
    with suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@contextmanager
def build_lock(lock_path: Path, wait: float = 0.0):
    """Hold the one writer lock of a data folder; IndexBusy when it stays taken past
    wait seconds."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexBusy(
                        f"another `policy-index index` is running (lock {lock_path})"
                    ) from None
                time.sleep(0.2)
        if not _fork_hook:
            os.register_at_fork(after_in_child=_after_fork_in_child)
            _fork_hook.append(True)
        _held_locks.append(fh)
        try:
            yield
        finally:
            _held_locks.remove(fh)
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read_seq(gen: Path) -> int:
    try:
        return int((gen / SEQ_FILE).read_text().strip())
    except (FileNotFoundError, ValueError):
        return -1


def _write_seq(gen: Path, seq: int) -> None:
    tmp = gen / (SEQ_FILE + ".tmp")
    tmp.write_text(str(seq))
    tmp.replace(gen / SEQ_FILE)


def _new_generation(index_root: Path) -> Path:
    index_root.mkdir(parents=True, exist_ok=True)
    numbers = [
        int(p.name.split("-")[1])
        for p in index_root.glob("gen-*")
        if p.name.split("-")[1].isdigit()
    ]
    gen = index_root / f"gen-{max(numbers, default=0) + 1:06d}"
    gen.mkdir()
    return gen


def full_build(store: DocumentStore, index_root: Path) -> BuildReport:
    """Write every stored document into a fresh generation, then swap readers over to it. A copy
    of a policy published on another page is left out: its canonical lists it (links.py)."""
    started = time.perf_counter()
    store.verify()  # a damaged row stops the build here, before sub-writer processes start
    seq = store.max_seq()
    previous = current_generation(index_root)
    gen = _new_generation(index_root)
    writer = None
    n = 0
    try:
        ix = index.create_in(str(gen), build_schema())
        with marshal_posting_runs():
            # Each sub-writer writes its own segment (no merge at commit): analysis and posting
            # writes run on every core (docs/PERFORMANCE.md).
            writer = ix.writer(procs=BUILD_PROCS, multisegment=True, limitmb=256) \
                if BUILD_PROCS > 1 else ix.writer(limitmb=256)  # fmt: skip
            for doc in store.iter_documents():
                if doc.copy_of is None:
                    writer.add_document(**to_fields(doc))
                    n += 1
            writer.commit()
    except BaseException:
        if writer is not None:
            writer.cancel()
        shutil.rmtree(gen, ignore_errors=True)
        raise
    _write_seq(gen, seq)
    set_current(index_root, gen)
    _prune(index_root, keep={gen, previous})
    return BuildReport("full", added=n, seconds=time.perf_counter() - started, generation=gen.name)


def incremental_build(store: DocumentStore, index_root: Path) -> BuildReport:
    """Apply the store's changes since the last build to the current generation."""
    started = time.perf_counter()
    gen = current_generation(index_root)
    if gen is None or _read_seq(gen) < 0:
        return full_build(store, index_root)
    last = _read_seq(gen)
    changes = list(store.changes_since(last))
    report = BuildReport("incremental", generation=gen.name)
    if changes:
        try:
            ix = open_index(index_root)
        except IndexDamaged as exc:
            log.warning("%s; rebuilding from the document store", exc)
            return full_build(store, index_root)
        with marshal_posting_runs():
            writer = ix.writer(limitmb=128)
            try:
                for _, doc_id, doc in changes:
                    if doc is None or doc.copy_of is not None:  # gone, or now a copy
                        writer.delete_by_term("id", doc_id)
                        report.deleted += 1
                        continue
                    writer.update_document(**to_fields(doc))
                    report.added += 1
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
        _write_seq(gen, changes[-1][0])
    report.seconds = time.perf_counter() - started
    return report


def build(
    store: DocumentStore, index_root: Path, lock_path: Path, full: bool = False, wait: float = 0.0
) -> BuildReport:
    """Build or update the index under the writer lock, links between documents resolved first
    (so the index, `dump` and every page show the same relations)."""
    with build_lock(lock_path, wait):
        links.resolve(store)
        if full:
            return full_build(store, index_root)
        return incremental_build(store, index_root)


def _prune(index_root: Path, keep: set[Path | None]) -> None:
    """Remove every generation but the new one and the one readers may still be on: older ones, and
    any a killed build left half-written (the writer lock is held, so no other build is running)."""
    for old in index_root.glob("gen-*"):
        if old.is_dir() and old not in keep:
            shutil.rmtree(old, ignore_errors=True)
