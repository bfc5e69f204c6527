"""The crawler against hostile servers, after a good crawl: every URL ends within its bounds with a
reason in the crawl report and the fetch log, no request leaves the allowed host, and not one stored
document is lost or overwritten."""

from __future__ import annotations

import contextlib
import gzip
import io
import socket
import sqlite3
import struct
import time
import zipfile

import pytest

from indexer import pipeline, settings
from indexer.attachments import AttachmentError, extract_text
from indexer.sources import source_from_arg
from indexer.store import DocumentStore
from test_attachments import pdf_page, tiny_docx
from test_crawl import policy_page

pytestmark = pytest.mark.slow  # see setup.cfg: `-m "not slow"` for the inner loop

TIMEOUT = 0.5  # seconds per read; a whole response gets at most 3x this
CAP = 200_000  # max_bytes for pages
N = 12


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", str(TIMEOUT))
    monkeypatch.setenv("POLICY_INDEX_MAX_BYTES", str(CAP))


def _crawl(paths, url):
    started = time.monotonic()
    report = pipeline.crawl(settings.for_data(paths.root), [source_from_arg(url)], progress=False)[
        0
    ]
    return report, time.monotonic() - started


def _snapshot(paths) -> dict[str, tuple[str, str, str]]:
    with DocumentStore(paths.store) as store:
        return {d.id: (d.url, d.title, d.text) for d in store.iter_documents()}


# ---- hostile routes (each bounded on the server side too, so a failing test cannot hang) ------


def _headers_only(req, status=200, extra=()):
    req.send_response(status)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    for k, v in extra:
        req.send_header(k, v)
    req.end_headers()


def slowloris_body(req):
    _headers_only(req)
    for _ in range(300):  # 30 s at most; the client must hang up after 1.5 s
        try:
            req.wfile.write(b"<p>x</p>")
            req.wfile.flush()
        except OSError:
            return None
        time.sleep(0.1)
    return None


def slowloris_headers(req):
    """Status line and endless headers, one byte at a time, never a blank line: every single read
    is quick, so only a deadline on the whole response stops it."""
    try:
        req.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for _ in range(300):
            req.wfile.write(b"X")
            req.wfile.flush()
            time.sleep(0.1)
    except OSError:
        pass
    return None


def endless_body(req):
    _headers_only(req)
    chunk = b"<p>" + "无穷无尽的正文".encode() * 1000 + b"</p>"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            req.wfile.write(chunk)
        except OSError:
            return None
    return None


GZIP_BOMB = gzip.compress(
    b"<p>" + b" " * 50_000_000, compresslevel=9
)  # ~50 KB that inflates to 50 MB


def gzip_bomb(req):
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.send_header("Content-Encoding", "gzip")
    req.send_header("Content-Length", str(len(GZIP_BOMB)))
    req.end_headers()
    with contextlib.suppress(OSError):
        req.wfile.write(GZIP_BOMB)
    return None


def reset_mid_body(req):
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.send_header("Content-Length", "100000")
    req.end_headers()
    req.wfile.write(b"<html><body><p>" + "半截".encode() * 100)
    req.wfile.flush()
    # SO_LINGER 0: close() sends a TCP RST instead of a FIN
    req.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    req.connection.close()
    return None


def always_500(req):
    return 500, {"Content-Type": "text/html"}, b"<html><body>server error</body></html>"


JUNK = bytes(range(256)) * 40


def _busy_once(html: str):
    calls = {"n": 0}

    def answer(req):
        calls["n"] += 1
        if calls["n"] == 1:
            return 500, {"Content-Type": "text/html"}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()

    return answer


