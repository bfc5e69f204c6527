"""Bytes to text: BOM, header, <meta>, GB labels read as gb18030, detection."""

import codecs

from indexer.encoding import decode_html, looks_binary

PAGE = (
    "<html><head>{meta}<title>朱镕基路人才公寓</title></head>"
    "<body><p>北京市朝阳区人才公寓申请通知。外籍人才可以申请。</p></body></html>"
)


def test_gb2312_label_on_gbk_bytes_keeps_gbk_only_characters():
    data = PAGE.format(
        meta='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    ).encode("gbk")
    with_error = data.decode("gb2312", errors="replace")
    assert "\ufffd" in with_error  # the trap: 镕 is not in GB2312
    text, codec = decode_html(data)
    assert codec == "gb18030" and "朱镕基" in text


def test_http_header_wins_over_meta():
    data = PAGE.format(meta='<meta charset="gbk">').encode("utf-8")
    text, codec = decode_html(data, "text/html; charset=UTF-8")
    assert codec == "utf-8" and "人才公寓" in text


def test_a_headers_iso_8859_1_yields_to_the_pages_meta():
    """Servers that send ISO-8859-1 mean nothing by it; a Western codec would decode GBK bytes
    into mojibake without an error, so the page's <meta> is heard first."""
    data = PAGE.format(meta='<meta charset="gb2312">').encode("gbk")
    for header in ("text/html; charset=ISO-8859-1", "text/html; charset=us-ascii"):
        text, codec = decode_html(data, header)
        assert codec == "gb18030" and "朱镕基" in text, header
    latin = "<html><head><meta charset='iso-8859-1'></head><body>café</body></html>"
    assert decode_html(latin.encode("latin-1"), "text/html; charset=ISO-8859-1")[0].endswith(
        "café</body></html>"
    )


def test_lying_label_falls_back():
    data = PAGE.format(meta='<meta charset="utf-8">').encode("gb18030")
    text, _ = decode_html(data)
    assert "人才公寓" in text


def test_no_label_is_detected():
    data = PAGE.format(meta="").encode("gb18030") * 3
    text, _ = decode_html(data, "text/html")
    assert "人才公寓" in text


def test_bom():
    data = codecs.BOM_UTF8 + PAGE.format(meta="").encode("utf-8")
    text, codec = decode_html(data, "text/html; charset=gbk")
    assert codec == "utf-8" and text.startswith("<html>")


def test_binary_is_recognised():
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    assert not looks_binary(PAGE.encode("utf-8"))
