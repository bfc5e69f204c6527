"""Every setting of policy-index declared once (default, environment variable, type, help), and
resolved once into a frozen Config at each entry point: the app factory, the command line."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POLICIES_DIR = PROJECT_ROOT / "policies"
# The URL the bundled sample pages are recorded under (a reserved .example host: they are samples).
SAMPLE_BASE_URL = "https://sample.policy-index.example/"
_UNSET = object()


def boolean(raw: str) -> bool:
    """A yes/no setting from the environment: 1/0, true/false, yes/no, on/off."""
    value = str(raw).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str
    type: Callable[[str], object] = str
    shown: str | None = None  # the default as the README shows it (paths, random values)
    empty: object = _UNSET  # what an empty variable means; unset: the default

    @property
    def type_name(self) -> str:
        return {str: "text", int: "integer", float: "number", boolean: "yes/no"}[self.type]

    def shown_default(self) -> str:
        if self.shown is not None:
            return self.shown
        if self.type is boolean:
            return "`true`" if self.default else "`false`"
        return f"`{self.default}`" if self.default != "" else "empty"


def _policies(*parts: str) -> str:
    return str(POLICIES_DIR.joinpath(*parts))


# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", "POLICY_INDEX_DATA", "./var",
            "Folder holding the raw-page archive, the document store, the index and crawl state."),
    Setting("taxonomy", "POLICY_INDEX_TAXONOMY", _policies("taxonomy.yaml"),
            "Region/scenario taxonomy: labels, classifier vocabulary, package texts.",
            shown="`policies/taxonomy.yaml`"),
    Setting("sources", "POLICY_INDEX_SOURCES", _policies("sources.yaml"),
            "Crawl sources used when `crawl` is given no SOURCE.", shown="`policies/sources.yaml`"),
    Setting("sample_site", "POLICY_INDEX_SAMPLE_SITE", _policies("corpus", "site"),
            "Rendered bundled sample corpus that `serve` builds from on an empty data folder.",
            shown="`policies/corpus/site`"),
    Setting("user_agent", "POLICY_INDEX_USER_AGENT",
            "policy-index/0.1 (+https://github.com/policy-index; talent-community policy search)",
            "User-Agent sent with every request and matched against robots.txt.",
            shown="`policy-index/0.1 (…)`"),
    Setting("crawl_delay", "POLICY_INDEX_CRAWL_DELAY", 1.0,
            "Seconds between two requests to the same host "
            "(robots.txt Crawl-delay wins if larger).",
            float),
    Setting("timeout", "POLICY_INDEX_TIMEOUT", 15.0,
            "Seconds to wait for a connection or for the next bytes of a response.", float),
    Setting("max_bytes", "POLICY_INDEX_MAX_BYTES", 5_000_000,
            "Largest response body read; a longer one is cut off and recorded as too large.", int),
    Setting("max_attachment_bytes", "POLICY_INDEX_MAX_ATTACHMENT_BYTES", 20_000_000,
            "Largest PDF or DOCX attachment fetched and read.", int),
    Setting("max_pages", "POLICY_INDEX_MAX_PAGES", 500,
            "Most pages fetched from one source in one crawl.", int),
    Setting("max_depth", "POLICY_INDEX_MAX_DEPTH", 6,
            "Most links followed away from a start URL.", int),
    Setting("max_redirects", "POLICY_INDEX_MAX_REDIRECTS", 5,
            "Most redirects followed for one URL (each must stay on the allowed host).", int),
    Setting("render", "POLICY_INDEX_RENDER", False,
            "Let sources whose strategy is `render` run their listing pages in headless Chromium "
            "(needs `pip install 'policy-index[render]'`); off, such a source reports why.",
            boolean),
    Setting("chromium", "POLICY_INDEX_CHROMIUM", "/usr/bin/chromium",
            "The Chromium executable the render strategy drives (Debian's `chromium`)."),
    Setting("and_min_hits", "POLICY_INDEX_AND_MIN_HITS", 30,
            "A query whose words all together match fewer documents than this also finds the "
            "documents with some of its words, ranked after those with all.", int),
    Setting("max_query_chars", "POLICY_INDEX_MAX_QUERY_CHARS", 200,
            "Longest query accepted; longer ones get HTTP 400.", int),
    Setting("max_per_page", "POLICY_INDEX_MAX_PER_PAGE", 50,
            "Largest per_page accepted by the API (and --limit by `search`).", int),
    Setting("response_cache", "POLICY_INDEX_RESPONSE_CACHE", 256,
            "Search answers each worker keeps per index version for repeated searches (0: none).",
            int),
    Setting("postings_cache_mb", "POLICY_INDEX_POSTINGS_CACHE_MB", 32,
            "Megabytes of decoded postings each worker keeps for the terms searched lately "
            "(0: none).", int),
    Setting("phrase_window", "POLICY_INDEX_PHRASE_WINDOW", 200,
            "How many of the best matches by word scores are checked for the query's words "
            "standing together (the phrase and proximity boosts); the others keep their word "
            "scores.", int),
    Setting("api_rate_limit", "POLICY_INDEX_API_RATE_LIMIT", "120 per minute;2000 per hour",
            "Requests one client may make to /api/ (Flask-Limiter syntax); set it empty to turn "
            "the limit off.", empty=""),
    Setting("rate_limit_storage", "POLICY_INDEX_RATE_LIMIT_STORAGE", "memory://",
            "Where rate-limit counters live (memory:// is per worker; redis://… shares them)."),
    Setting("secret_key", "POLICY_INDEX_SECRET_KEY", "",
            "Flask secret key signing the operator session cookie. Set it in production: with a "
            "random one, operators log in again after every restart (and gunicorn workers agree "
            "only because the app is preloaded).", shown="random per start"),
    Setting("query_log", "POLICY_INDEX_QUERY_LOG", True,
            "Record every public search in the query log (`true`/`false`, `1`/`0`, `on`/`off`); "
            "nothing about who asked is kept.", boolean),
    Setting("query_log_days", "POLICY_INDEX_QUERY_LOG_DAYS", 90,
            "Days a query-log entry is kept; older ones are purged (on writes, at most hourly, and "
            "by `policy-index queries`).", int),
    Setting("operator_user", "POLICY_INDEX_OPERATOR_USER", "",
            "User name for the operator pages. Without both user and hash, everything under "
            "`/operator/` answers 404."),
    Setting("operator_password_hash", "POLICY_INDEX_OPERATOR_PASSWORD_HASH", "",
            "The operator password as a werkzeug hash from `policy-index operator-hash`; never the "
            "password itself (a value that is not a hash keeps the pages closed)."),
    Setting("operator_login_limit", "POLICY_INDEX_OPERATOR_LOGIN_LIMIT", "5 per minute;30 per hour",
            "Failed logins one client may make before HTTP 429 (Flask-Limiter syntax)."),
    Setting("session_cookie_secure", "POLICY_INDEX_SESSION_COOKIE_SECURE", "auto",
            "Mark the session cookie `Secure`: `true`, `false`, or `auto` = Secure unless the "
            "request is plain http to 127.0.0.1/localhost (what `policy-index serve` runs)."),
)
# fmt: on

_BY_NAME = {s.name: s for s in SETTINGS}


class SettingError(ValueError):
    """A setting has a value that cannot be used."""


def _parse(s: Setting, raw: object, where: str) -> object:
    if not isinstance(raw, str):
        return raw  # an override given as a value (a test's config, --data)
    if raw == "":
        return s.default if s.empty is _UNSET else s.empty
    try:
        return s.type(raw)
    except ValueError as exc:
        raise SettingError(f"{where}={raw!r} is not a valid {s.type_name}") from exc


@dataclass(frozen=True)
class Config:
    """Every setting's value, resolved once; read as attributes (config.max_pages)."""

    values: Mapping[str, object]

    def __getattr__(self, name: str) -> object:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(f"no setting named {name!r}") from None

    @property
    def paths(self) -> DataPaths:
        return DataPaths(Path(str(self.values["data_dir"])).expanduser())

    def replace(self, **overrides: object) -> Config:
        return resolve(overrides, base=self)


