"""Operator pages under /operator/: a login from configured credentials, the query-log reports
(top queries; queries to improve: those that found nothing and those whose results are rarely
opened) and the health of packages and sources. The vocabulary pages are operator_vocabulary.py.

Closed (404) unless operator_user and operator_password_hash are both set. The password is only
ever compared with check_password_hash; the session cookie is signed, HttpOnly, SameSite=Lax and
Secure (see CookieSecureSessionInterface); every form carries a CSRF token (Flask-WTF)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import sqlite3
from datetime import timedelta
from typing import NoReturn
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFProtect
from werkzeug.security import check_password_hash

from indexer import settings
from indexer.store import DocumentStore, StoreError

from . import health as health_mod
from .query import QueryError
from .querylog import PERIOD_DAYS, PeriodError, period
from .searchlog import query_log, recording

log = logging.getLogger(__name__)
bp = Blueprint("operator", __name__, url_prefix="/operator")
SESSION_HOURS = 8
MAX_TOP = 100
LOW_CLICK_SEARCHES = 3  # a query searched at least this often in the period ...
LOW_CLICK_PERCENT = 10  # ... whose results were opened in fewer than this many searches in 100
HASH_METHODS = ("scrypt", "pbkdf2")
_LOOPBACK = ("localhost", "127.0.0.1", "::1")


# ---- configuration ----------------------------------------------------------------------------


def _cookie_secure(value: object) -> bool | str:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("", "auto"):
        return "auto"
    try:
        return settings.boolean(text)
    except ValueError:
        raise settings.SettingError(
            f"session_cookie_secure must be auto, true or false, got {text[:20]!r}"
        ) from None


class CookieSecureSessionInterface(SecureCookieSessionInterface):
    """SESSION_COOKIE_SECURE may be "auto": Secure, except for a plain-http request to a loopback
    host (the `policy-index serve` default), where a browser would not send a Secure cookie back.
    Behind a TLS proxy the host is public, so the cookie stays Secure."""

    def get_cookie_secure(self, app: Flask) -> bool:
        mode = app.config["SESSION_COOKIE_SECURE"]
        if mode != "auto":
            return bool(mode)
        if not has_request_context() or request.is_secure:
            return True
        host = urlsplit("//" + request.host).hostname or ""
        return not (host in _LOOPBACK or host.startswith("127."))


def _valid_hash(value: str) -> bool:
    method = value.split("$", 1)[0].split(":", 1)[0]
    return method in HASH_METHODS and value.count("$") == 2


def init_app(app: Flask, config: settings.Config, limiter, csrf_exempt=()) -> None:
    user = str(config.operator_user).strip()
    pw_hash = str(config.operator_password_hash).strip()
    enabled = bool(user and pw_hash)
    if pw_hash and not _valid_hash(pw_hash):
        log.error(
            "operator_password_hash is not a werkzeug password hash (make one with "
            "`policy-index operator-hash`); the operator pages stay closed"
        )
        enabled = False
    app.config.update(
        OPERATOR_USER=user,
        OPERATOR_PASSWORD_HASH=pw_hash,
        OPERATOR_ENABLED=enabled,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        SESSION_COOKIE_SECURE=_cookie_secure(config.session_cookie_secure),
    )
    if enabled and app.config.get("SECRET_KEY_IS_RANDOM"):
        log.warning(
            "no secret_key configured: using a random one, so operator sessions end when the "
            "service restarts (and differ between workers unless the app is preloaded)"
        )
    app.session_interface = CookieSecureSessionInterface()
    app.before_request(
        _closed_without_credentials
    )  # before CSRF: a closed page answers 404, not 400
    csrf = CSRFProtect(app)
    for bp_ in csrf_exempt:
        csrf.exempt(bp_)
    from .operator_vocabulary import bp as vocabulary_bp  # its views need this module's login

    app.register_blueprint(bp)
    app.register_blueprint(vocabulary_bp)
    limit = str(config.operator_login_limit)
    if limit:  # only attempts that fail count against the limit
        app.view_functions["operator.login"] = limiter.limit(
            limit,
            methods=["POST"],
            deduct_when=lambda resp: resp.status_code >= 400,
        )(app.view_functions["operator.login"])


def _fingerprint(pw_hash: str) -> str:
    """Tied to the configured hash, so changing the password ends every session."""
    return hashlib.sha256(pw_hash.encode()).hexdigest()[:16]


def logged_in() -> bool:
    cfg = current_app.config
    return (
        cfg["OPERATOR_ENABLED"]
        and session.get("operator") == cfg["OPERATOR_USER"]
        and session.get("operator_key") == _fingerprint(cfg["OPERATOR_PASSWORD_HASH"])
    )


def login_required(view):
    """Not logged in: to the login page, which comes back here (a GET) afterwards."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not logged_in():
            back = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("operator.login", next=back))
        return view(*args, **kwargs)

    return wrapped


