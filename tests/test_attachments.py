"""PDF and DOCX attachments are fetched from the same host, read, indexed and listed."""

import io

import docx

from indexer import pipeline, settings
from indexer.attachments import AttachmentError, extract_text
from indexer.sources import source_from_arg
from indexer.store import DocumentStore
from search_app import create_app
from test_crawl import policy_page


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF showing text in Helvetica, written by hand."""
    return pdf_page(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode())


def pdf_page(stream: bytes, stream_filter: str | None = None) -> bytes:
    """A one-page PDF with the given content stream (already encoded with stream_filter, if any)."""
    extra = b" /Filter /%s" % stream_filter.encode() if stream_filter else b""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(stream), extra) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def tiny_docx(*paragraphs: str) -> bytes:
    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_extractors_and_their_errors():
    assert "Quarterly rent subsidy schedule" in extract_text(
        tiny_pdf("Quarterly rent subsidy schedule"), "pdf"
    )
    assert (
        extract_text(tiny_docx("人才公寓配租名单公示", "第二段"), "docx")
        == "人才公寓配租名单公示\n第二段"
    )
    for data, kind in ((b"not a pdf", "pdf"), (b"PK\x03\x04junk", "docx"), (b"", "wps")):
        try:
            extract_text(data, kind)
        except AttachmentError as exc:
            assert str(exc)
        else:
            raise AssertionError(kind)


def test_attachments_are_crawled_indexed_and_listed(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    b = http_site.base
    other = b.replace("127.0.0.1", "localhost")
    links = (
        '<p>附件：<a href="/files/schedule.pdf">租金标准表.pdf</a>'
        ' <a href="/files/list.docx">配租名单.docx</a>'
        f' <a href="/files/form.wps">申请表.wps</a> <a href="{other}/files/x.pdf">外站附件</a>'
        ' <a href="/files/broken.pdf">损坏的附件</a></p>'
    )
    http_site.add(
        "/p.html", policy_page("人才公寓租金标准的通知", "第一条　租金标准见附件。", extra=links)
    )
    http_site.add(
        "/files/schedule.pdf", tiny_pdf("Quarterly rent subsidy schedule"), ctype="application/pdf"
    )
    http_site.add(
        "/files/list.docx",
        tiny_docx("雁栖湖人才公寓第三批配租名单公示"),
        ctype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    http_site.add("/files/broken.pdf", b"%PDF-1.4 garbage", ctype="application/pdf")
    paths = settings.DataPaths(tmp_path / "data")
    pipeline.crawl(
        settings.for_data(paths.root), [source_from_arg(b + "/p.html")], max_pages=1, progress=False
    )
    with DocumentStore(paths.store) as store:
        doc = next(store.iter_documents())
    atts = {a["name"]: a for a in doc.attachments}
    assert atts["租金标准表.pdf"]["chars"] > 0 and atts["配租名单.docx"]["text"].startswith(
        "雁栖湖"
    )
    assert atts["申请表.wps"]["note"] == "listed, not parsed"
    assert atts["外站附件"]["error"] == "on another host: not fetched"
    assert atts["损坏的附件"]["error"].startswith("unreadable PDF")
    assert "/files/x.pdf" not in http_site.hits and "/files/form.wps" not in http_site.hits
    pipeline.index(settings.for_data(paths.root))
    client = create_app(paths.root, {"TESTING": True}).test_client()
    hit = client.get("/api/search?q=雁栖湖").get_json()
    assert hit["total"] == 1 and hit["results"][0]["title"] == "人才公寓租金标准的通知"
    assert client.get("/api/search?q=quarterly").get_json()["total"] == 1
    page = client.get(f"/policies/{doc.id}?lang=zh").get_data(as_text=True)
    assert "配租名单.docx" in page and "可检索" in page and "申请表.wps" in page
