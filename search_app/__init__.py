"""policy-index web front and JSON API: create_app() builds the Flask application."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import settings
from indexer import taxonomy as taxonomy_mod
from indexer.analysis import warm

from .index_version import SearchIndex
from .search import SearchService

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)
EXTENSION = "policy_index"


def create_app(data_dir: str | Path | None = None, test_config: dict | None = None) -> Flask:
    """The application over one data folder (default: --data / $POLICY_INDEX_DATA / ./var).

    Settings are resolved once, here, into a frozen Config: test_config overrides any setting by
    name (in lower or upper case: API_RATE_LIMIT); its other keys are Flask's (TESTING)."""
    test_config = dict(test_config or {})
    overrides = {k: test_config.pop(k) for k in list(test_config) if settings.is_setting(k)}
    if data_dir is not None:
        overrides["data_dir"] = str(data_dir)
    config = settings.resolve(overrides)
    from flask import Flask  # here: the command line's search needs no Flask

    app = Flask(__name__)
    # A path with an empty or encoded-slash segment (/api/packages//x, /api/policies/%2F/versions)
    # names nothing: 404, not a redirect to another resource.
    app.url_map.merge_slashes = False
    app.config.update(
        SECRET_KEY=config.secret_key or secrets.token_hex(32),
        SECRET_KEY_IS_RANDOM=not config.secret_key,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
    )
    app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    tax = taxonomy_mod.get(config.taxonomy)
    app.extensions[EXTENSION] = SearchService(SearchIndex(config.paths.index_root), tax, config)
    warm()

    from . import api, errors, feeds, i18n, operator, pages, searchlog

    i18n.init_app(app)
    errors.init_app(app)
    limiter = _rate_limit(app, api.bp, config)
    app.register_blueprint(api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(feeds.bp)
    searchlog.init_app(app, config)
    operator.init_app(app, config, limiter, csrf_exempt=(api.bp, feeds.bp))

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


def service(app: Flask | None = None) -> SearchService:
    """The app's search service (and through it the taxonomy and the frozen config)."""
    from flask import current_app

    return (app or current_app).extensions[EXTENSION]


def _rate_limit(app: Flask, api_bp, config: settings.Config):
    """Per-client limits on the JSON API (health checks exempt); 429 answers are JSON.
    Returns the limiter, which also guards the operator login."""
    from flask import request
    from flask_limiter import Limiter
    from flask_limiter.util import get_remote_address

    limiter = Limiter(get_remote_address, app=app, default_limits=[],
                      storage_uri=config.rate_limit_storage)  # fmt: skip
    app.extensions["policy_index_limiter"] = limiter
    if config.api_rate_limit:  # empty: no limit
        exempt = lambda: request.path == "/healthz"  # noqa: E731
        limiter.shared_limit(config.api_rate_limit, scope="api", exempt_when=exempt)(api_bp)
    return limiter
