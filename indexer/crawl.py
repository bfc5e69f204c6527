"""Crawl sources (web sites or local folders of HTML) into the archive and the document store.

A page flows fetch -> archive -> derive (decode, extract, classify) -> store. A page whose bytes
are those its stored document was derived from, by the current extractor, is not derived again.
A page that answers 404 or 410 (a file gone from a local source) is marked gone: kept, not
deleted."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from tqdm import tqdm

from .archive import Archive, RawPage
from .dedupe import fingerprint
from .derive import Derived, derive, extractor_version, lost_substance
from .fetch import Fetcher, FetchResult
from .model import doc_id
from .settings import Config
from .sources import Source
from .store import DocumentStore
from .taxonomy import Taxonomy
from .urls import canonical_url

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


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

    @property
    def failed_entirely(self) -> bool:
        """Nothing of the source could be read: no page answered, not even 'not modified'."""
        return self.fetched == 0 and self.unchanged == 0

    def line(self) -> str:
        return (f"{self.source}: {'resumed, ' if self.resumed else ''}fetched {self.fetched}, "
                f"new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
                f"gone {self.gone}, listing pages {self.listings}, "
                f"failed {len(self.failed)}")  # fmt: skip


class Crawler:
    """Runs sources into an archive and a store, one document per transaction."""

    def __init__(self, store: DocumentStore, archive: Archive, tax: Taxonomy, config: Config,
                 max_pages: int | None = None, delay: float | None = None,
                 progress: bool | None = None):  # fmt: skip
        self.store = store
        self.archive = archive
        self.tax = tax
        self.config = config
        self.max_pages = max_pages
        self.delay = delay
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.extractor = extractor_version(tax)

    def crawl(self, source: Source) -> CrawlReport:
        report = CrawlReport(source.name)
        if source.path is not None:
            self._crawl_local(source, report)
        else:
            self._crawl_web(source, report)
        return report

    def _up_to_date(self, prev: dict | None, url: str, body_hash: str) -> bool:
        """The bytes are those the stored document of url was derived from, by this extractor."""
        if not prev or prev["outcome"] == "gone" or prev["body_hash"] != body_hash:
            return False
        return self.store.extractor_of(doc_id(url)) == self.extractor

    def _store(self, source: Source, page: RawPage, read: Callable, report: CrawlReport,
               base: str | None = None, cause: str = "source") -> Derived:  # fmt: skip
        """Derive one page and store the document it holds; the outcome is in report. cause:
        "rules" when the bytes are those the stored document came from (only the rules changed)."""
        derived = derive(page, read, self.tax, source.region_hints(page.url), source.name,
                         source.sample, base)  # fmt: skip
        if derived.outcome == "listing":
            report.listings += 1
        if derived.doc is None:
            if derived.outcome == "failed":
                self._fail(source, page.url, derived.reason or "failed", report)
            return derived
        doc = derived.doc
        stored = self.store.get(doc.id)
        if stored is not None and lost_substance(stored, doc):
            reason = (f"the page no longer looks like the stored policy (no 发文字号, "
                      f"{len(doc.text)} of {len(stored.text)} characters); the stored version "
                      f"is kept")  # fmt: skip
            self._fail(source, page.url, reason, report)
            return Derived(None, "failed", reason, derived.links)
        outcome = self.store.put(doc, fingerprint(doc), cause)
        setattr(report, outcome, getattr(report, outcome) + 1)
        return derived

    def _gone(self, source: Source, url: str, reason: str, report: CrawlReport,
              status: int | None = None) -> bool:  # fmt: skip
        """A stored document's page is gone: marked so (counted once), logged as gone. False when
        no document was stored from url."""
        if self.store.mark_gone(doc_id(url)):
            report.gone += 1
        elif not self.store.is_gone(doc_id(url)):
            return False
        self.store.log_fetch(url, source.name, "gone", reason, status)
        return True

    def _fail(self, source: Source, url: str, reason: str, report: CrawlReport,
              status: int | None = None) -> None:  # fmt: skip
        log.warning("%s: %s", url, reason)
        report.failed.append((url, reason))
        self.store.log_fetch(url, source.name, "failed", reason, status)

    # ---- local folders -----------------------------------------------------------------------
    def _crawl_local(self, source: Source, report: CrawlReport) -> None:
        root = source.path
        assert root is not None
        folder = root.parent if root.is_file() else root
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*")
            if p.suffix.lower() in (".html", ".htm") and p.is_file())  # fmt: skip
        limit = self.max_pages or len(files)
        read = self._local_reader(source, folder)
        seen = set()
        for p in tqdm(files[:limit], desc=source.name, unit="page", disable=not self.progress):
            rel = p.name if root.is_file() else p.relative_to(root).as_posix()
            url = source.url_of(rel)
            seen.add(url)
            try:
                data = p.read_bytes()
            except OSError as exc:
                self._fail(source, url, f"cannot read file: {exc}", report)
                continue
            report.fetched += 1
            page = RawPage(url, data, None, None, time.time())
            self.archive.put(page, source.name)
            body_hash = hashlib.sha1(data).hexdigest()
            prev = self.store.fetch_state(url)
            if self._up_to_date(prev, url, body_hash):
                report.unchanged += 1
                self.store.log_fetch(url, source.name, "unchanged", "same content")
                continue
            same = prev and prev["outcome"] != "gone" and prev["body_hash"] == body_hash
            derived = self._store(source, page, read, report, cause="rules" if same else "source")
            if derived.outcome != "failed":
                outcome = "stored" if derived.doc else "skipped"
                self.store.log_fetch(url, source.name, outcome, derived.reason, body_hash=body_hash)
        if len(files) <= limit:  # the whole folder was read: a file no longer in it is gone
            for url, outcome in self.store.logged(source.name):
                if url not in seen and outcome in ("stored", "unchanged"):
                    self._gone(source, url, "no longer in the source folder", report)

    def _local_reader(self, source: Source, root: Path) -> Callable:
        base, cap = source.root_url, self.config.max_attachment_bytes

        def read(url: str) -> tuple[bytes | None, str | None]:
            if not url.startswith(base):
                return None, "outside the source folder: not read"
            path = (root / unquote(url[len(base) :])).resolve()
            if root.resolve() not in path.parents or not path.is_file():
                return None, "no such file in the source folder"
            if path.stat().st_size > cap:
                return None, "larger than the attachment size limit"
            data = path.read_bytes()
            self.archive.put(RawPage(url, data, None, None, time.time()), source.name)
            return data, None

        return read

    # ---- web sites ---------------------------------------------------------------------------
    def _crawl_web(self, source: Source, report: CrawlReport) -> None:
        """Breadth-first over allowed hosts. The frontier lives in the store, so a crawl that was
        interrupted resumes where it stopped; pages seen before are fetched conditionally."""
        cfg = self.config
        delay = next(d for d in (self.delay, source.delay, cfg.crawl_delay) if d is not None)
        fetcher = Fetcher(
            allowed_hosts=source.allowed_hosts, user_agent=cfg.user_agent, delay=float(delay),
            timeout=cfg.timeout, max_bytes=cfg.max_bytes, max_redirects=cfg.max_redirects,
        )  # fmt: skip
        limit = self.max_pages or source.max_pages or cfg.max_pages
        max_depth = source.max_depth if source.max_depth is not None else cfg.max_depth
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

    def _remote_reader(self, source: Source, fetcher: Fetcher) -> Callable:
        cap = self.config.max_attachment_bytes

        def read(url: str) -> tuple[bytes | None, str | None]:
            if not fetcher.host_allowed(url):
                return None, "on another host: not fetched"
            res = fetcher.fetch(url, max_bytes=cap)
            if not res.ok:
                return None, res.error
            self._archive(res, source)
            return res.body, None

        return read

    def _archive(self, res: FetchResult, source: Source) -> RawPage:
        page = RawPage(canonical_url(res.url), res.body, res.content_type, res.status, time.time())
        self.archive.put(page, source.name, res.headers)
        return page

    def _visit(self, source: Source, fetcher: Fetcher, url: str, report: CrawlReport) -> list[str]:
        """Fetch one URL and store what it holds; returns the links to follow from it."""
        store = self.store
        prev = store.fetch_state(url)
        known = prev is not None and prev["outcome"] in ("stored", "unchanged", "skipped")
        res = fetcher.fetch(url, etag=prev["etag"] if known else None,
                            last_modified=prev["last_modified"] if known else None)  # fmt: skip
        if res.not_modified and known:
            assert prev is not None
            kept = self.archive.latest(url) if store.extractor_of(doc_id(url)) not in (
                None, self.extractor) else None  # fmt: skip
            if kept is not None:  # unchanged page, outdated document: derive it again
                self._store(source, kept, self._remote_reader(source, fetcher), report,
                            cause="rules")  # fmt: skip
            else:
                report.unchanged += 1
            store.log_fetch(url, source.name, "unchanged", "not modified (304)", 304)
            return prev["outlinks"]
        if not res.ok:
            gone = res.status in (404, 410)
            if not (gone and self._gone(source, url, res.error or "gone", report, res.status)):
                self._fail(source, url, res.error or "failed", report, res.status)
            return []
        report.fetched += 1
        page = self._archive(res, source)
        body_hash = hashlib.sha1(res.body).hexdigest()
        if known and self._up_to_date(prev, url, body_hash):
            assert prev is not None
            report.unchanged += 1
            store.log_fetch(url, source.name, "unchanged", "same content", res.status,
                            res.etag, res.last_modified, body_hash)  # fmt: skip
            return prev["outlinks"]
        ctype = (res.content_type or "").split(";")[0].strip().lower()
        if ctype and ctype not in HTML_TYPES:
            store.log_fetch(url, source.name, "skipped", f"content type {ctype}", res.status)
            return []
        cause = "rules" if known and prev and prev["body_hash"] == body_hash else "source"
        derived = self._store(source, page, self._remote_reader(source, fetcher), report,
                              base=res.url, cause=cause)  # fmt: skip
        if derived.outcome != "failed":
            outcome = "stored" if derived.doc else "skipped"
            store.log_fetch(url, source.name, outcome, derived.reason, res.status, res.etag,
                            res.last_modified, body_hash, derived.links)  # fmt: skip
        return derived.links
