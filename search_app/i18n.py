"""Interface language with Flask-Babel: ?lang=, then the remembered choice, then Accept-Language.

English source strings are the msgids; the Chinese catalogue is search_app/translations/zh/
LC_MESSAGES/messages.po. Its compiled .mo is not committed: scripts/bootstrap.sh compiles it
(`pybabel compile`), and compile_catalogs() does the same through Babel's API for a checkout
that has not been bootstrapped (the tests, a developer's `flask run`)."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request
from flask_babel import Babel

log = logging.getLogger(__name__)

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "ui_lang"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def choose_language() -> str:
    """The locale selector: an explicit ?lang=, the remembered cookie, then the browser."""
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return request.accept_languages.best_match(LANGUAGES, default=DEFAULT) or DEFAULT


def stale_catalogs(root: Path | None = None) -> list[Path]:
    """The .po files whose .mo is missing or older than they are."""
    out = []
    for po in sorted((root or TRANSLATIONS).glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def compile_catalogs(root: Path | None = None, force: bool = False) -> list[Path]:
    """Compile every stale (or, with force, every) catalogue under root; returns the .mo written.

    Fuzzy entries are left out, as `pybabel compile` does without --use-fuzzy."""
    root = root or TRANSLATIONS
    pos = sorted(root.glob("*/LC_MESSAGES/*.po")) if force else stale_catalogs(root)
    written = []
    for po in pos:
        with po.open("rb") as f:
            catalog = read_po(f, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        tmp = mo.with_suffix(".mo.tmp")
        with tmp.open("wb") as f:
            write_mo(f, catalog)
        tmp.replace(mo)  # readers in other processes never see half a catalogue
        written.append(mo)
    return written


def _ensure_compiled(root: Path) -> None:
    """A missing or stale .mo is compiled now; if that is impossible the interface falls back to
    English (the msgids) and says so in the log, rather than failing every page."""
    if not stale_catalogs(root):
        return
    try:
        for mo in compile_catalogs(root):
            log.info("compiled %s", mo)
    except OSError as exc:
        log.error(
            "cannot compile the interface translations in %s (%s): Chinese pages will show "
            "English until `scripts/bootstrap.sh` runs",
            root,
            exc,
        )


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    for folder in app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";"):
        _ensure_compiled(Path(folder))
    Babel(app, locale_selector=choose_language)

    @app.before_request
    def _lang():
        g.ui_lang = choose_language()

    @app.after_request
    def _remember(resp):
        asked = request.args.get("lang")
        if (
            asked in LANGUAGES
            and not request.path.startswith("/api/")
            and request.cookies.get(COOKIE) != asked
        ):
            resp.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
        return resp
