"""Shared fixtures: real temp data folders, a real index, the Flask test client,
a loopback HTTP server."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from dataclasses import dataclass
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


# ---- a site whose pages change between two crawls ---------------------------------------------


def changing_page(title, number, paragraphs, agency="北京市住房和城乡建设委员会", status="有效",
                  extra=""):  # fmt: skip
    """A Beijing policy page in the [key] value family, with the fields a change may touch."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>{title}_北京市人民政府</title></head><body><div class="header"><a href="/">首页</a></div>
<div class="doc-info"><ol><li>[标　　题] {title}</li><li>[发文机构] {agency}</li>
<li>[发文字号] {number}</li><li>[成文日期] 2024-03-01</li><li>[发布日期] 2024年3月8日</li>
<li>[有 效 性] {status}</li></ol></div><div id="mainText">{body}{extra}</div>
<div class="footer">版权所有 北京市人民政府</div></body></html>"""


def _changing_pages(today: dt.date) -> tuple[dict, dict]:
    """The site's pages at the first crawl and at the second (None: the page answers 404)."""
    start = today.replace(year=today.year - 1) + dt.timedelta(days=30)  # one year: ends in 29 days
    p = {
        "text": ("北京市人才公寓配租管理办法", "京建发〔2024〕1号",
                 ["第一条 为规范人才公寓配租工作，制定本办法。",
                  "第二条 配租对象为在京工作的各类人才，租金按市场价格的八折执行。",
                  "第三条 本办法由市住房城乡建设委员会负责解释。"]),
        "field": ("北京市人才公寓租金补贴实施细则", "京建发〔2024〕2号",
                  ["第一条 租金补贴按月发放，每人每月最高三千元。",
                   "第二条 补贴资金由市、区两级财政共同承担。"]),
        "gone": ("北京市人才公寓申请服务指引（试行）", "京建发〔2024〕3号",
                 ["一、申请人可以登录人才服务平台提交人才公寓申请。",
                  "二、受理部门在十个工作日内完成审核。"]),
        "status": ("北京市人才公寓管理暂行办法", "京建发〔2020〕4号",
                   ["第一条 本暂行办法适用于全市人才公寓的建设和管理。",
                    "第二条 各区应当建立人才公寓房源台账。"]),
        "expiring": ("北京市人才公寓共有产权试点办法", "京建发〔2024〕5号",
                     ["第一条 试点区域内的人才可以申请共有产权人才公寓。",
                      f"第二条 本办法自{start.year}年{start.month}月{start.day}日起施行，"
                      "有效期1年。"]),
        "new": ("北京市人才公寓管理办法", "京建发〔2024〕6号",
                ["第一条 为加强人才公寓管理，保障人才安居，制定本办法。",
                 "第二条 本办法施行后，《北京市人才公寓管理暂行办法》同时废止。"]),
    }  # fmt: skip
    first = {k: changing_page(*v) for k, v in p.items() if k != "new"}
    second = dict(first)
    title, number, paras = p["text"]
    edited = [paras[0], "第二条 配租对象为在京工作的各类人才和科研人员，租金按市场价格的七折执行。",
              "第三条 申请人应当提交劳动合同和社保缴纳证明。", paras[2]]  # fmt: skip
    second["text"] = changing_page(title, number, edited)
    second["field"] = changing_page(*p["field"], agency="北京市住房和城乡建设委员会、北京市财政局")
    second["gone"] = None
    replaced = '<p><a href="/p/new.html">现行文件：北京市人才公寓管理办法</a></p>'
    second["status"] = changing_page(*p["status"], status="失效", extra=replaced)
    second["new"] = changing_page(*p["new"])
    return first, second


@dataclass
class ChangedSite:
    paths: settings.DataPaths
    base: str
    ids: dict  # page name -> document id
    reports: list  # the two crawls' reports


def _serve_site(site: Site, pages: dict) -> None:
    links = "".join(f'<li><a href="/p/{k}.html">{k}</a></li>' for k in pages)
    site.add("/", f"<html><body><ul>{links}</ul></body></html>")
    for k, html in pages.items():
        if html is None:
            site.add(f"/p/{k}.html", b"<html><body>not found</body></html>", status=404)
        else:
            site.add(f"/p/{k}.html", html)


def crawl_changing_site(root: Path) -> ChangedSite:
    """Two crawls of a loopback site whose pages change in between (a text edit, a field change, a
    page removed, a status change with a replacing policy, a new page), each followed by an index
    build: the data folder keeps both versions of everything."""
    from indexer.sources import source_from_arg

    site = Site()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    paths = settings.DataPaths(root)
    config = settings.for_data(paths.root)
    first, second = _changing_pages(dt.date.today())
    reports = []
    try:
        for pages, full in ((first, True), (second, False)):
            _serve_site(site, pages)
            source = source_from_arg(site.base + "/")
            reports += pipeline.crawl(config, [source], progress=False, delay=0)
            pipeline.index(config, full=full)
    finally:
        server.shutdown()
        server.server_close()
    from indexer.model import doc_id

    ids = {k: doc_id(f"{site.base}/p/{k}.html") for k in second}
    return ChangedSite(paths, site.base, ids, reports)


@pytest.fixture(scope="session")
def changed_site(tmp_path_factory) -> ChangedSite:
    return crawl_changing_site(tmp_path_factory.mktemp("changing") / "data")