def _safe_next(target: str | None) -> str:
    """Only a path inside /operator/ is followed after login (no open redirect)."""
    if target and target.startswith("/operator/") and "//" not in target and "\\" not in target:
        return target
    return url_for("operator.queries")


BLUEPRINTS = ("operator", "vocabulary")  # everything behind the operator login


def _closed_without_credentials():
    if request.blueprint in BLUEPRINTS and not current_app.config["OPERATOR_ENABLED"]:
        abort(404)


@bp.after_request
def private(resp):
    """Operator pages are never cached or indexed."""
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


# ---- login ------------------------------------------------------------------------------------


def _check(user: str, password: str) -> bool:
    cfg = current_app.config
    # The hash is always checked, so a wrong user name takes as long as a wrong password.
    password_ok = check_password_hash(cfg["OPERATOR_PASSWORD_HASH"], password)
    user_ok = hmac.compare_digest(user.encode(), cfg["OPERATOR_USER"].encode())
    if not user_ok:
        log.warning("failed operator login: unknown user name")
    elif not password_ok:
        log.warning("failed operator login: wrong password")
    return user_ok and password_ok


@bp.route("/login", methods=["GET", "POST"])
def login():
    nxt = request.values.get("next", "")
    if request.method == "GET":
        if logged_in():
            return redirect(_safe_next(nxt))
        return render_template("operator_login.html", next=nxt, failed=False)
    user = request.form.get("user", "")[:200]
    password = request.form.get("password", "")[:1000]
    if not (user and password and _check(user, password)):
        return render_template("operator_login.html", next=nxt, failed=True, user=user), 401
    session.clear()
    session.permanent = True
    session["operator"] = current_app.config["OPERATOR_USER"]
    session["operator_key"] = _fingerprint(current_app.config["OPERATOR_PASSWORD_HASH"])
    log.info("operator logged in")
    return redirect(_safe_next(nxt))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("operator.login"))


# ---- the report -------------------------------------------------------------------------------


@bp.get("/")
def index():
    return redirect(url_for("operator.queries"))


def _whole(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, str(default)).strip() or str(default)
    if not (raw.isascii() and raw.isdigit() and low <= int(raw) <= high):
        raise QueryError(f"{name} must be a whole number between {low} and {high}")
    return int(raw)


def _period():
    """The report period of the request and, when it is one of the last N days, N."""
    args = request.args
    try:
        p = period(args.get("days"), args.get("since"), args.get("until"))
    except PeriodError as exc:
        raise QueryError(str(exc)) from None
    days = None if args.get("since") or args.get("until") else int(args.get("days") or 7)
    return p, days


def _unreadable(exc: sqlite3.Error) -> NoReturn:
    log.error("query log unreadable: %s", exc)
    abort(503, description=_("The query log cannot be read just now."))


@bp.get("/queries")
@login_required
def queries():
    p, days = _period()
    top = _whole("top", 20, 1, MAX_TOP)
    try:
        report = query_log().report(p, limit=top)
    except sqlite3.Error as exc:
        _unreadable(exc)
    return render_template("operator_queries.html", report=report, days=days, top=top,
                           choices=PERIOD_DAYS, enabled=recording())  # fmt: skip


@bp.get("/missed")
@login_required
def missed():
    """Queries to improve: the ones that found nothing, and the ones searched at least `min`
    times whose results were opened in fewer than `rate` percent of the searches."""
    p, days = _period()
    top = _whole("top", 20, 1, MAX_TOP)
    least = _whole("min", LOW_CLICK_SEARCHES, 1, 10_000)
    rate = _whole("rate", LOW_CLICK_PERCENT, 0, 100)
    qlog = query_log()
    try:
        zero = [s.to_dict() for s in qlog.top_zero_result(p.start, p.end, top)]
        low = [s.to_dict() for s in qlog.low_click(p.start, p.end, least, rate / 100, top)]
    except sqlite3.Error as exc:
        _unreadable(exc)
    return render_template("operator_missed.html", period=p, days=days, top=top, least=least,
                           rate=rate, zero=zero, low=low, choices=PERIOD_DAYS,
                           enabled=recording())  # fmt: skip


@bp.get("/health")
@login_required
def health():
    svc = current_app.extensions["policy_index"]
    path = svc.config.paths.store
    if not path.exists():
        abort(503, description=_("Nothing has been crawled yet: there is no document store."))
    try:
        with DocumentStore(path, readonly=True) as store:
            report = health_mod.report(store, svc.tax)
    except (StoreError, sqlite3.Error) as exc:
        log.error("document store unreadable: %s", exc)
        abort(503, description=_("The document store cannot be read just now."))
    return render_template("operator_health.html", h=report, limits=health_mod)