def test_hostile_recrawl_keeps_every_stored_document(http_site, tmp_path):
    b = http_site.base
    pages = {
        f"/p/{i}.html": policy_page(
            f"人才公寓政策第{i}号文件",
            f"第一条　第{i}项人才公寓保障措施的具体规定。",
            number=f"京人社发〔2021〕{i}号",
        )
        for i in range(1, N + 1)
    }
    http_site.add(
        "/",
        "<html><body>" + "".join(f'<a href="{p}">文件{p}</a>' for p in pages) + "</body></html>",
    )
    for path, html in pages.items():
        http_site.add(path, html)
    paths = settings.DataPaths(tmp_path / "data")
    good, _ = _crawl(paths, b + "/")
    assert good.new == N and not good.failed
    before = _snapshot(paths)
    assert len(before) == N

    # The same URLs turn hostile.
    off_host = b.replace("127.0.0.1", "localhost")
    hostile = {
        "/p/1.html": (slowloris_body, {}),
        "/p/2.html": (slowloris_headers, {}),
        "/p/3.html": (endless_body, {}),
        "/p/4.html": (gzip_bomb, {}),
        "/p/5.html": (b"", {"status": 302, "headers": {"Location": "/p/5b.html"}}),
        "/p/5b.html": (b"", {"status": 301, "headers": {"Location": "/p/5.html"}}),
        "/p/6.html": (
            b"",
            {"status": 302, "headers": {"Location": off_host + "/offhost-target.html"}},
        ),
        "/p/7.html": (JUNK, {}),
        "/p/8.html": (reset_mid_body, {}),
        "/p/9.html": (always_500, {}),
        "/p/10.html": (
            "<html><body><h1>系统维护公告</h1><p>服务器维护中，请稍后访问。维护期间网站的全部栏目"
            "暂停访问，预计今晚二十二时至次日凌晨六时恢复，给您带来的不便敬请谅解。</p></body></html>",
            {},
        ),
        # the same page in GBK under a header (and meta) claiming UTF-8:
        # must decode to the same text
        "/p/11.html": (pages["/p/11.html"].encode("gbk"), {}),
        "/p/12.html": (_busy_once(pages["/p/12.html"]), {}),  # HTTP 500, then the same page
    }
    for path, (body, kw) in hostile.items():
        http_site.add(path, body, **kw)
    http_site.hits.clear()
    report, elapsed = _crawl(paths, b + "/")

    # Bounded: 11 hostile URLs, each at most 3 attempts of 3 x TIMEOUT, plus backoff; generous.
    assert elapsed < 45, elapsed
    reasons = {u.rsplit("/", 1)[1]: r for u, r in report.failed}
    assert reasons["1.html"].startswith("response too slow")
    assert reasons["2.html"].startswith(("response too slow", "timed out"))
    assert reasons["3.html"] == f"response larger than {CAP} bytes"
    assert (
        reasons["4.html"] == f"response larger than {CAP} bytes"
    )  # measured on the inflated bytes
    assert reasons["5.html"] == "redirect loop"
    assert reasons["6.html"].startswith("redirect off the allowed hosts")
    assert "binary" in reasons["7.html"]
    assert reasons["8.html"].startswith("network error")
    assert reasons["9.html"] == "HTTP 500"
    assert "no longer looks like the stored policy" in reasons["10.html"]
    assert "11.html" not in reasons and "12.html" not in reasons and report.unchanged >= 2
    assert http_site.hits.count("/p/12.html") == 2
    assert "/offhost-target.html" not in http_site.hits
    assert http_site.hits.count("/p/9.html") == 3  # retried, then given up
    # Every failure is in the fetch log with its reason too.
    with sqlite3.connect(paths.store) as db:
        logged = dict(
            db.execute("SELECT url, reason FROM fetch_log WHERE outcome = 'failed'").fetchall()
        )
    assert {u.rsplit("/", 1)[1] for u in logged} >= {f"{i}.html" for i in range(1, 10)}
    assert all(logged.values())

    # Nothing stored was lost or overwritten, including the page that now says "maintenance".
    assert _snapshot(paths) == before
    with DocumentStore(paths.store) as store:
        assert store.check() is None


