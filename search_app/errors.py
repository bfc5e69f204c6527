"""Errors translated once: JSON under /api (and /healthz), an HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.schema import IndexDamaged, IndexMissing

from .query import NotFoundError, QueryError

log = logging.getLogger(__name__)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def respond(status: int, message: str):
    if _wants_json():
        return jsonify({"error": message}), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(QueryError)
    def _query_error(exc: QueryError):
        return respond(400, str(exc))

    @app.errorhandler(NotFoundError)
    def _not_found(exc: NotFoundError):
        return respond(404, str(exc))

    @app.errorhandler(IndexMissing)
    def _no_index(exc: IndexMissing):
        return respond(503, str(exc))

    @app.errorhandler(IndexDamaged)
    def _damaged(exc: IndexDamaged):
        log.error("%s", exc)
        return respond(503, str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return respond(exc.code or 500, exc.description or exc.name)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s", request.path)
        return respond(500, "internal error; it has been logged")
