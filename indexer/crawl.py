"""Crawl sources (web sites or local folders of HTML) into the document store."""

from __future__ import annotations

import logging
import sys
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import yaml
from bs4 import BeautifulSoup
from tqdm import tqdm

from . import settings
from .classify import classify
from .documents import DocumentStore
from .encoding import decode_html, looks_binary
from .fetch import Fetcher
from .normalize import ExtractionError, NotADocument, normalize
from .taxonomy import Taxonomy

log = logging.getLogger(__name__)

SKIP_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".css", ".js", ".ico", ".svg", ".zip", ".rar",
                   ".mp4", ".mp3", ".exe", ".xls", ".xlsx", ".wps", ".ofd", ".pdf", ".doc", ".docx")
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
    family: str = "generic"
    regions: list[str] = field(default_factory=list)
    regions_by_path: dict[str, list[str]] = field(default_factory=dict)
    sample: bool = False
    title: str = ""

    def region_hints(self, url: str) -> list[str]:
        """Region slugs for a page of this source, by the page's path below the source's root."""
        base = self.base_url or (self.path.resolve().as_uri() + "/" if self.path else "")
        path = url[len(base):] if base and url.startswith(base) else urlsplit(url).path.lstrip("/")
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
    failed: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.source}: fetched {self.fetched}, new {self.new}, changed {self.changed}, "
                f"unchanged {self.unchanged}, listing pages {self.listings}, failed {len(self.failed)}")


def canonical_url(url: str) -> str:
    """Drop the fragment; lower-case scheme and host."""
    p = urlsplit(url.strip())
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", p.query, ""))


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
        out.append(Source(
            name=s["name"], urls=list(s.get("start_urls") or []),
            path=(root / local) if local else None, base_url=s.get("base_url"),
            allowed_hosts=set(s.get("allowed_hosts") or {urlsplit(u).hostname for u in s.get("start_urls") or []}),
            delay=s.get("delay"), max_pages=s.get("max_pages"), family=s.get("family", "generic"),
            regions=list(s.get("regions") or []), regions_by_path=dict(s.get("regions_by_path") or {}),
            sample=bool(s.get("sample")), title=s.get("title", ""),
        ))
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

    def __init__(self, store: DocumentStore, tax: Taxonomy, max_pages: int | None = None,
                 delay: float | None = None, progress: bool | None = None):
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

    def _store_page(self, source: Source, url: str, data: bytes, content_type: str | None,
                    report: CrawlReport) -> str | None:
        """Normalize and store one page; returns its HTML text for link discovery (or None)."""
        if looks_binary(data):
            self._fail(source, url, "binary content where HTML was expected", report)
            return None
        html, _ = decode_html(data, content_type)
        try:
            doc = normalize(html, url)
        except NotADocument:
            report.listings += 1
            self.store.log_fetch(url, source.name, "skipped", "listing page")
            return html
        except ExtractionError as exc:
            self._fail(source, url, f"extraction failed: {exc}", report)
            return html
        doc.source = source.name
        doc.sample = doc.sample or source.sample
        classify(doc, self.tax, source.region_hints(url))
        outcome = self.store.put(doc)
        setattr(report, outcome, getattr(report, outcome) + 1)
        self.store.log_fetch(url, source.name, "stored" if outcome != "unchanged" else "unchanged")
        return html

    def _fail(self, source: Source, url: str, reason: str, report: CrawlReport,
              status: int | None = None) -> None:
        log.warning("%s: %s", url, reason)
        report.failed.append((url, reason))
        self.store.log_fetch(url, source.name, "failed", reason, status)

    def _crawl_local(self, source: Source, report: CrawlReport) -> None:
        root = source.path
        assert root is not None
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*") if p.suffix.lower() in (".html", ".htm") and p.is_file())
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
            self._store_page(source, url, data, None, report)

    def _crawl_web(self, source: Source, report: CrawlReport) -> None:
        fetcher = Fetcher(
            allowed_hosts=source.allowed_hosts, user_agent=str(settings.get("user_agent")),
            delay=float(self.delay if self.delay is not None else source.delay
                        if source.delay is not None else settings.get("crawl_delay")),
            timeout=float(settings.get("timeout")), max_bytes=int(settings.get("max_bytes")),
            max_redirects=int(settings.get("max_redirects")),
        )
        limit = self.max_pages or source.max_pages or int(settings.get("max_pages"))
        frontier = deque(canonical_url(u) for u in source.urls)
        seen = set(frontier)
        bar = tqdm(total=limit, desc=source.name, unit="page", disable=not self.progress)
        try:
            while frontier and report.fetched + len(report.failed) < limit:
                url = frontier.popleft()
                res = fetcher.fetch(url)
                bar.update(1)
                if not res.ok:
                    self._fail(source, url, res.error or "failed", report, res.status)
                    continue
                report.fetched += 1
                ctype = (res.content_type or "").split(";")[0].strip().lower()
                if ctype and ctype not in HTML_TYPES:
                    self.store.log_fetch(url, source.name, "skipped", f"content type {ctype}", res.status)
                    continue
                html = self._store_page(source, canonical_url(res.url), res.body, res.content_type, report)
                if html is None:
                    continue
                for link in _links(html, res.url):
                    if link not in seen and fetcher.host_allowed(link):
                        seen.add(link)
                        frontier.append(link)
        finally:
            bar.close()
            fetcher.close()


def _links(html: str, base: str) -> list[str]:
    soup = BeautifulSoup(html, "lxml")
    out = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if href.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        url = canonical_url(urljoin(base, href))
        if urlsplit(url).path.lower().endswith(SKIP_EXTENSIONS):
            continue
        out.append(url)
    return out
