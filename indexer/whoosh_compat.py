"""Every use of Whoosh's private internals, in one place, for the one version it was written for.

setup.cfg pins whoosh3==3.54.0. The search engine reads posting blocks and field lengths straight
from the segment files, and index builds write sorted posting runs with marshal; both depend on
file formats and attributes Whoosh does not promise. Importing this module with another Whoosh
version fails at once, naming the version, rather than mis-scoring or corrupting silently."""

from __future__ import annotations

import io
import marshal
import pickle
import struct
import zlib
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import accumulate, islice

import numpy as np
import whoosh
from whoosh import writing
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3LeafMatcher
from whoosh.reading import CorruptIndexError, TermNotFound
from whoosh.system import _INT_SIZE, unpack_int

WRITTEN_FOR = (3, 54, 0)
if tuple(whoosh.__version__) != WRITTEN_FOR:  # whoosh.__version__ is a tuple of ints
    raise ImportError(
        f"policy-index reads Whoosh internals written for whoosh3 "
        f"{'.'.join(map(str, WRITTEN_FOR))}; this is {whoosh.versionstring()}: install the "
        f"pinned version (pip install -e .)"
    )


def field_length_bytes(reader, fieldname: str) -> bytes | None:
    """One segment's length bytes of fieldname (a byte per document, Whoosh's length encoding),
    or None when the segment is not Whoosh 3's format."""
    try:
        column = reader._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    except AttributeError:
        return None
    if column is None or not column._count:
        return b""
    return column._dbfile.get(column._basepos, column._count)


def bm25f_parameters(weighting, fieldname: str) -> tuple[float, float]:
    """(B, K1) of Whoosh's BM25F for one field (per-field B values are kept privately)."""
    return weighting._field_B.get(fieldname, weighting.B), weighting.K1


def deleted_docs(reader) -> frozenset[int]:
    return frozenset(reader.deleted_docs_set) if reader.has_deletions() else frozenset()


def term_postings(
    reader, fieldname: str, btext: bytes, fmt
) -> tuple[np.ndarray, np.ndarray] | None:
    """(document numbers, term frequencies) of one term in one segment; None when the segment does
    not hold the term. The postings are read in one piece and their blocks unpickled from memory
    (Whoosh's matcher reads every block header with a file read per pickle opcode)."""
    try:
        matcher = reader._terms.matcher(fieldname, btext, fmt)
    except (KeyError, TermNotFound):
        return None
    return decode_postings(matcher)


def _blocks(matcher) -> Iterator[tuple[int, int, bytes]]:
    """(block length, last document number, pickled data) of each posting block of a Whoosh 3
    leaf matcher, read in one piece (the data still compressed when the block says so)."""
    length = matcher._length  # Whoosh 3.54 keeps it as the 1-tuple struct.unpack gave
    size = length[0] if isinstance(length, tuple) else length
    raw = matcher._postfile.get(matcher._startoffset, size)
    if raw[:4] != WHOOSH3_HEADER_MAGIC:
        where = matcher._startoffset
        raise CorruptIndexError(f"bad postings block tag {raw[:4]!r} at offset {where}")
    buf = io.BytesIO(raw)
    pos, last = 4, False
    while not last:
        (size,) = unpack_int(raw[pos : pos + _INT_SIZE])
        last, size = size < 0, abs(size)
        pos += _INT_SIZE
        buf.seek(pos)
        count, last_id, _, compression, _, _ = pickle.load(buf)  # the block's header
        data = raw[buf.tell() : pos + size]
        yield count, last_id, zlib.decompress(data) if compression else data
        pos += size


def decode_postings(matcher) -> tuple[np.ndarray, np.ndarray]:
    """A matcher's postings as arrays (Whoosh 3's block layout, or stepped through otherwise)."""
    if isinstance(matcher, W3LeafMatcher):
        ids, tfs = [], []
        for count, _, data in _blocks(matcher):
            deltas, weights, _ = pickle.loads(data)
            ids.append(np.cumsum(np.array(deltas, dtype=np.int64)))  # deltas from 0 in every block
            if weights is None:
                tfs.append(np.ones(count))
            elif isinstance(weights, float):
                tfs.append(np.full(count, weights))
            else:
                tfs.append(np.array(weights, dtype=np.float64))
        return (np.concatenate(ids), np.concatenate(tfs)) if len(ids) > 1 else (ids[0], tfs[0])
    # Any other matcher (Whoosh inlines no postings with its default codec): read one by one.
    ids, tfs = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        tfs.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(tfs, dtype=np.float64)


def term_values(reader, fieldname: str, btext: bytes, fmt, docnums: list[int]) -> dict[int, bytes]:
    """The stored value (for a positional field: its encoded positions) of one term in each of
    docnums (this segment's numbers, ascending) that holds it. Only the posting blocks that can
    hold one of docnums are unpickled."""
    try:
        matcher = reader._terms.matcher(fieldname, btext, fmt)
    except (KeyError, TermNotFound):
        return {}
    out: dict[int, bytes] = {}
    i = 0
    if isinstance(matcher, W3LeafMatcher) and fmt.fixed_value_size() is None:
        for _, last_id, data in _blocks(matcher):
            if i >= len(docnums):
                break
            if docnums[i] > last_id:
                continue
            deltas, _, values = pickle.loads(data)
            ids = list(accumulate(deltas))
            while i < len(docnums) and docnums[i] <= last_id:
                k = bisect_left(ids, docnums[i])
                if k < len(ids) and ids[k] == docnums[i]:
                    out[docnums[i]] = values[k]
                i += 1
        return out
    for d in docnums:  # any other layout: Whoosh's own matcher, skipping from one to the next
        if not matcher.is_active():
            break
        if matcher.id() < d:
            matcher.skip_to(d)
        if matcher.is_active() and matcher.id() == d:
            out[d] = matcher.value()
    return out


class MarshalPostingPool(writing.PostingPool):
    """Whoosh's posting pool with cheaper sorted runs. When a writer's postings outgrow `limitmb`,
    Whoosh sorts them and writes a run to disk with one `pickle.dump` per posting, then reads every
    posting back with one `pickle.load` to merge the runs: a third of a 10k-document build. Here a
    run is written as blocks of postings, one `marshal` call per block (postings are tuples of
    str, bytes, int, float and bytes or None, which marshal keeps exactly)."""

    BLOCK = 16384
    _HEAD = struct.Struct("<I")

    def add(self, item: tuple) -> None:
        # Whoosh's size estimate for a posting, without its per-posting type assertions.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f, items) -> None:
        it = iter(items)
        while block := list(islice(it, self.BLOCK)):
            data = marshal.dumps(block)
            f.write(self._HEAD.pack(len(data)))
            f.write(data)
        f.close()

    def _read_run(self, path: str):
        f = self._open_run(path)
        try:
            while head := f.read(self._HEAD.size):
                yield from marshal.loads(f.read(self._HEAD.unpack(head)[0]))
        finally:
            f.close()
            self._remove_run(path)


@contextmanager
def marshal_posting_runs() -> Iterator[None]:
    """Writers created (and sub-writer processes forked) inside use MarshalPostingPool: Whoosh's
    SegmentWriter names PostingPool directly, so the name is replaced for the duration."""
    original = writing.PostingPool
    writing.PostingPool = MarshalPostingPool
    try:
        yield
    finally:
        writing.PostingPool = original
