"""Crawl sources (web sites or local folders of HTML) into the archive and the document store.

A page flows fetch -> archive -> derive (decode, extract, classify) -> store. A page whose bytes
are those its stored document was derived from, by the current extractor, is not derived again.
A web source is walked by its listing strategy (listings.py): listing pages name documents and
the listing pages that follow. A dry run (no store) walks the listings alone: `sources check`.
A page that answers 404 or 410 (a file gone from a local source) is marked gone: kept, not
deleted."""

from __future__ import annotations

import hashlib
import logging
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tqdm import tqdm

from . import listings
from .archive import Archive, RawPage
from .dedupe import fingerprint
from .derive import Derived, derive, extractor_version, lost_substance
from .derive_pool import FolderReader, Task, derive_all
from .fetch import Fetcher, FetchResult
from .frontier import DOC, PAGE, Frontier, Item
from .model import Fingerprint, doc_id
from .settings import Config
from .sources import Source
from .store import DocumentStore
from .taxonomy import Taxonomy
from .urls import canonical_url

log = logging.getLogger(__name__)

# What a page may be: HTML, or a notice published as a PDF of its own (a start URL, a redirect).
PAGE_TYPES = ("text/html", "application/xhtml+xml", "application/pdf")


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
    problems: list[tuple[str, str]] = field(default_factory=list)  # parts of listings not read
    stopped_early: int = 0  # listing pages not walked: the page before held nothing new
    not_rechecked: int = 0  # stored documents a catching-up walk did not fetch again
    found: list[listings.Entry] = field(default_factory=list)  # a dry run's documents

    @property
    def failed_entirely(self) -> bool:
        """Nothing of the source could be read: no page answered, not even 'not modified'."""
        return self.fetched == 0 and self.unchanged == 0

    def line(self) -> str:
        more = "".join(f", {label} {n}" for label, n in (
            ("listing pages not walked (nothing new before them)", self.stopped_early),
            ("stored documents not re-checked", self.not_rechecked),
            ("listing problems", len(self.problems))) if n)  # fmt: skip
        return (f"{self.source}: {'resumed, ' if self.resumed else ''}fetched {self.fetched}, "
                f"new {self.new}, changed {self.changed}, unchanged {self.unchanged}, "
                f"gone {self.gone}, listing pages {self.listings}, "
                f"failed {len(self.failed)}{more}")  # fmt: skip


