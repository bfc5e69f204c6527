"""Shared fixtures: real temp data folders, a real index, the Flask test client,
a loopback HTTP server."""

from __future__ import annotations

import contextlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from indexer import pipeline, settings
from indexer import taxonomy as taxonomy_mod
from indexer.build import build
from indexer.dedupe import fingerprint
from indexer.model import PolicyDocument
from indexer.store import DocumentStore
from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch):
    # Tests only ever talk to 127.0.0.1; keep any proxy settings of the machine out of it.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    # The .mo files are build products (scripts/bootstrap.sh compiles them); a bare `pytest` in a
    # fresh checkout compiles them here, through Babel's API, before any app is created.
    from search_app.i18n import compile_catalogs

    compile_catalogs()


@pytest.fixture(scope="session")
def tax():
    return taxonomy_mod.get()


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory) -> settings.DataPaths:
    """The bundled sample corpus crawled and indexed once for the session (read-only for tests)."""
    paths = settings.DataPaths(tmp_path_factory.mktemp("sample-data"))
    pipeline.bootstrap(settings.for_data(paths.root), progress=False)
    return paths


@pytest.fixture(scope="session")
def sample_app(sample_data):
    # Limits are tested on their own app (test_api); the shared app serves hundreds of requests.
    return create_app(sample_data.root, {"TESTING": True, "API_RATE_LIMIT": ""})


@pytest.fixture()
def client(sample_app):
    return sample_app.test_client()


def make_doc(n: int, **kw) -> PolicyDocument:
    base = dict(
        url=f"https://test.example/doc/{n}.html",
        title=f"测试文件{n}",
        text="正文内容。",
        publish_date=f"2023-01-0{n % 9 + 1}",
        lang="zh",
        status="in_force",
        regions=["beijing"],
        scenarios=["services"],
        agency="北京市测试局",
    )
    base.update(kw)
    return PolicyDocument(**base)


def put(store: DocumentStore, doc: PolicyDocument) -> str:
    """Store a document with the keys that find its copies, as the crawler does."""
    return store.put(doc, fingerprint(doc))


def build_index(paths: settings.DataPaths, docs: list[PolicyDocument], full: bool = True):
    with DocumentStore(paths.ensure().store) as store:
        for d in docs:
            put(store, d)
        return build(store, paths.index_root, paths.lock, full=full)


@pytest.fixture()
def small_data(tmp_path):
    """A fresh data folder; tests put their own documents in it with build_index()."""
    return settings.DataPaths(tmp_path / "data")


# ---- a real HTTP server on 127.0.0.1 with pathological routes ---------------------------------


class Site:
    """Routes: path -> (status, headers, body bytes, delay seconds)."""

    def __init__(self):
        self.routes: dict[str, tuple[int, dict, bytes, float]] = {}
        self.prefixes: dict[str, object] = {}  # path prefix -> function of the request handler
        self.hits: list[str] = []
        self.base = ""

    def add_prefix(self, prefix: str, answer) -> None:
        """Every path under prefix (query included) without a route of its own is answered by
        answer(handler) -> (status, headers, body) or None for 404: an emulated CMS's pages."""
        self.prefixes[prefix] = answer

    def add(
        self,
        path: str,
        body=b"",
        status: int = 200,
        headers: dict | None = None,
        delay: float = 0.0,
        ctype: str = "text/html; charset=utf-8",
    ):
        """body: bytes or str, or a function of the request handler returning (status, headers,
        body) or None when it wrote the response itself."""
        if isinstance(body, str):
            body = body.encode("utf-8")
        h = {"Content-Type": ctype} if ctype else {}
        h.update(headers or {})
        self.routes[path] = (status, h, body, delay)


def _handler(site: Site):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (stdlib name)
            site.hits.append(self.path)
            route = site.routes.get(self.path) or self._by_prefix()
            if route is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>not found</body></html>")
                return
            status, headers, body, delay = route
            if callable(body):  # a dynamic route answers from the request (and may stream itself)
                answer = body(self)
                if answer is None:
                    return
                status, headers, body = answer
            if delay:
                time.sleep(delay)
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        do_POST = do_GET  # noqa: N815 (stdlib name): a route reads the body it expects

        def _by_prefix(self):
            for prefix, answer in sorted(site.prefixes.items(), key=lambda kv: -len(kv[0])):
                if self.path.startswith(prefix):
                    got = answer(self)
                    if got is None:
                        return None
                    status, headers, body = got
                    return status, headers, body.encode() if isinstance(body, str) else body, 0
            return None

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture()
def http_site():
    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield site
    server.shutdown()
    server.server_close()


def pytest_addoption(parser):
    parser.addoption(
        "--screenshots",
        action="store_true",
        default=False,
        help="Rewrite the README's screenshots in docs/screenshots from the browser tests.",
    )