def test_header_slowloris_alone_is_cut_at_the_response_deadline(http_site, tmp_path):
    """Regression: a server trickling its header bytes held the crawler for as long as it liked
    (each read returned in time; only the body had a deadline)."""
    http_site.add("/slow-headers.html", slowloris_headers)
    paths = settings.DataPaths(tmp_path / "data")
    report, elapsed = _crawl(paths, http_site.base + "/slow-headers.html")
    assert [r for _, r in report.failed][0].startswith("response too slow")
    assert elapsed < 3 * TIMEOUT * 3 + 4, elapsed  # at most every attempt's deadline, plus backoff


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _lying_sizes(data: bytes, name: str, size: int) -> bytes:
    """The zip with name's uncompressed size declared as size in both its headers."""
    out = bytearray(data)
    key = name.encode()
    for sig, field in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := out.find(sig, pos)) >= 0:
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if out[name_at : name_at + len(key)] == key:
                out[pos + field : pos + field + 4] = struct.pack("<I", size)
            pos += 4
    return bytes(out)


def _malformed_docx() -> bytes:
    base = zipfile.ZipFile(io.BytesIO(tiny_docx("x")))
    return _zip(
        {
            i.filename: b"<w:document><unclosed"
            if i.filename == "word/document.xml"
            else base.read(i.filename)
            for i in base.infolist()
        }
    )


def _docx_bombs() -> tuple[bytes, bytes]:
    base = zipfile.ZipFile(io.BytesIO(tiny_docx("正常的附件内容")))
    members = {i.filename: base.read(i.filename) for i in base.infolist()}
    honest = _zip({**members, "word/media/bomb.bin": b"\0" * 80_000_000})
    xml = members["word/document.xml"]
    padded = xml.replace(b"</w:document>", b"<!--" + b" " * 80_000_000 + b"--></w:document>")
    lying = _lying_sizes(
        _zip({**members, "word/document.xml": padded}), "word/document.xml", len(xml)
    )
    return honest, lying


