"""Bytes to text: BOM, then the HTTP header, then <meta>, then detection;
GB labels read as gb18030, and a header's ISO-8859-1 heard after the page's <meta>."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_META_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Pages labelled with an older GB standard routinely contain characters only its successors
# have (镕, 堃, 玥): gb18030 is a superset of both, so it never loses them.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "gb18030",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(label) or _SUPERSETS.get(name) or name


def header_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.I)
    return m.group(1) if m else None


def decode_html(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, codec used). Never raises on bad bytes."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    candidates: list[str] = []
    header, meta = _codec(header_charset(content_type)), _codec(_meta_charset(data))
    # A server that says ISO-8859-1 usually says nothing (it is HTTP's old default, and a
    # Western codec decodes any bytes): the page's own <meta> knows better.
    witnesses = (meta, header) if header == "cp1252" and meta else (header, meta)
    for codec in witnesses:
        if codec and codec not in candidates:
            candidates.append(codec)
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue  # the label lies; fall through to the next witness
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    codec = _codec(best.encoding) if best else None
    codec = codec or (candidates[0] if candidates else "gb18030")
    return data.decode(codec, errors="replace"), codec


def _meta_charset(data: bytes) -> str | None:
    m = _META_RE.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not a text document (NULs or many control bytes up front)."""
    head = data[:2048]
    if not head:
        return False
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.1


_CONTROL_BYTES = bytes((*range(0, 9), *range(14, 32)))
