"""The `policy-index` command: crawl, index, search, dump, serve, health and the operator tools.
User errors are one line, exit 1."""

from __future__ import annotations

import functools
import importlib
import json
import logging
import sys
from pathlib import Path

import click

from indexer import settings


class _OnFirstUse:
    """A module imported when a command first uses it: `policy-index search` needs none of the
    crawler, and its first answer is asked for within half a second (docs/PERFORMANCE.md)."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


pipeline = _OnFirstUse("indexer.pipeline")
_sources = _OnFirstUse("indexer.sources")
_store = _OnFirstUse("indexer.store")


def _user_errors() -> tuple[type[Exception], ...]:
    """The errors a user caused: one line, exit 1."""
    from indexer.archive import ArchiveError
    from indexer.build import IndexBusy
    from indexer.schema import IndexDamaged, IndexMissing
    from indexer.sources import SourceError
    from indexer.store import StoreError
    from indexer.taxonomy import TaxonomyError

    return (ArchiveError, SourceError, StoreError, IndexMissing, IndexDamaged, IndexBusy,
            TaxonomyError, settings.SettingError)  # fmt: skip


def _data_option(f):
    @click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False),
        default=None,
        help="Data folder (default: $POLICY_INDEX_DATA, else ./var).",
    )
    @functools.wraps(f)
    def wrapper(*args, data=None, **kwargs):
        try:
            config = settings.resolve({"data_dir": data})
            return f(*args, config=config, **kwargs)
        except click.ClickException:
            raise
        except Exception as exc:
            if isinstance(exc, _user_errors()):
                raise click.ClickException(str(exc)) from None
            if isinstance(exc, OSError):
                raise click.ClickException(
                    f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")
                ) from None
            raise

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """policy-index: search the policies of Beijing's high-quality talent communities."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--config", "sources_file", type=click.Path(dir_okay=False), default=None,
              help="Sources file (default: policies/sources.yaml).")  # fmt: skip
@click.option(
    "--max-pages", type=click.IntRange(min=1), default=None, help="Most pages per source."
)
@click.option("--delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between requests to a host.")  # fmt: skip
@click.option("--full", is_flag=True,
              help="Walk every listing page and re-check every listed document (a re-crawl "
                   "otherwise stops a listing at a page with nothing new).")  # fmt: skip
@_data_option
def crawl(sources, sources_file, max_pages, delay, full, config):
    """Fetch and normalize policy documents from SOURCES (URLs or local HTML) or the config."""
    if sources:
        srcs = [_sources.source_from_arg(s) for s in sources]
    else:
        srcs = _sources.load_sources(Path(sources_file or config.sources))
        if not srcs:
            raise _sources.SourceError("the sources file lists no enabled source")
    reports = pipeline.crawl(config, srcs, max_pages=max_pages, delay=delay, full=full)
    for r in reports:
        click.echo(r.line())
        for url, reason in r.failed[:20]:
            click.echo(f"  failed {url}: {reason}")
        for url, reason in r.problems[:10]:
            click.echo(f"  listing {url}: {reason}")
    dead = [r for r in reports if r.failed_entirely]
    if dead:  # a scheduler alerts on the exit status; the line says which sources and why
        why = "; ".join(f"{r.source} ({r.failed[0][1] if r.failed else 'no page found'})"
                        for r in dead)  # fmt: skip
        raise click.ClickException(
            f"{len(dead)} of {len(reports)} sources failed entirely, nothing fetched: {why}"
        )


@main.group()
def sources():
    """The crawl sources: check how their listings read before trusting them."""


@sources.command("check")
@click.argument("name", required=False)
@click.option("--config", "sources_file", type=click.Path(dir_okay=False), default=None,
              help="Sources file (default: policies/sources.yaml).")  # fmt: skip
@click.option("--max-pages", type=click.IntRange(min=1), default=10, show_default=True,
              help="Most listing pages read per source.")  # fmt: skip
@click.option("--delay", type=click.FloatRange(min=0), default=None,
              help="Seconds between requests to a host (default: the source's).")  # fmt: skip
@click.option("--show", type=click.IntRange(min=0), default=5, show_default=True,
              help="Document URLs shown per source.")  # fmt: skip