class Crawler:
    """Runs sources into an archive and a store, one document per transaction."""

    def __init__(self, store: DocumentStore | None, archive: Archive | None, tax: Taxonomy | None,
                 config: Config, max_pages: int | None = None, delay: float | None = None,
                 progress: bool | None = None, full: bool = False,
                 workers: int | None = None):  # fmt: skip
        # Without a store and an archive it is a dry run: listings are walked, nothing is kept.
        self.store = store
        self.archive = archive
        self.tax = tax
        self.config = config
        self.max_pages = max_pages
        self.delay = delay
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.full = full  # walk every listing page and re-check every listed document
        self.workers = workers  # processes deriving a local folder's pages (None: derive_pool's)
        self.extractor = extractor_version(tax) if tax is not None else ""

    def crawl(self, source: Source) -> CrawlReport:
        report = CrawlReport(source.name)
        if source.path is not None and self.store is None:
            report.found = [listings.Entry(url) for _, url in self._local_files(source)]
        elif source.path is not None:
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
               base: str | None = None, cause: str = "source",
               derived: Derived | None = None,
               fp: Fingerprint | None = None) -> tuple[Derived, str]:  # fmt: skip
        """Derive one page (unless derived, with its fingerprint fp, already) and store the
        document it holds; the outcome
        (new, changed, unchanged, listing, failed) is returned and counted in report. cause:
        "rules" when the bytes are those the stored document came from (only the rules changed)."""
        if derived is None:
            derived = derive(page, read, self.tax, source.region_hints(page.url), source.name,
                             source.sample, base)  # fmt: skip
        if derived.outcome == "listing":
            report.listings += 1
        if derived.doc is None:
            if derived.outcome == "failed":
                self._fail(source, page.url, derived.reason or "failed", report)
            return derived, derived.outcome
        doc = derived.doc
        stored = self.store.get(doc.id)
        if stored is not None and lost_substance(stored, doc):
            reason = (f"the page no longer looks like the stored policy (no 发文字号, "
                      f"{len(doc.text)} of {len(stored.text)} characters); the stored version "
                      f"is kept")  # fmt: skip
            self._fail(source, page.url, reason, report)
            return Derived(None, "failed", reason, derived.links), "failed"
        outcome = self.store.put(doc, fp or fingerprint(doc), cause)
        setattr(report, outcome, getattr(report, outcome) + 1)
        return derived, outcome

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
        # a dry run (`sources check`) prints its own report of what failed
        log.log(logging.WARNING if self.store is not None else logging.INFO, "%s: %s", url, reason)
        report.failed.append((url, reason))
        if self.store is not None:
            self.store.log_fetch(url, source.name, "failed", reason, status)

    # ---- local folders -----------------------------------------------------------------------
    def _local_files(self, source: Source) -> list[tuple[Path, str]]:
        """The HTML files of a local source, with the URLs they are recorded under."""
        root = source.path
        assert root is not None
        files = [root] if root.is_file() else sorted(
            p for p in root.rglob("*")
            if p.suffix.lower() in (".html", ".htm") and p.is_file())  # fmt: skip
        return [(p, source.url_of(p.name if root.is_file() else p.relative_to(root).as_posix()))
                for p in files]  # fmt: skip

    def _crawl_local(self, source: Source, report: CrawlReport) -> None:
        root = source.path
        assert root is not None
        folder = root.parent if root.is_file() else root
        files = self._local_files(source)
        limit = self.max_pages or len(files)
        reader = FolderReader(folder, source.root_url, self.config.max_attachment_bytes)
        seen = set()

        def to_derive() -> Iterator[Task]:
            """Each file read and archived; those not derived by these rules already."""
            for p, url in tqdm(files[:limit], desc=source.name, unit="page",
                               disable=not self.progress):  # fmt: skip
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
                yield Task(page, tuple(source.region_hints(url)), source.name, source.sample,
                           ("rules" if same else "source", body_hash))  # fmt: skip

        work = derive_all(to_derive(), reader, self.tax, min(limit, len(files)), self.workers)
        for task, derived, fp, attachments in work:
            for a in attachments:
                self.archive.put(a, source.name)
            cause, body_hash = task.note
            url = task.page.url
            derived, _ = self._store(source, task.page, reader, report, cause=cause,
                                     derived=derived, fp=fp)  # fmt: skip
            if derived.outcome != "failed":
                outcome = "stored" if derived.doc else "skipped"
                self.store.log_fetch(url, source.name, outcome, derived.reason, body_hash=body_hash)
        if len(files) <= limit:  # the whole folder was read: a file no longer in it is gone
            for url, outcome in self.store.logged(source.name):
                if url not in seen and outcome in ("stored", "unchanged"):
                    self._gone(source, url, "no longer in the source folder", report)

    # ---- web sites ---------------------------------------------------------------------------
    def _fetcher(self, source: Source) -> Fetcher:
        cfg = self.config
        delay = next(d for d in (self.delay, source.delay, cfg.crawl_delay) if d is not None)
        return Fetcher(
            allowed_hosts=source.allowed_hosts, user_agent=cfg.user_agent, delay=float(delay),
            timeout=cfg.timeout, max_bytes=cfg.max_bytes, max_redirects=cfg.max_redirects,
        )  # fmt: skip

    def _crawl_web(self, source: Source, report: CrawlReport) -> None:
        """Walk the source's listings and fetch what they name, within the page limit. The
        frontier lives in the store, so an interrupted crawl resumes where it stopped.

        After a walk that reached the end of every listing, the next one re-checks the documents
        it passes and stops a listing at the first page whose documents were all stored and
        unchanged. After one cut short by the page limit, the next one skips stored documents
        to reach the rest. --full walks everything and re-checks everything."""
        cfg, store = self.config, self.store
        fetcher = self._fetcher(source)
        limit = self.max_pages or source.max_pages or cfg.max_pages
        max_depth = source.max_depth if source.max_depth is not None else cfg.max_depth
        walk_key = f"listing-walk:{source.name}"
        complete_before = store is not None and store.meta(walk_key) == "complete"
        recheck = self.full or complete_before
        stop_early = complete_before and not self.full and source.newest_first
        frontier = Frontier(source.name, store)
        bar = tqdm(total=limit, desc=source.name, unit="page", disable=not self.progress)
        attempts = 0
        try:
            frontier.start(self._seeds(source, fetcher))
            report.resumed = frontier.resumed
            while attempts < limit:
                item = frontier.pop()
                if item is None:
                    break
                if item.is_listing and stop_early and frontier.stale(item):
                    report.stopped_early += 1
                elif item.kind == DOC and not recheck and self._known(item.url):
                    report.not_rechecked += 1
                else:
                    attempts += 1
                    bar.update(1)
                    self._step(source, fetcher, item, frontier, report, max_depth)
                frontier.done(item)
            if store is not None:
                ended = frontier.pop() is None
                store.set_meta(walk_key, "complete" if ended else "partial")
            frontier.finish()
        finally:
            bar.close()
            fetcher.close()

    def _seeds(self, source: Source, fetcher: Fetcher) -> list[Item]:
        """Where the walk starts: the start URLs as its strategy reads them, and (links, sitemap)
        the sitemaps robots.txt announces."""
        strategy = source.strategy
        if strategy == "links":
            kind = "links" if self.store is None else PAGE  # a dry run reads pages as listings
            items = [Item(canonical_url(u), 0, kind) for u in source.urls]
        else:
            refs = listings.seeds(strategy, source.listing, source.urls)
            # As configured: a folder's trailing slash is what its relative links resolve against.
            # A site's root given to the sitemap strategy stands for the sitemaps robots.txt names.
            items = [Item(r, 0, strategy) for r in refs
                     if not (strategy == "sitemap" and urlsplit(r).path in ("", "/"))]  # fmt: skip
        if strategy == "links" or (strategy == "sitemap" and source.listing["from_robots"]):
            hosts = dict.fromkeys(u for u in source.urls if fetcher.host_allowed(u))
            for url in hosts:
                items += [Item(s, 0, "sitemap") for s in fetcher.sitemaps(url)
                          if fetcher.host_allowed(s)]  # fmt: skip
        return items

    def _known(self, url: str) -> bool:
        """The last crawl stored the page at url (or kept it unchanged, or skipped it)."""
        prev = self.store.fetch_state(url) if self.store is not None else None
        return prev is not None and prev["outcome"] in ("stored", "unchanged", "skipped")

    def _step(self, source: Source, fetcher: Fetcher, item: Item, frontier: Frontier,
              report: CrawlReport, max_depth: int) -> None:  # fmt: skip
        """Fetch one frontier item: read a listing, or store a page and queue its links."""
        if item.is_listing:
            listing = self._read_listing(source, fetcher, item, report)
            if listing is not None:
                self._queue_listed(source, fetcher, item, listing, frontier, report)
            return
        known = self._known(item.url)
        links, outcome = self._visit(source, fetcher, item.url, report)
        frontier.record(item, fresh=not known or outcome in ("new", "changed"))
        if item.kind == PAGE and item.depth < max_depth:
            for link in links:
                if fetcher.host_allowed(link):
                    frontier.add(Item(link, item.depth + 1, listings.kind_of(link)))

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

    def _visit(self, source: Source, fetcher: Fetcher, url: str,
               report: CrawlReport) -> tuple[list[str], str]:  # fmt: skip
        """Fetch one URL and store what it holds; returns the links to follow from it and what
        became of it (new, changed, unchanged, listing, skipped, gone, failed)."""
        store = self.store
        prev = store.fetch_state(url)
        known = prev is not None and prev["outcome"] in ("stored", "unchanged", "skipped")
        res = fetcher.fetch(url, etag=prev["etag"] if known else None,
                            last_modified=prev["last_modified"] if known else None)  # fmt: skip
        if res.not_modified and known:
            assert prev is not None
            kept = self.archive.latest(url) if store.extractor_of(doc_id(url)) not in (
                None, self.extractor) else None  # fmt: skip
            outcome = "unchanged"
            if kept is not None:  # unchanged page, outdated document: derive it again
                _, outcome = self._store(source, kept, self._remote_reader(source, fetcher), report,
                                         cause="rules")  # fmt: skip
            else:
                report.unchanged += 1
            store.log_fetch(url, source.name, "unchanged", "not modified (304)", 304)
            return prev["outlinks"], outcome
        if not res.ok:
            gone = res.status in (404, 410)
            if gone and self._gone(source, url, res.error or "gone", report, res.status):
                return [], "gone"
            self._fail(source, url, res.error or "failed", report, res.status)
            return [], "failed"
        report.fetched += 1
        page = self._archive(res, source)
        body_hash = hashlib.sha1(res.body).hexdigest()
        if known and self._up_to_date(prev, url, body_hash):
            assert prev is not None
            report.unchanged += 1
            store.log_fetch(url, source.name, "unchanged", "same content", res.status,
                            res.etag, res.last_modified, body_hash)  # fmt: skip
            return prev["outlinks"], "unchanged"
        ctype = (res.content_type or "").split(";")[0].strip().lower()
        if ctype and ctype not in PAGE_TYPES:
            store.log_fetch(url, source.name, "skipped", f"content type {ctype}", res.status)
            return [], "skipped"
        cause = "rules" if known and prev and prev["body_hash"] == body_hash else "source"
        derived, outcome = self._store(source, page, self._remote_reader(source, fetcher), report,
                                       base=res.url, cause=cause)  # fmt: skip
        if derived.outcome != "failed":
            outcome = "stored" if derived.doc else "skipped"
            store.log_fetch(url, source.name, outcome, derived.reason, res.status, res.etag,
                            res.last_modified, body_hash, derived.links)  # fmt: skip
        return derived.links, outcome

    # ---- listings ----------------------------------------------------------------------------
    def _read_listing(self, source: Source, fetcher: Fetcher, item: Item,
                      report: CrawlReport) -> listings.Listing | None:  # fmt: skip
        """Fetch and read one listing page; None (with the reason recorded) when it cannot be."""
        params = source.listing
        if item.kind != source.strategy:  # found by the links strategy: every link it names
            given = {"documents": None} if item.kind in ("hanweb", "sitemap") else {}
            params = listings.configure(item.kind, given)
        if item.kind == "render":
            return self._render(source, fetcher, item, params, report)
        req = listings.request(item.kind, params, item.url)
        res = fetcher.fetch(req.url, method=req.method, data=req.body,
                            content_type=req.content_type)  # fmt: skip
        if not res.ok:
            if item.probe and res.status in (404, 410):
                log.info("%s: %s, the end of the listing", item.url, res.error)
            else:
                self._fail(source, item.url, f"listing page: {res.error}", report, res.status)
            return None
        ref = item.url if item.kind in ("json", "hanweb") else res.url  # the query tells the page
        try:
            listing = listings.parse(item.kind, params, ref, res.body, res.content_type)
        except listings.ListingError as exc:
            self._fail(source, item.url, f"cannot read the listing ({item.kind}): {exc}", report,
                       res.status)  # fmt: skip
            return None
        report.listings += 1
        if self.store is not None:
            named = f"{len(listing.documents)} documents named"
            self.store.log_fetch(item.url, source.name, "listing", named, res.status)
        return listing

    def _render(self, source: Source, fetcher: Fetcher, item: Item, params: dict,
                report: CrawlReport) -> listings.Listing | None:  # fmt: skip
        from . import render  # the browser is optional: only a render source needs it

        try:
            listing = render.listing(item.url, fetcher, params, self.config)
        except render.RenderError as exc:
            self._fail(source, item.url, str(exc), report)
            return None
        report.listings += 1
        return listing

    def _queue_listed(self, source: Source, fetcher: Fetcher, item: Item,
                      listing: listings.Listing, frontier: Frontier,
                      report: CrawlReport) -> None:  # fmt: skip
        """Queue what a listing names: its documents first, then the listing pages after it."""
        report.problems += [(item.url, p) for p in listing.problems]
        if item.probe and not listing.documents:
            return  # a guessed page past the end: the listing is over
        doc_kind = PAGE if source.strategy == "links" else DOC
        named = 0
        for entry in listing.documents:
            if not fetcher.host_allowed(entry.url):
                report.problems.append((item.url, f"document on another host: {entry.url}"))
            elif self.store is None:
                if entry.url not in frontier.seen:
                    frontier.seen.add(entry.url)
                    report.found.append(entry)
            else:
                named += 1
                frontier.add(Item(entry.url, item.depth + 1, doc_kind, item.url))
        frontier.listed(item.url, named)
        for nxt in listing.next:
            kind = listings.kind_of(nxt.url) if item.kind == "links" else item.kind
            kind = "links" if kind == PAGE else kind
            if fetcher.host_allowed(nxt.url):
                frontier.add(Item(nxt.url, item.depth + 1, kind, item.url, nxt.probe))
