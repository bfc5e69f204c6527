"""The `policy-index` command: crawl, index, search, dump, serve. User errors are one line, exit 1."""

from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path

import click

from indexer import pipeline, settings
from indexer.build import IndexBusy
from indexer.crawl import SourceError, load_sources, source_from_arg
from indexer.documents import DocumentStore, StoreError
from indexer.schema import IndexDamaged, IndexMissing
from indexer.taxonomy import TaxonomyError

USER_ERRORS = (SourceError, StoreError, IndexMissing, IndexDamaged, IndexBusy, TaxonomyError,
               settings.SettingError)


def _data_option(f):
    @click.option("--data", "data", type=click.Path(file_okay=False), default=None,
                  help="Data folder (default: $POLICY_INDEX_DATA, else ./var).")
    @functools.wraps(f)
    def wrapper(*args, data=None, **kwargs):
        try:
            return f(*args, paths=settings.DataPaths(settings.data_dir(data)), **kwargs)
        except USER_ERRORS as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{exc.strerror or exc}: {exc.filename or ''}".strip(": ")) from None
    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log progress details.")
def main(verbose: bool) -> None:
    """policy-index: search the policies of Beijing's high-quality talent communities."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--config", type=click.Path(dir_okay=False), default=None,
              help="Sources file (default: policies/sources.yaml).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, help="Most pages per source.")
@click.option("--delay", type=click.FloatRange(min=0), default=None, help="Seconds between requests to a host.")
@_data_option
def crawl(sources, config, max_pages, delay, paths):
    """Fetch and normalize policy documents from SOURCES (URLs or local HTML) or the config."""
    if sources:
        srcs = [source_from_arg(s) for s in sources]
    else:
        srcs = load_sources(Path(config or str(settings.get("sources"))))
        if not srcs:
            raise SourceError("the sources file lists no enabled source")
    reports = pipeline.crawl(paths, srcs, max_pages=max_pages, delay=delay)
    failed = 0
    for r in reports:
        click.echo(r.line())
        for url, reason in r.failed[:20]:
            click.echo(f"  failed {url}: {reason}")
        failed += len(r.failed)
    stored = sum(r.new + r.changed + r.unchanged for r in reports)
    if stored == 0 and failed:
        raise click.ClickException("nothing could be crawled; see the reasons above")


@main.command()
@click.option("--full", is_flag=True, help="Rebuild from scratch into a new generation.")
@click.option("--wait", type=click.FloatRange(min=0), default=0.0,
              help="Seconds to wait for another running build to finish.")
@_data_option
def index(full, wait, paths):
    """Build or update the search index from what was crawled."""
    click.echo(pipeline.index(paths, full=full, wait=wait).line())


@main.command()
@click.argument("query", required=False, default="")
@click.option("--json", "as_json", is_flag=True, help="Print exactly the body of GET /api/search.")
@click.option("--limit", type=click.IntRange(1, 50), default=10, help="Results to show.")
@click.option("--page", type=click.IntRange(1, 1000), default=1, help="Page of results.")
@click.option("--region", default=None, help="Community or scope slug.")
@click.option("--scenario", default=None, help="Scenario slug.")
@click.option("--agency", default=None, help="Exact issuing agency.")
@click.option("--status", default=None, help="in_force, expired or unknown.")
@click.option("--lang", default=None, help="Document language: zh or en.")
@click.option("--sort", default=None, help="relevance or date.")
@click.option("--explain", is_flag=True, help="Show why each result ranked where it did.")
@_data_option
def search(query, as_json, limit, page, region, scenario, agency, status, lang, sort, explain, paths):
    """Run a search against the built index."""
    from indexer import taxonomy
    from search_app.query import QueryError, parse_params
    from search_app.search import SearchIndex, SearchService

    args = {k: v for k, v in (("q", query), ("per_page", str(limit)), ("page", str(page)),
                              ("region", region), ("scenario", scenario), ("agency", agency),
                              ("status", status), ("lang", lang), ("sort", sort),
                              ("explain", "1" if explain else None)) if v}
    svc = SearchService(SearchIndex(paths.index_root), taxonomy.get())
    try:
        resp = svc.search(parse_params(args, svc.tax))
    except QueryError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps(resp.to_dict(), ensure_ascii=False))
        return
    click.echo(f"{resp.total} results for {query!r}" + (" (any word)" if resp.matched == "any" else ""))
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
def dump(paths):
    """Print every normalized document as one JSON object per line."""
    if not paths.store.exists():
        raise StoreError(f"no document store in {paths.root}; run `policy-index crawl` first")
    with DocumentStore(paths.store) as store:
        out = sys.stdout
        for doc in store.iter_documents():
            out.write(json.dumps(doc.contract_dict(), ensure_ascii=False) + "\n")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port.")
@_data_option
def serve(host, port, paths):
    """Serve the web pages and the API; builds from the bundled corpus on an empty data folder."""
    if pipeline.needs_bootstrap(paths):
        click.echo(f"No index in {paths.root}: building one from the bundled sample corpus…", err=True)
        reports, build = pipeline.bootstrap(paths)
        for r in reports:
            click.echo(r.line(), err=True)
        click.echo(build.line(), err=True)
    from search_app import create_app
    app = create_app(paths.root)
    click.echo(f"Serving policy-index on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    from werkzeug.serving import run_simple
    run_simple(host, port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
