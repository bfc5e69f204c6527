"""Public searches (the search page and GET /api/search) run through run(), which records them
in the query log; click() records a policy opened from a results page."""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app, g, request, session

from indexer import settings

from .query import MAX_PAGE, SearchParams
from .querylog import QueryLog
from .results import SearchResponse

log = logging.getLogger(__name__)
EXTENSION = "policy_index_querylog"


def init_app(app: Flask, config: settings.Config) -> None:
    """Open the query log of the app's data folder lazily: the connection is made by the first
    search, so a preloaded gunicorn master never hands an SQLite connection across fork()."""
    if config.query_log_days < 1:
        raise settings.SettingError("query_log_days must be at least 1")
    paths = config.paths
    app.extensions[EXTENSION] = QueryLog(paths.querylog, config.query_log_days, legacy=paths.store)


def recording(app: Flask | None = None) -> bool:
    return bool((app or current_app).extensions["policy_index"].config.query_log)


def query_log(app: Flask | None = None) -> QueryLog:
    return (app or current_app).extensions[EXTENSION]


def _by_operator() -> bool:
    """A logged-in operator checking a query from the report is not a member of the public.
    The session is only opened when its cookie came, so public responses never vary on it."""
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies and bool(
        session.get("operator")
    )


def run(params: SearchParams, via: str) -> SearchResponse:
    """Search, then record the search (query, filters, count, time; nothing about who asked)."""
    t0 = time.perf_counter()
    resp = current_app.extensions["policy_index"].search(params)
    took_ms = (time.perf_counter() - t0) * 1000
    if recording() and not _by_operator():
        query_log().record(
            params.q,
            params.filters,
            resp.total,
            took_ms,
            ui_lang=getattr(g, "ui_lang", None) if via == "page" else None,
            via=via,
            page=params.page,
        )
    return resp


def click(q: str, doc_id: str, rank: str | None) -> None:
    """A reader opened doc_id from the results of q, where it stood at rank (the `rank` the result
    link carries): recorded with the normalised query and nothing about who. A policy page
    reached any other way, or with a rank that is not a place in a results list, is not a click."""
    config = current_app.extensions["policy_index"].config
    if not (q and rank and rank.isascii() and rank.isdigit()):
        return
    if 1 <= int(rank) <= MAX_PAGE * config.max_per_page and recording() and not _by_operator():
        query_log().record_click(q, doc_id, int(rank))
