"""The operators' commands of `policy-index`: the query-log report, package health, the operator
password hash and the vocabulary edits as YAML lines (registered on search_app.cli.main)."""

from __future__ import annotations

import json
import sys

import click

from indexer import settings

from .cli import _data_option, _store, main

MIN_OPERATOR_PASSWORD = 12


@main.command("vocabulary-export")
@click.option("--kind", type=click.Choice(["synonym", "glossary"]), default="synonym",
              show_default=True, help="Which file the lines are for.")  # fmt: skip
@_data_option
def vocabulary_export(kind, config):
    """Print the operators' vocabulary edits as lines for policies/dict/synonyms.yaml (or
    glossary.yaml): paste them over the keys they replace; removals are comments."""
    from search_app.lexicon_edits import LexiconEdits

    edits = LexiconEdits(config.paths.lexicon)
    try:
        sys.stdout.write(edits.export(kind))
    finally:
        edits.close()


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
