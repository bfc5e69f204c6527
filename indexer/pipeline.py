"""The stages joined up: crawl sources into the store, build the index, bootstrap the samples."""

from __future__ import annotations

import logging
from pathlib import Path

from . import settings
from . import taxonomy as taxonomy_mod
from .build import BuildReport, build
from .crawl import Crawler, CrawlReport, Source, load_sources
from .documents import DocumentStore
from .schema import current_generation

log = logging.getLogger(__name__)


def crawl(
    paths: settings.DataPaths,
    sources: list[Source],
    max_pages: int | None = None,
    delay: float | None = None,
    progress: bool | None = None,
) -> list[CrawlReport]:
    """Crawl each source in turn; one that fails says why and the others go on."""
    tax = taxonomy_mod.get()
    reports = []
    with DocumentStore(paths.ensure().store) as store:
        crawler = Crawler(store, tax, max_pages=max_pages, delay=delay, progress=progress)
        for src in sources:
            reports.append(crawler.crawl(src))
    return reports


def index(paths: settings.DataPaths, full: bool = False, wait: float = 0.0) -> BuildReport:
    with DocumentStore(paths.ensure().store) as store:
        return build(store, paths.index_root, paths.lock, full=full, wait=wait)


def sample_source() -> Source:
    """The bundled sample corpus as configured in sources.yaml (falling back to the site folder)."""
    try:
        for s in load_sources(Path(str(settings.get("sources")))):
            if s.sample and s.path is not None:
                return s
    except ValueError as exc:
        log.warning("%s; using the bundled sample site without its region hints", exc)
    return Source(
        name="sample",
        path=Path(str(settings.get("sample_site"))),
        sample=True,
        base_url=settings.SAMPLE_BASE_URL,
    )


def needs_bootstrap(paths: settings.DataPaths) -> bool:
    return current_generation(paths.index_root) is None


def bootstrap(
    paths: settings.DataPaths, progress: bool | None = None
) -> tuple[list[CrawlReport], BuildReport]:
    """Build everything from the bundled sample corpus (what `serve` does on an empty folder)."""
    reports = crawl(paths, [sample_source()], progress=progress)
    return reports, index(paths, full=True, wait=60)
