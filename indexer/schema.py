"""THE schema, and opening the current index generation. Indexing and searching both use it."""

from __future__ import annotations

import json
import os
from pathlib import Path

from whoosh import index
from whoosh.columns import VarBytesColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from .analysis import bigram_analyzer, chinese_analyzer, english_analyzer, spelling_analyzer
from .model import PolicyDocument

# The text fields a Chinese word is searched in, and those an English word is (their weights are
# ranking factors: search_app/ranking.py).
ZH_FIELDS = ("title", "doc_number_text", "agency", "body", "attachments")
EN_FIELDS = ("title_en", "summary_en", "body_en")
CURRENT = "CURRENT"


class IndexMissing(FileNotFoundError):
    """There is no built index in the data folder yet."""


def build_schema() -> Schema:
    zh, en = chinese_analyzer(), english_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=zh, phrase=True, stored=True),
        title_en=TEXT(analyzer=en, phrase=True, stored=True),
        summary_en=TEXT(analyzer=en, phrase=True),
        body=TEXT(analyzer=zh, phrase=True),
        body_en=TEXT(analyzer=en, phrase=True),
        attachments=TEXT(analyzer=zh),  # text of PDF and DOCX attachments
        # Character pairs of the title: finds a fragment of a title (pasted or half remembered) that
        # cuts across its words. Titles only: pairs of the whole text were 46 % of a document's
        # postings and 40 % of build time, and changed no judged query (docs/PERFORMANCE.md).
        bigrams=TEXT(analyzer=bigram_analyzer(), phrase=True),
        agency=TEXT(analyzer=zh),
        doc_number=ID(stored=True),
        related_numbers=KEYWORD(
            commas=True, lowercase=False
        ),  # numbers of the policies it explains
        doc_number_text=TEXT(analyzer=zh, phrase=True),
        agency_facet=KEYWORD(commas=True, lowercase=False),
        regions=KEYWORD(commas=True, stored=True),
        scenarios=KEYWORD(commas=True, stored=True),
        audience=KEYWORD(commas=True),  # whom it is for (indexer/audience.py)
        # Per-document facet values in a column: read for every match without loading documents.
        facets=COLUMN(VarBytesColumn()),
        spell=TEXT(analyzer=spelling_analyzer(), phrase=False),  # unstemmed words for did-you-mean
        status=ID(stored=True),
        lang=ID(stored=True),
        kind=ID(stored=True),
        year=ID(stored=True),
        publish_date=ID(stored=True, sortable=True),
        sample=BOOLEAN(stored=True),
        doc=STORED,  # the whole PolicyDocument as JSON, served as it was indexed
    )


def to_fields(doc: PolicyDocument) -> dict:
    """A PolicyDocument as the schema's fields."""
    english = doc.lang == "en"
    return {
        "id": doc.id,
        "title": "" if english else doc.title,
        "title_en": doc.title if english else (doc.title_en or ""),
        "summary_en": doc.summary_en or "",
        "body": "" if english else doc.text,
        "body_en": doc.text if english else "",
        "attachments": "\n".join(a.get("text", "") for a in doc.attachments),
        "bigrams": "" if english else doc.title,
        "agency": doc.agency or "",
        "doc_number": doc.doc_number or "",
        "related_numbers": ",".join(doc.related_numbers),
        "doc_number_text": doc.doc_number or "",
        "agency_facet": ",".join(doc.agencies),
        "regions": ",".join(doc.regions),
        "scenarios": ",".join(doc.scenarios),
        "audience": ",".join(doc.audience),
        "status": doc.status,
        "lang": doc.lang,
        "kind": doc.kind,
        "year": doc.year,
        "publish_date": doc.publish_date or "",
        "sample": bool(doc.sample),
        "spell": " ".join(x for x in (doc.title, doc.title_en, doc.summary_en, doc.text) if x),
        "doc": json.dumps(doc.to_dict(), ensure_ascii=False),
        "facets": json.dumps(facet_values(doc), ensure_ascii=False).encode("utf-8"),
    }


def facet_values(doc: PolicyDocument) -> dict:
    """What facet counts, packages, ranking and suggestions need of a document, kept in one column
    (gone: its page went from the source; it stays findable, out of packages, ranked lower)."""
    # kind: what a question's intent asks for (a guide for materials, the policy for who
    # qualifies); pairs: the same policy in the other language (an English page's original, a
    # Chinese policy's translation or English guide), which an English query ranks beside it.
    pairs = [r["id"] for r in doc.related if r.get("id") and r.get("lang") != doc.lang
             and r["rel"] in ("original", "translation", "policy", "guide")]  # fmt: skip
    return {"id": doc.id, "title": doc.title, "title_en": doc.title_en or "",
            **doc.facet_values(), "date": doc.publish_date or "", "gone": doc.gone,
            "kind": doc.kind, "pairs": pairs}  # fmt: skip


def current_generation(index_root: Path) -> Path | None:
    """The generation folder readers should use, or None when nothing was built yet."""
    try:
        name = (index_root / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_root / name
    return path if name and path.is_dir() else None


def set_current(index_root: Path, gen: Path) -> None:
    """Point readers at gen atomically (write then rename)."""
    tmp = index_root / f"{CURRENT}.tmp"
    tmp.write_text(gen.name + "\n", encoding="utf-8")
    with open(tmp, "rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_root / CURRENT)


class IndexDamaged(RuntimeError):
    """The current index generation cannot be read."""


def open_index(index_root: Path) -> index.Index:
    """Open the current generation with THE schema (so any process can read it)."""
    gen = current_generation(index_root)
    missing = IndexMissing(f"no search index in {index_root}; run `policy-index index`")
    if gen is None:
        raise missing
    try:
        if not index.exists_in(str(gen)):
            raise missing
        # No mmap: Whoosh copies each mmapped segment file into a BytesIO per searcher (the whole
        # index again for every thread); plain file reads share the OS page cache instead.
        ix = FileStorage(str(gen), supports_mmap=False).open_index(schema=build_schema())
        ix.searcher().close()  # reads the segment files: a damaged one fails here, not mid-request
    except IndexMissing:
        raise
    except Exception as exc:  # noqa: BLE001  (Whoosh raises many kinds of errors on damaged files)
        raise IndexDamaged(
            f"the search index {gen} is damaged ({type(exc).__name__}); rebuild it with "
            f"`policy-index index --full --data {index_root.parent}`"
        ) from exc
    return ix
