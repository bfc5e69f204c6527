"""Re-crawls and hostile servers: conditional GET, gone pages, URL spellings, stalls,
floods, resume."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from indexer import pipeline, settings
from indexer.sources import source_from_arg
from indexer.store import DocumentStore
from test_crawl import policy_page

EXE = str(Path(sys.executable).parent / "policy-index")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "0.5")


def crawl(tmp_path, url, **kw):
    paths = settings.DataPaths(tmp_path / "data")
    return paths, pipeline.crawl(
        settings.for_data(paths.root), [source_from_arg(url)], progress=False, **kw
    )[0]


def conditional(body: bytes, etag: str):
    def answer(req):
        if req.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": "text/html; charset=utf-8", "ETag": etag}, body

    return answer


def test_recrawl_fetches_little_and_reports_changes(http_site, tmp_path):
    b = http_site.base
    pages = {
        f"/p/{i}.html": policy_page(
            f"外籍人才政策第{i}号文件",
            f"第一条　第{i}项人才公寓措施的具体规定。",
            number=f"京人社发〔2022〕{i}号",
        )
        for i in range(1, 5)
    }
    http_site.add(
        "/",
        "<html><body>" + "".join(f'<a href="{p}">文件{p}</a>' for p in pages) + "</body></html>",
    )
    for path, html in pages.items():
        http_site.add(
            path, conditional(html.encode(), f'"v1-{path}"') if path != "/p/4.html" else html
        )
    paths, first = crawl(tmp_path, b + "/")
    assert (first.new, first.unchanged, first.gone) == (4, 0, 0)
    http_site.hits.clear()
    # Second run: pages 1-3 answer 304, page 4 has no validators but the same bytes.
    http_site.add(
        "/p/2.html",
        conditional(
            policy_page(
                "外籍人才政策第2号文件", "第一条　修订后的规定。", number="京人社发〔2022〕2号"
            ).encode(),
            '"v2"',
        ),
    )
    http_site.add("/p/3.html", b"gone", status=404)
    _, second = crawl(tmp_path, b + "/")
    assert (second.new, second.changed, second.unchanged, second.gone) == (0, 1, 2, 1)
    with DocumentStore(paths.store) as store:
        assert store.count() == 4  # the page gone from its source is kept, marked gone
        docs = {d.title: d for d in store.iter_documents()}
    assert "修订后的规定" in docs["外籍人才政策第2号文件"].text
    assert docs["外籍人才政策第3号文件"].gone_on is not None
    assert [d.gone_on for t, d in docs.items() if t != "外籍人才政策第3号文件"] == [None] * 3
    print(second.line())


def test_url_spellings_collapse(http_site, tmp_path):
    page = policy_page("一个页面多种写法", "第一条　同一页面不应被存成多份。")
    http_site.add("/a/", page)
    http_site.add("/a", b"", status=301, headers={"Location": "/a/"})
    http_site.add(
        "/",
        '<html><body><a href="/a/index.html">一</a><a href="/a/">二</a>'
        '<a href="/a/?utm_source=wx">三</a><a href="/a/#top">四</a><a href="/a">五</a>'
        "</body></html>",
    )
    http_site.add("/a/index.html", page)
    paths, report = crawl(tmp_path, http_site.base + "/")
    assert report.new == 1 and report.fetched <= 3  # the home page, /a (and its redirect)


def test_depth_limit(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_MAX_DEPTH", "2")
    for i in range(5):
        http_site.add(
            f"/d{i}.html",
            policy_page(
                f"第{i}层文件",
                f"第一条　第{i}层。",
                number=f"京发〔2020〕{i + 1}号",
                extra=f'<p><a href="/d{i + 1}.html">下一层文件链接</a></p>',
            ),
        )
    _, report = crawl(tmp_path, http_site.base + "/d0.html")
    assert report.new == 3 and "/d3.html" not in http_site.hits


def _trickle(req):
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.end_headers()
    for _ in range(100):  # bounded: at most 10 s even if nobody hangs up
        try:
            req.wfile.write(b"<p>" + "慢".encode() + b"</p>")
            req.wfile.flush()
        except OSError:
            return None
        time.sleep(0.1)
    return None


def _stall(req):
    req.send_response(200)
    req.send_header("Content-Type", "text/html")
    req.send_header("Content-Length", "100000")
    req.end_headers()
    req.wfile.write(b"<html><body>")
    time.sleep(3)
    return None


def _flood(req):
    req.send_response(200)
    req.send_header("Content-Type", "text/html")
    req.end_headers()
    chunk = b"<p>" + "很长的页面".encode() * 2000 + b"</p>"
    for _ in range(200):
        try:
            req.wfile.write(chunk)
        except OSError:
            return None
    return None


def _flaky():
    calls = {"n": 0}

    def answer(req):
        calls["n"] += 1
        if calls["n"] == 1:
            return 500, {"Content-Type": "text/html"}, b"busy"
        return (
            200,
            {"Content-Type": "text/html; charset=utf-8"},
            policy_page("先失败后成功的页面", "第一条　服务器第二次才给出正文。").encode(),
        )

    return answer


def test_hostile_server_routes_end_in_bounded_time_with_reasons(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_MAX_BYTES", "200000")
    b = http_site.base
    gbk_as_utf8 = policy_page("标签说谎的页面", "第一条　服务器声明UTF-8却发送GBK字节。").encode(
        "gbk"
    )
    routes = {
        "/trickle.html": (_trickle, {}),
        "/stall.html": (_stall, {}),
        "/flood.html": (_flood, {}),
        "/loop1.html": (b"", {"status": 302, "headers": {"Location": "/loop2.html"}}),
        "/loop2.html": (b"", {"status": 302, "headers": {"Location": "/loop1.html"}}),
        "/lying-charset.html": (gbk_as_utf8, {}),
        "/no-charset.html": (
            policy_page("没有声明编码的页面", "第一条　既无头部也无meta编码声明。").encode(
                "gb18030"
            ),
            {"ctype": "text/html"},
        ),
        "/junk.html": (os.urandom(5000), {}),
        "/flaky.html": (_flaky(), {}),
    }
    for path, (body, kw) in routes.items():
        http_site.add(path, body, **kw)
    http_site.add(
        "/", "<html><body>" + "".join(f'<a href="{p}">{p}</a>' for p in routes) + "</body></html>"
    )
    started = time.monotonic()
    paths, report = crawl(tmp_path, b + "/")
    assert time.monotonic() - started < 30
    reasons = {u.rsplit("/", 1)[1]: r for u, r in report.failed}
    assert reasons["trickle.html"].startswith("response too slow")
    assert reasons["stall.html"].startswith("timed out")
    assert reasons["flood.html"] == "response larger than 200000 bytes"
    assert reasons["loop1.html"] == "redirect loop"
    assert "binary" in reasons["junk.html"]
    with DocumentStore(paths.store) as store:
        titles = {d.title for d in store.iter_documents()}
    assert {"标签说谎的页面", "没有声明编码的页面", "先失败后成功的页面"} <= titles


def test_killed_crawl_resumes_without_losing_or_refetching(http_site, tmp_path):
    n = 12
    for i in range(n):
        http_site.add(
            f"/k/{i}.html",
            policy_page(
                f"断点续爬测试文件{i}",
                f"第一条　第{i}份文件的正文内容。",
                number=f"京人社发〔2023〕{i + 1}号",
            ),
        )
    http_site.add(
        "/",
        "<html><body>"
        + "".join(f'<a href="/k/{i}.html">文件{i}</a>' for i in range(n))
        + "</body></html>",
    )
    data = tmp_path / "data"
    cmd = [EXE, "crawl", http_site.base + "/", "--delay", "0.25", "--data", str(data)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store_path = data / "documents.sqlite3"
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and stored < 4:
        time.sleep(0.1)
        if store_path.exists():
            try:
                with sqlite3.connect(store_path) as db:
                    stored = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 4 <= stored < n
    first_hits = [h for h in http_site.hits if h.startswith("/k/")]
    http_site.hits.clear()
    out = subprocess.run(
        [EXE, "crawl", http_site.base + "/", "--delay", "0", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and "resumed" in out.stdout, out.stdout + out.stderr
    second_hits = [h for h in http_site.hits if h.startswith("/k/")]
    with DocumentStore(store_path) as store:
        assert store.count() == n
        assert store.check() is None
    assert len(set(first_hits) & set(second_hits)) <= 1  # at most the page in flight when killed
    assert set(first_hits) | set(second_hits) == {f"/k/{i}.html" for i in range(n)}


def test_malformed_links_are_skipped_not_fatal(http_site, tmp_path):
    bad_links = (
        '<a href="http://[::1">坏链接一</a><a href="http://x:99999/">坏链接二</a>'
        '<a href="http://[zz]/a.html">坏链接三</a><a href="/ok.html">正常链接</a>'
    )
    http_site.add(
        "/",
        policy_page(
            "带有畸形链接的页面",
            "第一条　页面里有几个无法解析的链接。",
            extra=f"<p>{bad_links}</p>",
        ),
    )
    http_site.add(
        "/ok.html",
        policy_page("正常页面", "第一条　这个页面可以正常抓取。", number="京发〔2021〕2号"),
    )
    _, report = crawl(tmp_path, http_site.base + "/")
    assert report.new == 2 and not report.failed
