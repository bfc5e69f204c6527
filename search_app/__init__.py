"""policy-index web front and JSON API: create_app() builds the Flask application."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

from flask import Flask, request

from indexer import settings
from indexer import taxonomy as taxonomy_mod
from indexer.analysis import warm

from .search import SearchIndex, SearchService

log = logging.getLogger(__name__)


def create_app(data_dir: str | Path | None = None, test_config: dict | None = None) -> Flask:
    """The application over one data folder (default: --data / $POLICY_INDEX_DATA / ./var)."""
    app = Flask(__name__)
    paths = settings.DataPaths(settings.data_dir(data_dir))
    random_key = secrets.token_hex(32)
    app.config.update(
        DATA_DIR=str(paths.root),
        TAXONOMY=str(settings.get("taxonomy")),
        SECRET_KEY=str(settings.get("secret_key")) or random_key,
        SESSION_COOKIE_SECURE=str(
            settings.get("session_cookie_secure")
        ),  # auto|true|false: see operator.py
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    if test_config:
        app.config.update(test_config)
    app.config["SECRET_KEY_IS_RANDOM"] = app.config["SECRET_KEY"] == random_key
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    tax = taxonomy_mod.get(app.config["TAXONOMY"])
    service = SearchService(
        SearchIndex(settings.DataPaths(Path(app.config["DATA_DIR"])).index_root), tax
    )
    app.extensions["policy_index"] = service
    warm()

    from . import api, errors, i18n, operator, pages, searchlog

    i18n.init_app(app)
    errors.init_app(app)
    limiter = _rate_limit(app, api.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    searchlog.init_app(app)
    operator.init_app(app, limiter, csrf_exempt=(api.bp,))

    @app.after_request
    def _headers(resp):
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "same-origin")
        resp.headers.setdefault("X-Frame-Options", "DENY")
        resp.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        )
        return resp

    return app


def _rate_limit(app: Flask, api_bp):
    """Per-client limits on the JSON API (health checks exempt); 429 answers are JSON.
    Returns the limiter, which also guards the operator login."""
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    limiter = Limiter(
        get_remote_address,
        app=app,
        default_limits=[],
        storage_uri=app.config.get("RATE_LIMIT_STORAGE", str(settings.get("rate_limit_storage"))),
    )
    app.extensions["policy_index_limiter"] = limiter
    limit = app.config.get("API_RATE_LIMIT", str(settings.get("api_rate_limit")))
    if limit:
        limiter.shared_limit(limit, scope="api", exempt_when=lambda: request.path == "/healthz")(
            api_bp
        )
    return limiter
