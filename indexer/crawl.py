"""Crawl sources (web sites or local folders of HTML) into the document store."""

from __future__ import annotations

import functools
import hashlib
import logging
import sys
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import yaml
from bs4 import BeautifulSoup, Tag
from tqdm import tqdm
from w3lib.url import canonicalize_url, url_query_cleaner

from . import patterns as P
from . import settings
from .attachments import AttachmentError, extract_text
from .classify import classify
from .documents import DocumentStore, PolicyDocument, doc_id
from .encoding import decode_html, looks_binary
from .fetch import Fetcher
from .normalize import ExtractionError, NotADocument, normalize_soup
from .taxonomy import Taxonomy

log = logging.getLogger(__name__)

SKIP_EXTENSIONS = (
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".css",
    ".js",
    ".ico",
    ".svg",
    ".zip",
    ".rar",
    ".mp4",
    ".mp3",
    ".exe",
    ".xls",
    ".xlsx",
    ".wps",
    ".ofd",
    ".pdf",
    ".doc",
    ".docx",
)
HTML_TYPES = ("text/html", "application/xhtml+xml")


class SourceError(ValueError):
    """A source or the sources file cannot be used as given."""


@dataclass
class Source:
    """One place to crawl: a web site (start URLs on allowed hosts) or a local folder of HTML."""

    name: str
    urls: list[str] = field(default_factory=list)
    path: Path | None = None
    base_url: str | None = None
    allowed_hosts: set[str] = field(default_factory=set)
    delay: float | None = None
    max_pages: int | None = None
    max_depth: int | None = None
    family: str = "generic"
    regions: list[str] = field(default_factory=list)
    regions_by_path: dict[str, list[str]] = field(default_factory=dict)
    sample: bool = False
    title: str = ""

    def region_hints(self, url: str) -> list[str]:
        """Region slugs for a page of this source, by the page's path below the source's root."""
        base = self.base_url or (self.path.resolve().as_uri() + "/" if self.path else "")
        path = url[len(base) :] if base and url.startswith(base) else urlsplit(url).path.lstrip("/")
        for prefix, regions in self.regions_by_path.items():
            if path.startswith(prefix):
                return list(regions)
        return list(self.regions)


@dataclass
class CrawlReport:
    source: str
    fetched: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    listings: int = 0
    gone: int = 0
    resumed: bool = False
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.source}: {'resumed, ' if self.resumed else ''}fetched {self.fetched}, new {self.new}, "
            f"changed {self.changed}, unchanged {self.unchanged}, gone {self.gone}, "
            f"listing pages {self.listings}, failed {len(self.failed)}"
        )


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment or tracking parameters, sorted query, lower-case host,
    a folder's default page as the folder, no trailing slash except on the root."""
    url = url_query_cleaner(url.strip(), P.TRACKING_PARAMS, remove=True, keep_fragments=False)
    url = canonicalize_url(url, keep_fragments=False)
    p = urlsplit(url)
    path = p.path or "/"
    head, _, last = path.rpartition("/")
    if last.lower() in P.DEFAULT_PAGES:
        path = head + "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), path, p.query, ""))


