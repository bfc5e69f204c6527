"""The listing strategies declared once (parameters, defaults, help) and what a listing yields.

A source names its strategy and parameters in sources.yaml; configure() checks them. The README
lists every strategy and parameter, and a test checks that it does."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import jmespath


class ListingError(ValueError):
    """The page is not a listing this strategy can read (bad JSON, malformed XML, …)."""


class ListingConfigError(ValueError):
    """A source's strategy or its parameters cannot be used."""


@dataclass(frozen=True)
class Param:
    name: str
    default: object
    help: str
    type: type = str
    required: bool = False


def _docs(default: str | None, what: str = "") -> Param:
    return Param("documents", default, "Regular expression (searched) that a document URL matches; "
                 f"other links are ignored.{what}")  # fmt: skip


# fmt: off
STRATEGIES: dict[str, tuple[Param, ...]] = {
    "links": (),
    "trs": (
        _docs(r"/t\d{8}_\d+\.s?html?$", " Default: TRS article names (t20240105_123.html)."),
        Param("prefix", "", "Page name to count on when a page has no createPageHTML call: "
              "PREFIX_1.SUFFIX, PREFIX_2.SUFFIX … are tried until one is missing or empty."),
        Param("suffix", "html", "File suffix of those numbered pages."),
    ),
    "hanweb": (
        _docs(r"/art_\d+_\d+\.html$", " Default: Hanweb article names (art_1234_5678.html)."),
        Param("columnid", "", "Column id for the dataproxy requests (default: read from the "
              "page's nextgroup link or its col/colNNNN/ path)."),
        Param("unitid", "", "Unit id of the list module (default: read from the nextgroup link)."),
        Param("webid", "1", "Site id sent to the dataproxy."),
        Param("perpage", 15, "Records a page of the site shows.", int),
        Param("group", 45, "Records asked of the dataproxy at once (endrecord - startrecord + 1).",
              int),
        Param("method", "POST", "POST (what the site's own script sends) or GET."),
    ),
    "json": (
        Param("url", "", "URL template; {page}, {size} and {offset} are filled in.", required=True),
        Param("items", "", "JMESPath to the list of items in a response.", required=True),
        Param("url_field", "url", "JMESPath (in an item) to the document URL."),
        Param("title_field", "title", "JMESPath (in an item) to its title."),
        Param("date_field", "", "JMESPath (in an item) to its date."),
        Param("first_page", 1, "Number of the first page.", int),
        Param("page_size", 20, "Items asked for per page ({size}).", int),
        Param("method", "GET", "GET, or POST with `body`."),
        Param("body", None, "POST body: a mapping whose string values are templates like `url`.",
              dict),
        Param("body_format", "json", "json or form: how the POST body is encoded."),
    ),
    "sitemap": (
        _docs(None),
        Param("from_robots", True, "Also read the sitemaps that robots.txt announces.", bool),
    ),
    "feed": (_docs(None),),
    "render": (
        _docs(None, " Without it, every same-host link of the rendered page."),
        Param("next", "", "CSS selector of the control that shows the next page of the list."),
        Param("pages", 5, "Most list pages shown (clicks on `next` + 1).", int),
        Param("timeout", 20.0, "Seconds one list page may take to render.", float),
        Param("memory_mb", 512, "JavaScript heap limit of the browser, in megabytes.", int),
        Param("requests", 200, "Most requests the browser may make for one listing.", int),
    ),
}
# fmt: on


def configure(strategy: str, given: dict | None) -> dict:
    """The parameters of a strategy, checked and with their defaults; ListingConfigError if not."""
    if strategy not in STRATEGIES:
        raise ListingConfigError(f"unknown strategy {strategy!r} (one of {', '.join(STRATEGIES)})")
    given = dict(given or {})
    params = {p.name: p for p in STRATEGIES[strategy]}
    unknown = sorted(set(given) - set(params))
    if unknown:
        allowed = ", ".join(params) or "none"
        raise ListingConfigError(f"strategy {strategy} has no parameter {unknown[0]!r} ({allowed})")
    out = {}
    for name, p in params.items():
        value = given.get(name, p.default)
        if p.required and not value:
            raise ListingConfigError(f"strategy {strategy} needs the parameter {name!r}")
        if value is not None and not isinstance(value, p.type):
            try:
                value = p.type(value)
            except (TypeError, ValueError):
                raise ListingConfigError(
                    f"{strategy} parameter {name!r} must be {p.type.__name__}, not {value!r}"
                ) from None
        out[name] = value
    _compile(strategy, out)
    return out


def _compile(strategy: str, params: dict) -> None:
    try:
        if params.get("documents"):
            re.compile(params["documents"])
        for key in ("items", "url_field", "title_field", "date_field"):
            if params.get(key):
                jmespath.compile(params[key])
    except (re.error, jmespath.exceptions.ParseError) as exc:
        raise ListingConfigError(f"{strategy}: {exc}".splitlines()[0]) from None
    if params.get("method", "GET").upper() not in ("GET", "POST"):
        raise ListingConfigError(f"{strategy}: method must be GET or POST")


@dataclass
class Entry:
    """A document a listing names (title and date as the listing shows them, when it does)."""

    url: str
    title: str | None = None
    date: str | None = None


@dataclass
class Next:
    """A listing page to walk next; a probe is a guess (a missing page ends the listing)."""

    url: str
    probe: bool = False


@dataclass
class Listing:
    documents: list[Entry] = field(default_factory=list)
    next: list[Next] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Request:
    """How to ask for one listing page."""

    url: str
    method: str = "GET"
    body: bytes | None = None
    content_type: str | None = None