def _pdf_bomb() -> bytes:
    """A one-page PDF whose content stream is ~200 KB that inflates to 200 MB."""
    import zlib

    return pdf_page(
        zlib.compress(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n" + b" " * 200_000_000, 9), "FlateDecode"
    )


PDF_BOMB = _pdf_bomb()


def test_compression_bombs_in_attachments_are_refused_quickly():
    """Regressions: pypdf's LimitReachedError (not a PdfReadError) and lxml's XMLSyntaxError (not a
    ValueError) escaped the extractors and ended the whole crawl with a traceback."""
    honest, lying = _docx_bombs()
    assert len(honest) < 200_000 and len(lying) < 200_000 and len(PDF_BOMB) < 300_000
    for data, reason in (
        (honest, "inflates beyond the size limit"),
        (lying, "unreadable DOCX"),
        (PDF_BOMB, "unreadable PDF: LimitReachedError"),
        (_malformed_docx(), "unreadable DOCX: XMLSyntaxError"),
    ):
        started = time.monotonic()
        with pytest.raises(AttachmentError, match=reason):
            extract_text(data, "pdf" if data is PDF_BOMB else "docx")
        assert time.monotonic() - started < 5


def test_bomb_attachments_leave_the_page_stored_with_reasons(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_MAX_ATTACHMENT_BYTES", "1000000")
    honest, lying = _docx_bombs()
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    links = (
        '<p>附件：<a href="/f/honest.docx">名单一.docx</a> <a href="/f/lying.docx">名单二.docx</a>'
        ' <a href="/f/gz.pdf">租金表.pdf</a> <a href="/f/endless.pdf">无穷.pdf</a>'
        ' <a href="/f/bomb.pdf">炸弹.pdf</a></p>'
    )
    http_site.add(
        "/p.html", policy_page("附件炸弹测试页面", "第一条　附件是压缩炸弹。", extra=links)
    )
    http_site.add("/f/honest.docx", honest, ctype=docx_type)
    http_site.add("/f/lying.docx", lying, ctype=docx_type)
    http_site.add("/f/gz.pdf", gzip_bomb)
    http_site.add("/f/endless.pdf", endless_body)
    http_site.add("/f/bomb.pdf", PDF_BOMB, ctype="application/pdf")
    paths = settings.DataPaths(tmp_path / "data")
    report, elapsed = _crawl(paths, http_site.base + "/p.html")
    assert elapsed < 30 and report.new == 1
    with DocumentStore(paths.store) as store:
        doc = next(store.iter_documents())
    atts = {a["name"]: a for a in doc.attachments}
    assert "inflates beyond the size limit" in atts["名单一.docx"]["error"]
    assert atts["名单二.docx"]["error"].startswith("unreadable DOCX")
    assert atts["租金表.pdf"]["error"] == "response larger than 1000000 bytes"
    assert atts["无穷.pdf"]["error"] == "response larger than 1000000 bytes"
    assert atts["炸弹.pdf"]["error"].startswith("unreadable PDF: LimitReachedError")
    assert not any("text" in a for a in doc.attachments)


def test_compressed_bodies_are_inflated_within_the_cap(http_site):
    """Regression: httpx inflated a whole network read at once, so a gzip bomb took ~150 MB of
    memory for a 200 KB cap before the cap was checked.
    Pages in gzip, zlib and raw deflate still decode."""
    import tracemalloc
    import zlib

    from indexer.fetch import Fetcher

    page = policy_page("压缩传输的页面", "第一条　服务器以gzip发送本页。").encode()
    encoded = {
        "/gz.html": ("gzip", gzip.compress(page)),
        "/zlib.html": ("deflate", zlib.compress(page)),
        "/raw.html": ("deflate", zlib.compress(page)[2:-4]),
        "/bad.html": ("gzip", b"\x1f\x8b\x08garbage"),
        "/bomb.html": ("gzip", GZIP_BOMB),
    }
    for path, (enc, body) in encoded.items():
        http_site.add(path, body, headers={"Content-Encoding": enc})
    fetcher = Fetcher({"127.0.0.1"}, "test", delay=0, timeout=5, max_bytes=CAP, retries=0)
    try:
        for path in ("/gz.html", "/zlib.html", "/raw.html"):
            assert fetcher.fetch(http_site.base + path).body == page, path
        assert fetcher.fetch(http_site.base + "/bad.html").error.startswith(
            "cannot decode the compressed body"
        )
        tracemalloc.start()
        try:
            res = fetcher.fetch(http_site.base + "/bomb.html")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    finally:
        fetcher.close()
    assert res.error == f"response larger than {CAP} bytes" and len(res.body) == CAP
    assert peak < 20 * CAP, peak


def test_pathological_html_is_refused_in_bounded_time(http_site, tmp_path, monkeypatch):
    """Regression: 100,000 nested <div>s or a 200,000-row table held the extractor for over a
    quarter of an hour (its cost grows faster than the page);
    such pages now fail at once with a reason."""
    nested = (
        "<html><body>"
        + "<div>" * 100_000
        + "<p>第一条　内容。</p>"
        + "</div>" * 100_000
        + "</body></html>"
    )
    table = "<html><body><table>" + "<tr><td>单元</td></tr>" * 200_000 + "</table></body></html>"
    http_site.add("/nested.html", nested)
    http_site.add("/table.html", table)
    http_site.add("/ok.html", policy_page("正常的政策页面", "第一条　正常页面照常保存。"))
    http_site.add(
        "/",
        '<html><body><a href="/nested.html">一</a><a href="/table.html">二</a>'
        '<a href="/ok.html">三</a></body></html>',
    )
    paths = settings.DataPaths(tmp_path / "data")
    monkeypatch.setenv("POLICY_INDEX_MAX_BYTES", "5000000")  # both pages are under the default cap
    report, elapsed = _crawl(paths, http_site.base + "/")
    reasons = {u.rsplit("/", 1)[1]: r for u, r in report.failed}
    assert (
        reasons["nested.html"] == "page too complex to extract (elements nested more than 256 deep)"
    )
    assert reasons["table.html"] == "page too complex to extract (more than 20000 elements)"
    assert report.new == 1 and elapsed < 40, elapsed
