"""Every setting of policy-index declared once, with its default, environment variable and help."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
POLICIES_DIR = PROJECT_ROOT / "policies"
# The URL the bundled sample pages are recorded under (a reserved .example host: they are samples).
SAMPLE_BASE_URL = "https://sample.policy-index.example/"


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


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "data_dir",
        "POLICY_INDEX_DATA",
        "./var",
        "Folder holding the document store, the index and crawl state.",
    ),
    Setting(
        "taxonomy",
        "POLICY_INDEX_TAXONOMY",
        str(POLICIES_DIR / "taxonomy.yaml"),
        "Region/scenario taxonomy: labels, classifier vocabulary, package texts.",
    ),
    Setting(
        "sources",
        "POLICY_INDEX_SOURCES",
        str(POLICIES_DIR / "sources.yaml"),
        "Crawl sources used when `crawl` is given no SOURCE.",
    ),
    Setting(
        "sample_site",
        "POLICY_INDEX_SAMPLE_SITE",
        str(POLICIES_DIR / "corpus" / "site"),
        "Rendered bundled sample corpus that `serve` builds from on an empty data folder.",
    ),
    Setting(
        "user_agent",
        "POLICY_INDEX_USER_AGENT",
        "policy-index/0.1 (+https://github.com/policy-index; talent-community policy search)",
        "User-Agent sent with every request and matched against robots.txt.",
    ),
    Setting(
        "crawl_delay",
        "POLICY_INDEX_CRAWL_DELAY",
        1.0,
        "Seconds between two requests to the same host (robots.txt Crawl-delay wins if larger).",
        float,
    ),
    Setting(
        "timeout",
        "POLICY_INDEX_TIMEOUT",
        15.0,
        "Seconds to wait for a connection or for the next bytes of a response.",
        float,
    ),
    Setting(
        "max_bytes",
        "POLICY_INDEX_MAX_BYTES",
        5_000_000,
        "Largest response body read; a longer one is cut off and recorded as too large.",
        int,
    ),
    Setting(
        "max_attachment_bytes",
        "POLICY_INDEX_MAX_ATTACHMENT_BYTES",
        20_000_000,
        "Largest PDF or DOCX attachment fetched and read.",
        int,
    ),
    Setting(
        "max_pages",
        "POLICY_INDEX_MAX_PAGES",
        500,
        "Most pages fetched from one source in one crawl.",
        int,
    ),
    Setting(
        "max_depth", "POLICY_INDEX_MAX_DEPTH", 6, "Most links followed away from a start URL.", int
    ),
    Setting(
        "max_redirects",
        "POLICY_INDEX_MAX_REDIRECTS",
        5,
        "Most redirects followed for one URL (each must stay on the allowed host).",
        int,
    ),
    Setting(
        "and_min_hits",
        "POLICY_INDEX_AND_MIN_HITS",
        3,
        "A query whose words all together match fewer documents than this is rerun with any word.",
        int,
    ),
    Setting(
        "max_query_chars",
        "POLICY_INDEX_MAX_QUERY_CHARS",
        200,
        "Longest query accepted; longer ones get HTTP 400.",
        int,
    ),
    Setting(
        "max_per_page",
        "POLICY_INDEX_MAX_PER_PAGE",
        50,
        "Largest per_page accepted by the API.",
        int,
    ),
    Setting(
        "response_cache",
        "POLICY_INDEX_RESPONSE_CACHE",
        256,
        "Search answers each worker keeps per index version for repeated searches (0: none).",
        int,
    ),
    Setting(
        "postings_cache_mb",
        "POLICY_INDEX_POSTINGS_CACHE_MB",
        32,
        "Megabytes of decoded postings each worker keeps for the terms searched lately (0: none).",
        int,
    ),
    Setting(
        "api_rate_limit",
        "POLICY_INDEX_API_RATE_LIMIT",
        "120 per minute;2000 per hour",
        "Requests one client may make to /api/ (Flask-Limiter syntax; empty turns it off).",
    ),
    Setting(
        "rate_limit_storage",
        "POLICY_INDEX_RATE_LIMIT_STORAGE",
        "memory://",
        "Where rate-limit counters live (memory:// is per worker; redis://… shares them).",
    ),
    Setting(
        "secret_key",
        "POLICY_INDEX_SECRET_KEY",
        "",
        "Flask secret key signing the operator session cookie; random per start when empty "
        "(operators must then log in again after a restart).",
    ),
    Setting(
        "query_log",
        "POLICY_INDEX_QUERY_LOG",
        True,
        "Record every public search (query, filters, result count, time taken; nothing about who "
        "asked) in the store for the operator report.",
        boolean,
    ),
    Setting(
        "query_log_days",
        "POLICY_INDEX_QUERY_LOG_DAYS",
        90,
        "Days a query-log entry is kept; older entries are purged.",
        int,
    ),
    Setting(
        "operator_user",
        "POLICY_INDEX_OPERATOR_USER",
        "",
        "User name for the operator pages under /operator/; with no user and hash they answer 404.",
    ),
    Setting(
        "operator_password_hash",
        "POLICY_INDEX_OPERATOR_PASSWORD_HASH",
        "",
        "Operator password as a werkzeug hash (make one with `policy-index operator-hash`), never the "
        "password itself.",
    ),
    Setting(
        "operator_login_limit",
        "POLICY_INDEX_OPERATOR_LOGIN_LIMIT",
        "5 per minute;30 per hour",
        "Login attempts one client may make (Flask-Limiter syntax).",
    ),
    Setting(
        "session_cookie_secure",
        "POLICY_INDEX_SESSION_COOKIE_SECURE",
        "auto",
        "Mark the operator session cookie Secure: true, false, or auto (Secure except over plain "
        "http to 127.0.0.1/localhost, as `policy-index serve` runs).",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str, override: object | None = None) -> object:
    """Value of one setting: explicit override, then the environment, then the default."""
    s = _BY_NAME[name]
    if override is not None:
        return override
    raw = os.environ.get(s.env)
    if raw is None or raw == "":
        return s.default
    try:
        return s.type(raw)
    except ValueError as exc:
        raise SettingError(f"{s.env}={raw!r} is not a valid {s.type.__name__}") from exc


class SettingError(ValueError):
    """A setting has a value that cannot be used."""


def data_dir(override: str | os.PathLike | None = None) -> Path:
    """The data folder: --data, else $POLICY_INDEX_DATA, else ./var."""
    return Path(str(get("data_dir", override))).expanduser()


@dataclass(frozen=True)
class DataPaths:
    """Where everything lives inside one data folder."""

    root: Path

    @property
    def store(self) -> Path:
        return self.root / "documents.sqlite3"

    @property
    def index_root(self) -> Path:
        return self.root / "index"

    @property
    def lock(self) -> Path:
        return self.root / "index.lock"

    def ensure(self) -> DataPaths:
        self.root.mkdir(parents=True, exist_ok=True)
        return self