@_data_option
def sources_check(name, sources_file, max_pages, delay, show, config):
    """Walk the listings of every enabled source (or NAME) without storing anything: listing
    pages read, document URLs found, and what could not be read and why."""
    path = Path(sources_file or config.sources)
    srcs = _sources.load_sources(path, enabled_only=name is None)
    if name:
        srcs = [s for s in srcs if s.name == name]
        if not srcs:
            known = ", ".join(s.name for s in _sources.load_sources(path, enabled_only=False))
            raise _sources.SourceError(f"no source named {name!r} in {path} (known: {known})")
    if not srcs:
        raise _sources.SourceError(f"{path} lists no enabled source")
    empty = []
    for src, r in zip(srcs, pipeline.check_sources(config, srcs, max_pages, delay), strict=True):
        _print_check(src, r, show)
        if not r.found:
            empty.append(src.name)
    if empty:
        raise click.ClickException(f"{len(empty)} of {len(srcs)} sources found no document: "
                                   f"{', '.join(empty)}")  # fmt: skip


def _print_check(src, report, show: int) -> None:
    if src.path is not None:
        click.echo(f"{src.name} (local folder {src.path}): {len(report.found)} HTML files")
    else:
        click.echo(f"{src.name} ({src.strategy}): listing pages {report.listings}, document URLs "
                   f"{len(report.found)}, could not read {len(report.failed)}, "
                   f"problems {len(report.problems)}")  # fmt: skip
    for e in report.found[:show]:
        click.echo("  " + "  ".join(x for x in (e.url, e.date, e.title) if x))
    for url, reason in report.failed[:10]:
        click.echo(f"  could not read {url}: {reason}")
    for url, reason in report.problems[:10]:
        click.echo(f"  problem on {url}: {reason}")


@main.command()
@click.option("--full", is_flag=True, help="Rebuild from scratch into a new generation.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0,
              help="Seconds to wait for another running build to finish.")  # fmt: skip
@_data_option
def index(full, wait, config):
    """Build or update the search index from what was crawled."""
    click.echo(pipeline.index(config, full=full, wait=wait).line())


@main.command()
@click.option("--outdated", is_flag=True,
              help="Only documents an older version of the rules made (crawl and index do this "
                   "by themselves).")  # fmt: skip
@_data_option
def renormalize(outdated, config):
    """Re-derive every stored document from its kept raw page, offline (after a rule change)."""
    if not config.paths.store.exists():
        raise _store.StoreError(
            f"no document store in {config.paths.root}; run `policy-index crawl` first"
        )
    report = pipeline.renormalize(config, everything=not outdated)
    click.echo(report.line())
    for url, reason in report.not_a_document[:20]:
        click.echo(f"  kept as it was: {url}: {reason}")
    if report.no_raw_page:
        click.echo(f"  {len(report.no_raw_page)} documents were crawled before raw pages "
                   f"were kept; the next crawl keeps theirs")  # fmt: skip


@main.command()
@click.argument("query", required=False, default="")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the body of GET /api/search.")
@click.option("--limit", type=click.IntRange(min=1), default=10,
              help="Results to show (at most max_per_page).")  # fmt: skip
