"""Attachment bytes -> text: PDF (pypdf) and DOCX (python-docx),
within size and page bounds (pure)."""

from __future__ import annotations

import io
import logging
import zipfile

log = logging.getLogger(__name__)

MAX_PAGES = 300
MAX_CHARS = 300_000
MAX_UNZIPPED = 60_000_000  # a DOCX that inflates beyond this is refused (zip bombs)


class AttachmentError(ValueError):
    """The attachment cannot be read; the message says why."""


def extract_text(data: bytes, kind: str) -> str:
    if kind == "pdf":
        return _pdf(data)
    if kind == "docx":
        return _docx(data)
    raise AttachmentError(f"{kind} attachments are listed, not parsed")


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise AttachmentError("not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        parts, total = [], 0
        for page in reader.pages[:MAX_PAGES]:
            text = page.extract_text() or ""
            parts.append(text)
            total += len(text)
            if total > MAX_CHARS:
                break
    # PyPdfError is every pypdf error, LimitReachedError included (a PDF bomb's stream)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise AttachmentError(f"unreadable PDF: {type(exc).__name__}: {exc}"[:200]) from exc
    return "\n".join(parts)[:MAX_CHARS]


def _docx(data: bytes) -> str:
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml.etree import LxmlError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if sum(i.file_size for i in zf.infolist()) > MAX_UNZIPPED:
                raise AttachmentError("DOCX inflates beyond the size limit")
        document = docx.Document(io.BytesIO(data))
        lines = [p.text for p in document.paragraphs if p.text.strip()]
        for table in document.tables:
            for row in table.rows:
                lines.append(" ".join(c.text.strip() for c in row.cells if c.text.strip()))
    except AttachmentError:
        raise
    # LxmlError: a part that is not well-formed XML; OpcError/PythonDocxError: not a Word package
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        LxmlError,
        OpcError,
        PythonDocxError,
    ) as exc:
        raise AttachmentError(f"unreadable DOCX: {type(exc).__name__}: {exc}"[:200]) from exc
    return "\n".join(lines)[:MAX_CHARS]
