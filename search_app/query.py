"""Request arguments -> validated SearchParams; anything unusable is a QueryError (HTTP 400)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from indexer import settings
from indexer.model import LANGS, STATUSES
from indexer.taxonomy import Taxonomy

SORTS = ("relevance", "date")
_DEFAULTS = settings.resolve(environ={})
MAX_PAGE = 1000
MAX_AGENCY_CHARS = 100
MAX_SUGGEST_CHARS = 100


class QueryError(ValueError):
    """A client sent a parameter we cannot use; the message says which and why (HTTP 400)."""


class NotFoundError(LookupError):
    """A client asked for something that does not exist; the message says what (HTTP 404)."""


def check_package(tax: Taxonomy, region: str, scenario: str) -> None:
    """A package exists for each talent community and scene; NotFoundError otherwise."""
    if region not in tax.regions or scenario not in tax.scenarios:
        raise NotFoundError(f"no package {region[:40]}/{scenario[:40]}")
    if region not in tax.communities:
        raise NotFoundError(
            f"packages exist for the eight talent communities; {region} policies are part of "
            f"every community's packages"
        )


MAX_VERSION = 1_000_000


def parse_version(raw: str) -> int:
    """A version number from a URL: a whole number from 1 (QueryError otherwise)."""
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_VERSION):
        raise QueryError(f"a version number is a whole number from 1, got {raw[:20]!r}")
    return int(raw)


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    region: str | None = None
    scenario: str | None = None
    audience: str | None = None
    agency: str | None = None
    status: str | None = None
    lang: str | None = None
    year: str | None = None
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    explain: bool = False
    reader: str | None = None  # the reader's interface language: documents in it rank first
    filters: dict = field(default_factory=dict, compare=False)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def _one(args: Mapping, name: str) -> str | None:
    getlist = getattr(args, "getlist", None)
    values = getlist(name) if getlist else ([args[name]] if name in args else [])
    values = [v for v in values if v not in (None, "")]
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given more than once")
    if not values:
        return None
    v = str(values[0])
    if "\x00" in v:
        raise QueryError(f"parameter {name!r} contains a NUL character")
    return v.strip()


def _int(args: Mapping, name: str, default: int, lo: int, hi: int) -> int:
    raw = _one(args, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"parameter {name!r} must be a whole number, got {raw[:20]!r}") from None
    if not lo <= value <= hi:
        raise QueryError(f"parameter {name!r} must be between {lo} and {hi}")
    return value


def _choice(args: Mapping, name: str, allowed) -> str | None:
    v = _one(args, name)
    if v is not None and v not in allowed:
        raise QueryError(f"parameter {name!r} must be one of: {', '.join(allowed)}")
    return v


def parse_params(args: Mapping, tax: Taxonomy, config: settings.Config | None = None,
                 lang_param: str = "lang") -> SearchParams:  # fmt: skip
    """Validate search arguments against the limits of config (default: the declared defaults).
    lang_param names the document-language filter's parameter."""
    config = config or _DEFAULTS
    q = _one(args, "q") or ""
    limit = config.max_query_chars
    if len(q) > limit:
        raise QueryError(f"query is too long ({len(q)} characters; at most {limit})")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in q):
        raise QueryError("query contains control characters")
    region = _choice(args, "region", tuple(tax.regions))
    scenario = _choice(args, "scenario", tuple(tax.scenarios))
    audience = _choice(args, "audience", tuple(tax.audiences))
    agency = _one(args, "agency")
    if agency and len(agency) > MAX_AGENCY_CHARS:
        raise QueryError("parameter 'agency' is too long")
    status = _choice(args, "status", STATUSES)
    lang = _choice(args, lang_param, LANGS)
    year = _one(args, "year")
    if year is not None and not (len(year) == 4 and year.isascii() and year.isdigit()):
        raise QueryError(f"parameter 'year' must be a year like 2023, got {year[:20]!r}")
    sort = _choice(args, "sort", SORTS) or "relevance"
    per_page = _int(args, "per_page", 10, 1, config.max_per_page)
    page = _int(args, "page", 1, 1, MAX_PAGE)
    explain = _choice(args, "explain", ("0", "1", "true", "false")) in ("1", "true")
    filters = {
        k: v
        for k, v in (
            ("region", region),
            ("scenario", scenario),
            ("audience", audience),
            ("agency", agency),
            ("status", status),
            ("lang", lang),
            ("year", year),
        )
        if v
    }
    return SearchParams(
        q=q,
        region=region,
        scenario=scenario,
        audience=audience,
        agency=agency,
        status=status,
        lang=lang,
        year=year,
        page=page,
        per_page=per_page,
        sort=sort,
        explain=explain,
        filters=filters,
    )
