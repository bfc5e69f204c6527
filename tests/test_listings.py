"""The listing parsers as pure functions: pagination scripts, datastores, JSON paths, sitemaps and
feeds, and the reasons they give for what they cannot read. The strategies are documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from indexer import listings
from indexer.listings import ListingConfigError, ListingError, configure, parse

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
BASE = "https://www.example.gov.cn/zhengce/"


def page(script: str = "", body: str = "") -> bytes:
    return f"<html><body>{body}<script>{script}</script></body></html>".encode()


@pytest.mark.parametrize(
    ("script", "url", "expected"),
    [
        ('createPageHTML(7, 0, "index", "html");', BASE, BASE + "index_1.html"),
        ("createPageHTML('page_div', 7, 3, 'index', 'shtml');", BASE + "index_3.shtml",
         BASE + "index_4.shtml"),
        ("var countPage = 4;var currentPage = 2;createPageHTML(countPage, currentPage, "
         '"list", "htm");', BASE + "list_2.htm", BASE + "list_3.htm"),
        ('createPageHTML(7, 6, "index", "html");', BASE + "index_6.html", None),  # the last page
        ('createPageHTML(1, 0, "index", "html");', BASE, None),  # a single page
        ("createPageHTML(total, now);", BASE, None),  # variables never set: nothing to go on
    ],
)  # fmt: skip
def test_trs_pages_come_from_the_create_page_html_call(script, url, expected):
    got = parse("trs", configure("trs", {}), url, page(script), None)
    assert [n.url for n in got.next] == ([expected] if expected else [])


def test_trs_documents_follow_the_pattern_and_keep_title_and_date():
    body = ('<a href="/">首页</a><ul><li><a href="./202401/t20240105_88.html" title="关于人才公寓">'
            "关于人才…</a><span>2024-01-05</span></li><li><a href='../other/'>其他栏目</a></li>"
            '<li><a href="./202401/W020240105.pdf">附件</a></li></ul>')  # fmt: skip
    got = parse("trs", configure("trs", {}), BASE, page(body=body), "text/html")
    assert [(e.url, e.title, e.date) for e in got.documents] == [
        (BASE + "202401/t20240105_88.html", "关于人才公寓", "2024-01-05")
    ]
    empty = parse("trs", configure("trs", {}), BASE, page(body='<a href="/">首页</a>'), None)
    assert empty.problems == ["no link matches the document pattern /t\\d{8}_\\d+\\.s?html?$"]


DATASTORE = """<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/
dataproxy.jsp?page=1&webid=3&path=/&columnid=77&unitid=901&webname=x&permissiontype=0"></a>]]>
</nextgroup><recordset><record><![CDATA[<li><a href="/art/2024/3/1/art_77_1.html">一</a>
<span>2024-03-01</span></li>]]></record><record><![CDATA[<li><a href="/art/2024/3/2/art_77_2.html">
二</a></li>]]></record></recordset></datastore></script>"""


def test_hanweb_records_and_the_next_dataproxy_group():
    url = "https://www.example.gov.cn/col/col77/index.html"
    got = parse("hanweb", configure("hanweb", {}), url, page(body=DATASTORE), None)
    assert [e.url for e in got.documents] == [
        "https://www.example.gov.cn/art/2024/3/1/art_77_1.html",
        "https://www.example.gov.cn/art/2024/3/2/art_77_2.html",
    ]
    assert got.documents[0].date == "2024-03-01"
    (nxt,) = got.next
    assert nxt.probe  # no totalrecord: the next group may be empty
    assert nxt.url.startswith("https://www.example.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert "columnid=77" in nxt.url and "unitid=901" in nxt.url and "startrecord=3" in nxt.url
    assert "endrecord=47" in nxt.url and "perpage=15" in nxt.url
    req = listings.request("hanweb", configure("hanweb", {}), nxt.url)
    assert req.method == "POST" and "startrecord=3" in req.url and b"unitid=901" in req.body


def test_hanweb_without_parameters_says_what_to_configure():
    store = DATASTORE.replace("unitid=901&", "")
    url = "https://www.example.gov.cn/col/col77/index.html"
    got = parse("hanweb", configure("hanweb", {}), url, page(body=store), None)
    assert len(got.documents) == 2 and not got.next
    assert got.problems == ["no dataproxy parameters (columnid, unitid) on the page: set them in "
                            "sources.yaml"]  # fmt: skip
    got = parse("hanweb", configure("hanweb", {"unitid": "5"}), url, page(body=store), None)
    assert "unitid=5" in got.next[0].url
    with pytest.raises(ListingError, match="not a Hanweb list page"):
        parse("hanweb", configure("hanweb", {}), url, page(body="<p>维护中</p>"), None)


def test_links_finds_records_and_pagination_of_unconfigured_pages():
    got = parse("links", {}, BASE, page('createPageHTML(3, 0, "index", "html");', DATASTORE), None)
    assert {listings.kind_of(n.url) for n in got.next} == {"page", "hanweb"}
    assert BASE + "index_1.html" in {n.url for n in got.next}
    assert "https://www.example.gov.cn/art/2024/3/2/art_77_2.html" in {e.url for e in got.documents}


def test_json_items_fields_and_bad_answers():
    params = configure("json", {"url": "https://api.example/list?page={page}&size={size}",
                                "items": "data.rows", "url_field": "link",
                                "date_field": "meta.date"})  # fmt: skip
    ref = listings.seeds("json", params, [])[0]
    assert ref == "https://api.example/list?page=1&size=20#p=1"
    body = ('{"data": {"rows": [{"link": "/a/1.html", "title": "一", "meta": {"date": '
            '"2024-01-02"}}, {"title": "no link"}, {"link": 12}]}}').encode()  # fmt: skip
    got = parse("json", params, ref, body, "application/json")
    assert [(e.url, e.title, e.date) for e in got.documents] == [
        ("https://api.example/a/1.html", "一", "2024-01-02")]  # fmt: skip
    assert got.problems == ["item 2 has no usable URL at link", "item 3 has no usable URL at link"]
    assert got.next[0].url == "https://api.example/list?page=2&size=20#p=2"
    assert not parse("json", params, ref, b'{"data": {"rows": []}}', None).next  # the end
    for bad, why in (
        (b"<html>", "bad JSON"),
        (b'{"data": {}}', "no items at data.rows"),
        (b'{"data": {"rows": {"a": 1}}}', "data.rows is a dict, not a list"),
    ):
        with pytest.raises(ListingError, match=why):
            parse("json", params, ref, bad, None)  # fmt: skip


def test_json_post_body():
    params = configure("json", {"url": "https://api.example/list", "items": "list",
                                "method": "POST", "page_size": 10, "first_page": 0,
                                "body": {"pageNum": "{page}", "pageSize": "{size}",
                                         "offset": "{offset}", "type": 3}})  # fmt: skip
    ref = listings.seeds("json", params, [])[0]
    req = listings.request("json", params, ref.replace("#p=0", "#p=2"))
    assert (req.url, req.method, req.content_type) == ("https://api.example/list", "POST",
                                                       "application/json")  # fmt: skip
    assert req.body == b'{"pageNum": "2", "pageSize": "10", "offset": "20", "type": 3}'


def test_sitemaps_refuse_entities_and_malformed_xml():
    entity = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
              b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&x;</loc>'
              b"</url><url><loc>https://www.example.gov.cn/a.html</loc></url>"
              b"</urlset>")  # fmt: skip
    got = parse("sitemap", configure("sitemap", {}), BASE + "sitemap.xml", entity, None)
    assert [e.url for e in got.documents] == ["https://www.example.gov.cn/a.html"]
    assert got.problems == ["an entry without a usable <loc>: ''"]  # the entity was not read
    with pytest.raises(ListingError, match="malformed sitemap XML"):
        parse("sitemap", configure("sitemap", {}), BASE, b"<urlset><url>", None)
    with pytest.raises(ListingError, match="not a sitemap: the root element is <html>"):
        parse("sitemap", configure("sitemap", {}), BASE, b"<html><body/></html>", None)
    with pytest.raises(ListingError, match="cannot inflate"):
        parse("sitemap", configure("sitemap", {}), BASE, b"\x1f\x8b\x08broken", None)


def test_feed_entries_dates_and_filter():
    rss = ("<rss version='2.0'><channel><title>t</title><item><title>一</title>"
           "<link>https://www.example.gov.cn/a/1.html</link><pubDate>Tue, 02 Jan 2024 08:00:00 "
           "+0800</pubDate></item><item><title>二</title><link>https://www.example.gov.cn/b/2.html"
           "</link></item></channel></rss>").encode()  # fmt: skip
    got = parse("feed", configure("feed", {"documents": "/a/"}), BASE, rss, None)
    assert [(e.url, e.title, e.date) for e in got.documents] == [
        ("https://www.example.gov.cn/a/1.html", "一", "2024-01-02")]  # fmt: skip


@pytest.mark.parametrize(
    ("strategy", "given", "why"),
    [
        ("frames", {}, "unknown strategy 'frames'"),
        ("trs", {"pages": 3}, "strategy trs has no parameter 'pages'"),
        ("trs", {"documents": "t(\\d"}, "trs: missing ), unterminated subpattern"),
        ("json", {"url": "x"}, "strategy json needs the parameter 'items'"),
        ("json", {"url": "x", "items": "a[?"}, "json: "),
        ("hanweb", {"perpage": "many"}, "hanweb parameter 'perpage' must be int"),
        ("hanweb", {"method": "PUT"}, "hanweb: method must be GET or POST"),
    ],
)
def test_bad_parameters_are_one_clear_error(strategy, given, why):
    with pytest.raises(ListingConfigError, match=re.escape(why)):
        configure(strategy, given)


def test_the_readme_documents_every_strategy_and_parameter():
    section = README.split("### Listing strategies", 1)[1].split("\n## ", 1)[0]
    for name, params in listings.STRATEGIES.items():
        assert f"`{name}`" in section, name
        for p in params:
            assert f"`{p.name}`" in section, (name, p.name)
