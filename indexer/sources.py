"""Crawl sources: the sources file (policies/sources.yaml) and SOURCE arguments,
as Source objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import settings
from .listings import ListingConfigError, configure
from .urls import below, host_of, is_web


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
    strategy: str = "links"  # how its listings are walked: a name in listings.STRATEGIES
    listing: dict = field(default_factory=dict)  # that strategy's parameters, checked
    newest_first: bool = True  # its listings put the newest first: a re-crawl may stop early

    def __post_init__(self) -> None:
        if not self.listing:
            self.listing = configure(self.strategy, {})

    @property
    def root_url(self) -> str:
        """The URL a page's path is measured from (the base URL, else the folder's file: URL)."""
        if self.base_url:
            return self.base_url
        return self.path.resolve().as_uri() + "/" if self.path else ""

    def url_of(self, relative: str) -> str:
        """The URL a local file of this source is recorded under."""
        return below(self.root_url, relative)

    def region_hints(self, url: str) -> list[str]:
        """Region slugs for a page of this source, by the page's path below the source's root."""
        base = self.root_url
        if base and url.startswith(base):
            path = url[len(base) :]
        else:
            path = urlsplit(url).path.lstrip("/")
        for prefix, regions in self.regions_by_path.items():
            if path.startswith(prefix):
                return list(regions)
        return list(self.regions)


def load_sources(path: Path, root: Path | None = None, enabled_only: bool = True) -> list[Source]:
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
        if enabled_only and s.get("enabled") is False:
            continue
        local = s.get("path")
        starts = list(s.get("start_urls") or [])
        strategy = s.get("strategy") or "links"
        try:
            listing = configure(strategy, s.get("listing"))
        except ListingConfigError as exc:
            raise SourceError(f"{path}: source {s['name']}: {exc}") from None
        hosts = {host_of(u) for u in starts + ([listing["url"]] if strategy == "json" else [])}
        out.append(
            Source(
                name=s["name"],
                urls=starts,
                path=(root / local) if local else None,
                base_url=s.get("base_url"),
                allowed_hosts=set(s.get("allowed_hosts") or hosts),
                delay=s.get("delay"),
                max_pages=s.get("max_pages"),
                max_depth=s.get("max_depth"),
                family=s.get("family", "generic"),
                regions=list(s.get("regions") or []),
                regions_by_path=dict(s.get("regions_by_path") or {}),
                sample=bool(s.get("sample")),
                title=s.get("title", ""),
                strategy=strategy,
                listing=listing,
                newest_first=bool(s.get("newest_first", True)),
            )  # fmt: skip
        )
    return out


def source_from_arg(arg: str) -> Source:
    """A SOURCE given on the command line: an http(s) URL or a local file or folder."""
    if arg.startswith(("http://", "https://")):
        if not is_web(arg):
            raise SourceError(f"not a usable URL: {arg}")
        return Source(name=host_of(arg), urls=[arg], allowed_hosts={host_of(arg)})
    p = Path(arg)
    if not p.exists():
        raise SourceError(f"no such file or folder: {arg}")
    return Source(name=p.name or str(p), path=p.resolve())


def sample_source(sources_file: Path, sample_site: Path) -> Source:
    """The bundled sample corpus as the sources file configures it (else the site folder alone)."""
    try:
        for s in load_sources(sources_file):
            if s.sample and s.path is not None:
                return s
    except SourceError:
        pass
    return Source(name="sample", path=sample_site, sample=True, base_url=settings.SAMPLE_BASE_URL)


def find(sources_file: Path, name: str | None) -> Source | None:
    """The configured source of that name (enabled or not), for re-deriving its documents."""
    if not name:
        return None
    try:
        return next((s for s in load_sources(sources_file, enabled_only=False) if s.name == name),
                    None)  # fmt: skip
    except SourceError:
        return None
