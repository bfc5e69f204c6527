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

MIN_OPERATOR_PASSWORD = 12


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
    more = " (any word)" if resp.matched == "any" else ""
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


@main.command()
@click.option(
    "--days",
    type=click.IntRange(1, 3660),
    default=None,
    help="Report the last DAYS days (default 7).",
)
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="First day of the period.")
@click.option(
    "--until", default=None, metavar="YYYY-MM-DD", help="Last day of the period (inclusive)."
)
@click.option(
    "--top", type=click.IntRange(1, 1000), default=20, show_default=True, help="Rows per list."
)
@click.option("--zero", is_flag=True, help="Only the queries that found nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@_data_option
def queries(days, since, until, top, zero, as_json, config):
    """Report the top queries and the top zero-result queries of a period; purges
    expired entries."""
    import sqlite3

    from search_app.querylog import PeriodError, QueryLog, period

    paths = config.paths
    if not paths.querylog.exists() and not paths.store.exists():
        raise _store.StoreError(f"no query log in {paths.root}; nothing has been searched there")
    try:
        p = period(days, since, until)
    except PeriodError as exc:
        raise click.ClickException(str(exc)) from None
    keep = config.query_log_days
    if keep < 1:
        raise settings.SettingError("query_log_days must be at least 1")
    try:
        with QueryLog(paths.querylog, keep_days=keep, legacy=paths.store) as qlog:
            purged = qlog.purge()
            report = qlog.report(p, limit=top)
    except sqlite3.Error as exc:
        raise _store.StoreError(f"cannot read the query log in {paths.querylog}: {exc}") from None
    if purged:
        click.echo(f"purged {purged} entries older than {keep} days", err=True)
    if zero:
        report.pop("top_queries")
    if as_json:
        click.echo(json.dumps({**report, "purged": purged}, ensure_ascii=False))
        return
    t = report["totals"]
    click.echo(
        f"{p.label} ({p.since} to {p.until}): {t['searches']} searches, "
        f"{t['distinct_queries']} different queries, {t['zero_result_searches']} found nothing"
    )
    if not zero:
        click.echo("\nTop queries:\n  searches  found nothing  avg results  query")
        for row in report["top_queries"]:
            click.echo(
                f"  {row['searches']:>8}  {row['zero']:>13}  {row['avg_results']:>11}  "
                f"{row['query']}"
            )
        if not report["top_queries"]:
            click.echo("  (none)")
    click.echo("\nTop queries that found nothing:\n  searches  query")
    for row in report["top_zero_result"]:
        click.echo(f"  {row['searches']:>8}  {row['query']}")
    if not report["top_zero_result"]:
        click.echo("  (none)")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@_data_option
def health(as_json, config):
    """Package and source health: the 8 x 9 packages, changes, expiring policies, sources."""
    from indexer import taxonomy
    from search_app import health as health_mod

    if not config.paths.store.exists():
        raise _store.StoreError(
            f"no document store in {config.paths.root}; run `policy-index crawl` first"
        )
    with _store.DocumentStore(config.paths.store) as store:
        report = health_mod.report(store, taxonomy.get(config.taxonomy))
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False))
        return
    for line in health_mod.text_lines(report):
        click.echo(line)


@main.command("operator-hash")
@click.option(
    "--stdin",
    "from_stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
@_data_option
def operator_hash(from_stdin, config):  # --data is accepted like every command's; nothing is read
    """Print a hash of an operator password for the operator_password_hash setting."""
    from werkzeug.security import generate_password_hash

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Operator password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_OPERATOR_PASSWORD:
        raise click.ClickException(
            f"the password must be at least {MIN_OPERATOR_PASSWORD} characters long"
        )
    click.echo(generate_password_hash(password))
    click.echo(
        "Set it (in single quotes: it contains $) as POLICY_INDEX_OPERATOR_PASSWORD_HASH, with "
        "POLICY_INDEX_OPERATOR_USER and POLICY_INDEX_SECRET_KEY.",
        err=True,
    )


if __name__ == "__main__":
    main()
