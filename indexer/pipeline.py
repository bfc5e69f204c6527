"""The stages joined up: crawl, renormalize, resolve links, build the index, bootstrap the samples.

Each command opens the archive and the store of one data folder, brings documents made by an
older extractor up to date from their kept raw pages first, and resolves links last."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import links
from . import taxonomy as taxonomy_mod
from .archive import Archive
from .build import BuildReport, build
from .crawl import Crawler, CrawlReport
from .dedupe import fingerprint
from .derive import derive, extractor_version
from .schema import current_generation
from .settings import Config
from .sources import Source, find, sample_source
from .store import DocumentStore

log = logging.getLogger(__name__)


@contextmanager
def opened(config: Config) -> Iterator[tuple[DocumentStore, Archive]]:
    paths = config.paths.ensure()
    with DocumentStore(paths.store) as store, Archive(paths.archive) as archive:
        yield store, archive


def _taxonomy(config: Config) -> taxonomy_mod.Taxonomy:
    return taxonomy_mod.get(config.taxonomy)


@dataclass
class RenormalizeReport:
    checked: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    no_raw_page: list[str] = field(default_factory=list)
    not_a_document: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"renormalize: {self.checked} documents re-derived from their kept pages: "
                f"{self.changed} changed, {self.unchanged} unchanged; "
                f"{len(self.no_raw_page)} without a kept page, "
                f"{len(self.not_a_document)} no longer a document "
                f"by the current rules (kept)")  # fmt: skip


def _renormalize(store: DocumentStore, archive: Archive, config: Config,
                 everything: bool = False) -> RenormalizeReport:  # fmt: skip
    tax = _taxonomy(config)
    version = extractor_version(tax)
    report = RenormalizeReport()
    sources_file = Path(config.sources)
    known: dict[str | None, Source | None] = {}
    for i, url, source_name in store.outdated(None if everything else version):
        page = archive.latest(url)
        if page is None:
            report.no_raw_page.append(url)
            continue
        if source_name not in known:
            known[source_name] = find(sources_file, source_name)
        src = known[source_name]
        hints = src.region_hints(url) if src else []
        stored = store.get(i)
        sample = src.sample if src else bool(stored and stored.sample)
        derived = derive(page, archive.reader, tax, hints, source_name, sample)
        report.checked += 1
        if derived.doc is None:
            report.not_a_document.append((url, derived.reason or derived.outcome))
            continue
        outcome = store.put(derived.doc, fingerprint(derived.doc), cause="rules")
        setattr(report, outcome, getattr(report, outcome) + 1)
    store.set_meta("extractor", version)
    return report


def _catch_up(store: DocumentStore, archive: Archive, config: Config) -> RenormalizeReport | None:
    """Re-derive what an older extractor made (a rule or taxonomy change), once per version."""
    if store.meta("extractor") == extractor_version(_taxonomy(config)) or not store.count():
        return None
    report = _renormalize(store, archive, config)
    log.info("%s", report.line())
    return report


def renormalize(config: Config, everything: bool = True) -> RenormalizeReport:
    """Re-derive stored documents from their kept raw pages, offline; then resolve links."""
    with opened(config) as (store, archive):
        report = _renormalize(store, archive, config, everything)
        links.resolve(store)
        return report


def crawl(config: Config, sources: list[Source], max_pages: int | None = None,
          delay: float | None = None, progress: bool | None = None,
          full: bool = False) -> list[CrawlReport]:  # fmt: skip
    """Crawl each source in turn; one that fails says why and the others go on. full: walk every
    listing page and re-check every listed document (no early stop)."""
    tax = _taxonomy(config)
    with opened(config) as (store, archive):
        _catch_up(store, archive, config)
        crawler = Crawler(store, archive, tax, config, max_pages=max_pages, delay=delay,
                          progress=progress, full=full)  # fmt: skip
        reports = [crawler.crawl(src) for src in sources]
        store.set_meta("extractor", extractor_version(tax))
        links.resolve(store)
    return reports


def check_sources(config: Config, sources: list[Source], max_pages: int = 10,
                  delay: float | None = None) -> list[CrawlReport]:  # fmt: skip
    """Walk each web source's listings (at most max_pages listing pages) without fetching or
    storing a document, and without touching the data folder: what `sources check` reports."""
    crawler = Crawler(None, None, None, config, max_pages=max_pages, delay=delay, progress=False)
    return [crawler.crawl(src) for src in sources]


def index(config: Config, full: bool = False, wait: float = 0.0) -> BuildReport:
    paths = config.paths
    with opened(config) as (store, archive):
        _catch_up(store, archive, config)
        return build(store, paths.index_root, paths.lock, full=full, wait=wait)


def needs_bootstrap(config: Config) -> bool:
    return current_generation(config.paths.index_root) is None


def bootstrap(
    config: Config, progress: bool | None = None
) -> tuple[list[CrawlReport], BuildReport]:
    """Build everything from the bundled sample corpus (what `serve` does on an empty folder)."""
    source = sample_source(Path(config.sources), Path(config.sample_site))
    reports = crawl(config, [source], progress=progress)
    return reports, index(config, full=True, wait=60)