def resolve(
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    base: Config | None = None,
) -> Config:
    """The configuration: overrides (None values ignored), then the environment, then defaults.

    Override keys are setting names, in lower or upper case (a Flask test_config says
    API_RATE_LIMIT); unknown keys are refused."""
    env = os.environ if environ is None else environ
    given = {}
    for key, value in (overrides or {}).items():
        name = key.lower()
        if name not in _BY_NAME:
            raise SettingError(f"no setting named {key!r}")
        if value is not None:
            given[name] = value
    values = {}
    for s in SETTINGS:
        if s.name in given:
            values[s.name] = _parse(s, given[s.name], s.name)
        elif base is not None:
            values[s.name] = base.values[s.name]
        elif s.env in env:
            values[s.name] = _parse(s, env[s.env], s.env)
        else:
            values[s.name] = s.default
    return Config(values)


def for_data(root: str | os.PathLike, **overrides: object) -> Config:
    """The configuration for one data folder (the environment and overrides applied)."""
    return resolve({"data_dir": str(root), **overrides})


def is_setting(key: str) -> bool:
    return key.lower() in _BY_NAME


def markdown_table() -> str:
    """The README's settings table, made from the declarations above."""
    rows = [
        "| setting | environment variable | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    rows += [
        f"| {s.name} | `{s.env}` | {s.type_name} | {s.shown_default()} | {s.help} |"
        for s in SETTINGS
    ]
    return "\n".join(rows)


@dataclass(frozen=True)
class DataPaths:
    """Where everything lives inside one data folder."""

    root: Path

    @property
    def store(self) -> Path:
        return self.root / "documents.sqlite3"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def querylog(self) -> Path:
        return self.root / "querylog.sqlite3"

    @property
    def lexicon(self) -> Path:
        """Operators' edits to the query vocabulary (search_app/lexicon_edits.py)."""
        return self.root / "lexicon.sqlite3"

    @property
    def index_root(self) -> Path:
        return self.root / "index"

    @property
    def lock(self) -> Path:
        return self.root / "index.lock"

    def ensure(self) -> DataPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        return self


if __name__ == "__main__":  # python -m indexer.settings: print the README table
    print(markdown_table())