def load_sources(path: Path, root: Path | None = None) -> list[Source]:
    """Sources from a YAML file; relative local paths are resolved against root (the project)."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SourceError(f"cannot read sources file {path}: {exc}") from exc
    root = root or settings.PROJECT_ROOT
    out = []
    for i, s in enumerate((raw or {}).get("sources") or []):
        if not isinstance(s, dict) or "name" not in s:
            raise SourceError(f"{path}: source #{i + 1} needs a name")
        if s.get("enabled") is False:
            continue
        local = s.get("path")
        out.append(
            Source(
                name=s["name"],
                urls=list(s.get("start_urls") or []),
                path=(root / local) if local else None,
                base_url=s.get("base_url"),
                allowed_hosts=set(
                    s.get("allowed_hosts")
                    or {urlsplit(u).hostname for u in s.get("start_urls") or []}
                ),
                delay=s.get("delay"),
                max_pages=s.get("max_pages"),
                max_depth=s.get("max_depth"),
                family=s.get("family", "generic"),
                regions=list(s.get("regions") or []),
                regions_by_path=dict(s.get("regions_by_path") or {}),
                sample=bool(s.get("sample")),
                title=s.get("title", ""),
            )
        )
    return out


def source_from_arg(arg: str) -> Source:
    """A SOURCE given on the command line: an http(s) URL or a local file or folder."""
    if arg.startswith(("http://", "https://")):
        host = urlsplit(arg).hostname
        if not host:
            raise SourceError(f"not a usable URL: {arg}")
        return Source(name=host, urls=[arg], allowed_hosts={host})
    p = Path(arg)
    if not p.exists():
        raise SourceError(f"no such file or folder: {arg}")
    return Source(name=p.name or str(p), path=p.resolve())


class Crawler:
    """Runs sources into a store, one document per transaction."""

    def __init__(
        self,
        store: DocumentStore,
        tax: Taxonomy,
        max_pages: int | None = None,
        delay: float | None = None,
        progress: bool | None = None,
    ):
        self.store = store
        self.tax = tax
        self.max_pages = max_pages
        self.delay = delay
        self.progress = sys.stderr.isatty() if progress is None else progress

    def crawl(self, source: Source) -> CrawlReport:
        report = CrawlReport(source.name)
        if source.path is not None:
            self._crawl_local(source, report)
        else:
            self._crawl_web(source, report)
        return report

    def _store_page(
        self,
        source: Source,
        url: str,
        data: bytes,
        content_type: str | None,
        report: CrawlReport,
        read: Reader,
        base: str | None = None,
    ) -> tuple[list[str] | None, str, str | None]:
        """Normalize and store one page: (the links to follow from it, or None when the bytes are
        not a page; the outcome; its reason). The page is parsed once for both."""
        if looks_binary(data):
            reason = "binary content where HTML was expected"
            self._fail(source, url, reason, report)
            return None, "failed", reason
        html, _ = decode_html(data, content_type)
        soup = BeautifulSoup(html, "lxml")
        too_complex = _too_complex(soup)
        if too_complex:
            reason = f"page too complex to extract ({too_complex})"
            self._fail(source, url, reason, report)
            return None, "failed", reason
        links = page_links(soup, base or url)  # before normalizing, which strips navigation away
        try:
            doc = normalize_soup(soup, url)
        except NotADocument:
            report.listings += 1
            return links, "skipped", "listing page"
        except ExtractionError as exc:
            reason = f"extraction failed: {exc}"
            self._fail(source, url, reason, report)
            return links, "failed", reason
        doc.source = source.name
        doc.sample = doc.sample or source.sample
        read_attachments(doc.attachments, read)
        classify(doc, self.tax, source.region_hints(url))
        stored = self.store.get(doc.id)
        if stored is not None and lost_substance(stored, doc):
            reason = (
                f"the page no longer looks like the stored policy (no 发文字号, {len(doc.text)} of "
                f"{len(stored.text)} characters); the stored version is kept"
            )
            self._fail(source, url, reason, report)
            return links, "failed", reason
        outcome = self.store.put(doc)
        setattr(report, outcome, getattr(report, outcome) + 1)
        return links, ("unchanged" if outcome == "unchanged" else "stored"), None

    def _same_as_stored(self, prev: dict | None, url: str, body_hash: str) -> bool:
        """The bytes are those the stored document of url was read from: nothing to re-read."""
        return bool(prev) and prev["body_hash"] == body_hash and self.store.has(doc_id(url))

    def _fail(
        self, source: Source, url: str, reason: str, report: CrawlReport, status: int | None = None
    ) -> None:
        log.warning("%s: %s", url, reason)
        report.failed.append((url, reason))
        self.store.log_fetch(url, source.name, "failed", reason, status)

    def _crawl_local(self, source: Source, report: CrawlReport) -> None:
        root = source.path
        assert root is not None
        folder = root.parent if root.is_file() else root
        files = (
            [root]
            if root.is_file()
            else sorted(
                p for p in root.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file()
            )
        )
        limit = self.max_pages or len(files)
        for p in tqdm(files[:limit], desc=source.name, unit="page", disable=not self.progress):
            rel = p.name if root.is_file() else p.relative_to(root).as_posix()
            url = urljoin(source.base_url, rel) if source.base_url else p.resolve().as_uri()
            try:
                data = p.read_bytes()
            except OSError as exc:
                self._fail(source, url, f"cannot read file: {exc}", report)
                continue
            report.fetched += 1
            body_hash = hashlib.sha1(data).hexdigest()
            if self._same_as_stored(self.store.fetch_state(url), url, body_hash):
                report.unchanged += 1
                self.store.log_fetch(url, source.name, "unchanged", "same content")
                continue
            _, outcome, reason = self._store_page(
                source, url, data, None, report, functools.partial(_read_local, source, folder)
            )
            if outcome != "failed":
                self.store.log_fetch(url, source.name, outcome, reason, body_hash=body_hash)

    def _crawl_web(self, source: Source, report: CrawlReport) -> None:
        """Breadth-first over allowed hosts. The frontier lives in the store, so a crawl that was
        interrupted resumes where it stopped; pages seen before are fetched conditionally."""
        fetcher = Fetcher(
            allowed_hosts=source.allowed_hosts,
            user_agent=str(settings.get("user_agent")),
            delay=float(
                self.delay
                if self.delay is not None
                else source.delay
                if source.delay is not None
                else settings.get("crawl_delay")
            ),
            timeout=float(settings.get("timeout")),
            max_bytes=int(settings.get("max_bytes")),
            max_redirects=int(settings.get("max_redirects")),
        )
        limit = self.max_pages or source.max_pages or int(settings.get("max_pages"))
        max_depth = (
            source.max_depth if source.max_depth is not None else int(settings.get("max_depth"))
        )
        store = self.store
        pending = store.frontier_pending(source.name)
        if pending:
            report.resumed = True
            seen = store.frontier_seen(source.name)
        else:
            store.frontier_clear(source.name)
            pending = [(canonical_url(u), 0) for u in source.urls]
            for u, d in pending:
                store.frontier_add(source.name, u, d)
            seen = {u for u, _ in pending}
        frontier = deque(pending)
        bar = tqdm(total=limit, desc=source.name, unit="page", disable=not self.progress)
        attempts = 0
        try:
            while frontier and attempts < limit:
                url, depth = frontier.popleft()
                attempts += 1
                links = self._visit(source, fetcher, url, report)
                bar.update(1)
                if depth < max_depth:
                    for link in links:
                        if link not in seen and fetcher.host_allowed(link):
                            seen.add(link)
                            frontier.append((link, depth + 1))
                            store.frontier_add(source.name, link, depth + 1)
                store.frontier_done(source.name, url)
            # Ended normally (all done, or the page limit reached): the next crawl starts afresh.
            # Only a crawl that was killed or interrupted leaves its frontier behind to resume.
            store.frontier_clear(source.name)
        finally:
            bar.close()
            fetcher.close()

    def _visit(self, source: Source, fetcher: Fetcher, url: str, report: CrawlReport) -> list[str]:
        """Fetch one URL and store what it holds; returns the links to follow from it."""
        store = self.store
        prev = store.fetch_state(url)
        known = prev is not None and prev["outcome"] in ("stored", "unchanged", "skipped")
        res = fetcher.fetch(
            url,
            etag=prev["etag"] if known else None,
            last_modified=prev["last_modified"] if known else None,
        )
        if res.not_modified and known:
            report.unchanged += 1
            store.log_fetch(url, source.name, "unchanged", "not modified (304)", 304)
            return prev["outlinks"]
        if not res.ok:
            if res.status in (404, 410) and store.delete(doc_id(url)):
                report.gone += 1
                store.log_fetch(url, source.name, "gone", res.error, res.status)
                return []
            self._fail(source, url, res.error or "failed", report, res.status)
            return []
        report.fetched += 1
        body_hash = hashlib.sha1(res.body).hexdigest()
        if known and self._same_as_stored(prev, url, body_hash):
            report.unchanged += 1
            store.log_fetch(
                url,
                source.name,
                "unchanged",
                "same content",
                res.status,
                res.etag,
                res.last_modified,
                body_hash,
            )
            return prev["outlinks"]
        ctype = (res.content_type or "").split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            store.log_fetch(url, source.name, "skipped", f"content type {ctype}", res.status)
            return []
        links, outcome, reason = self._store_page(
            source,
            canonical_url(res.url),
            res.body,
            res.content_type,
            report,
            functools.partial(_read_remote, fetcher),
            base=res.url,
        )
        links = links or []
        if outcome != "failed":
            store.log_fetch(
                url,
                source.name,
                outcome,
                reason,
                res.status,
                res.etag,
                res.last_modified,
                body_hash,
                links,
            )
        return links


Reader = Callable[[str], tuple[bytes | None, str | None]]
# A policy page has hundreds of elements, a busy portal page a few thousand. The extractor's cost grows
# faster than linearly with them (10,000 table cells take seconds, 30,000 over a minute), so a page far
# past these bounds (a hostile or broken one) is refused rather than left to hold the crawl.
MAX_ELEMENTS = 20_000
MAX_DEPTH = 256


def _too_complex(soup: BeautifulSoup) -> str | None:
    """Why the parsed page is past MAX_ELEMENTS or MAX_DEPTH, else None (iterative: no recursion)."""
    count, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.contents:
            if isinstance(child, Tag):
                count += 1
                if count > MAX_ELEMENTS:
                    return f"more than {MAX_ELEMENTS} elements"
                if depth >= MAX_DEPTH:
                    return f"elements nested more than {MAX_DEPTH} deep"
                stack.append((child, depth + 1))
    return None


def lost_substance(stored: PolicyDocument, new: PolicyDocument) -> bool:
    """A maintenance, error or login page served with 200 where a policy was: it lost the policy's
    发文字号 and most of its text. Such a page must not overwrite what was stored."""
    return bool(stored.doc_number) and not new.doc_number and len(new.text) * 4 < len(stored.text)


def read_attachments(attachments: list[dict], read: Reader) -> None:
    """Fetch and read each PDF/DOCX attachment in place: text, or the reason there is none."""
    for att in attachments:
        if att["type"] not in P.PARSED_ATTACHMENTS.values():
            att["note"] = "listed, not parsed"
            continue
        data, error = read(att["url"])
        if data is None:
            att["error"] = error
            continue
        try:
            text = extract_text(data, att["type"])
        except AttachmentError as exc:
            att["error"] = str(exc)
            continue
        except Exception as exc:  # noqa: BLE001  (a parser's bug on hostile bytes must not end the crawl)
            log.exception("%s: unexpected error reading the attachment", att["url"])
            att["error"] = f"unreadable attachment: {type(exc).__name__}"
            continue
        att["text"] = text
        att["chars"] = len(text)


def _read_remote(fetcher: Fetcher, url: str) -> tuple[bytes | None, str | None]:
    if not fetcher.host_allowed(url):
        return None, "on another host: not fetched"
    res = fetcher.fetch(url, max_bytes=int(settings.get("max_attachment_bytes")))
    return (res.body, None) if res.ok else (None, res.error)


def _read_local(source: Source, root: Path, url: str) -> tuple[bytes | None, str | None]:
    base = source.base_url or (root.resolve().as_uri() + "/")
    if not url.startswith(base):
        return None, "outside the source folder: not read"
    path = (root / unquote(url[len(base) :])).resolve()
    if root.resolve() not in path.parents or not path.is_file():
        return None, "no such file in the source folder"
    if path.stat().st_size > int(settings.get("max_attachment_bytes")):
        return None, "larger than the attachment size limit"
    return path.read_bytes(), None


def page_links(soup: BeautifulSoup, base: str) -> list[str]:
    """Canonical URLs of the pages a page links to (files and scripts left out)."""
    out = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        try:
            url = canonical_url(urljoin(base, href))
            urlsplit(url).port  # noqa: B018  (raises on a malformed host or port)
        except ValueError:
            continue  # an href no URL parser accepts: nothing to follow
        if urlsplit(url).path.lower().endswith(SKIP_EXTENSIONS):
            continue
        out.append(url)
    return out