@click.option("--page", type=click.IntRange(min=1), default=1, help="Page of results.")
@click.option("--region", default=None, help="Community or scope slug.")
@click.option("--scenario", default=None, help="Scenario slug.")
@click.option("--agency", default=None, help="Exact issuing agency.")
@click.option("--status", default=None, help="in_force, expired or unknown.")
@click.option("--lang", default=None, help="Document language: zh or en.")
@click.option("--sort", default=None, help="relevance or date.")
@click.option("--explain", is_flag=True, help="Show why each result ranked where it did.")
@_data_option
def search(query, as_json, limit, page, region, scenario, agency, status, lang, sort, explain,
           config):  # fmt: skip
    """Run a search against the built index."""
    from indexer import taxonomy
    from indexer.analysis import read_dictionary_from_disk
    from search_app.index_version import SearchIndex
    from search_app.query import QueryError, parse_params
    from search_app.search import SearchService

    given = (("q", query), ("per_page", str(limit)), ("page", str(page)), ("region", region),
             ("scenario", scenario), ("agency", agency), ("status", status), ("lang", lang),
             ("sort", sort), ("explain", "1" if explain else None))  # fmt: skip
    args = {k: v for k, v in given if v}
    read_dictionary_from_disk()  # one query to segment: no need to load jieba's whole dictionary
    svc = SearchService(SearchIndex(config.paths.index_root), taxonomy.get(config.taxonomy), config)
    try:
        resp = svc.search(parse_params(args, svc.tax, config))
    except QueryError as exc:
        raise click.ClickException(str(exc).replace("per_page", "--limit")) from None
    if as_json:
        click.echo(json.dumps(resp.to_dict(), ensure_ascii=False))
        return
    if not resp.searchable:
        click.echo(f"0 results for {query!r}: {resp.to_dict()['message']}")
        return
    if resp.number and not resp.number.exists:
        click.echo(f"no document has the number {resp.number.asked}")
        if resp.matched == "nearest":
            click.echo("the nearest numbers of the same issuer, that year first:")
    more = (f" ({resp.matched_all} with every word, then some of the words)"
            if resp.matched in ("any", "characters") else "")  # fmt: skip
    if resp.searched_for:
        click.echo(f"Showing results for {resp.searched_for!r}")
    click.echo(f"{resp.total} results for {query!r}{more}")
    for i, r in enumerate(resp.results, resp.params.offset + 1):
        cite = " · ".join(x for x in (r.doc_number, r.agency, r.publish_date) if x)
        click.echo(f"{i:>3}. {r.title}  [{r.status}]\n     {cite}\n     id {r.id}  {r.url}")
        if r.explain:
            click.echo(f"     why: {json.dumps(r.explain, ensure_ascii=False)}")
    if resp.explain:
        click.echo(f"query: {json.dumps(resp.explain, ensure_ascii=False)}")
    if resp.packages:
        click.echo("packages: " + ", ".join(p.key for p in resp.packages[:6]))
    if resp.suggestion:
        click.echo(f"did you mean: {resp.suggestion}")


@main.command("for-me")
@click.option("--region", required=True, help="The community slug (huairou, wangjing …).")
@click.option("--who", default="", help="Who you are: audience slugs, comma-separated.")
@click.option("--needs", required=True, help="What you need: need or scene slugs, comma-separated.")
@click.option("--children", default="0", help="Number of children.")
@click.option("--stage", default="", help="Their school stage: kindergarten, primary, secondary.")
@click.option("--spouse", is_flag=True, help="A spouse comes too.")
@click.option("--lang", default="zh", help="zh or en.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the body of GET /api/for-me.")
@_data_option
def for_me(region, who, needs, children, stage, spouse, lang, as_json, config):
    """A package for one person: one step per need, the policies and guides that apply."""
    from indexer import taxonomy
    from search_app.forme import parse_profile, text_lines
    from search_app.index_version import SearchIndex
    from search_app.query import QueryError
    from search_app.search import SearchService

    args = {"region": region, "who": who, "needs": needs, "children": children, "lang": lang,
            "stage": stage, "spouse": "1" if spouse else ""}  # fmt: skip
    svc = SearchService(SearchIndex(config.paths.index_root), taxonomy.get(config.taxonomy), config)
    try:
        result = svc.for_me(parse_profile(args, svc.tax))
    except QueryError as exc:
        raise click.ClickException(str(exc).replace("parameter '", "option '--")) from None
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        return
    for line in text_lines(result, svc.tax):
        click.echo(line)


@main.command()
@_data_option
def dump(config):
    """Print every normalized document as one JSON object per line."""
    paths = config.paths
    if not paths.store.exists():
        raise _store.StoreError(
            f"no document store in {paths.root}; run `policy-index crawl` first"
        )
    with _store.DocumentStore(paths.store) as store:
        out = sys.stdout
        for doc in store.iter_documents():
            out.write(json.dumps(doc.contract_dict(), ensure_ascii=False) + "\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port.")  # fmt: skip
@_data_option
def serve(host, port, config):
    """Serve the web pages and the API; builds from the bundled corpus on an empty data folder."""
    if pipeline.needs_bootstrap(config):
        root = config.paths.root
        click.echo(f"No index in {root}: building one from the bundled sample corpus…", err=True)
        reports, build = pipeline.bootstrap(config)
        for r in reports:
            click.echo(r.line(), err=True)
        click.echo(build.line(), err=True)
    from search_app import create_app

    app = create_app(config.paths.root)
    click.echo(f"Serving policy-index on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    from werkzeug.serving import run_simple

    run_simple(host, port, app, threaded=True, use_reloader=False)


# The operators' commands (queries, health, operator-hash, vocabulary-export) live beside this
# module and register themselves on main.
from . import cli_operator  # noqa: E402, F401

if __name__ == "__main__":  # python -m search_app.cli: the package's main, which has every command
    from search_app.cli import main as package_main

    package_main()
