"""The crawler against a real HTTP server on 127.0.0.1: politeness, limits, encodings, failures."""

import json

import pytest

from indexer import pipeline, settings
from indexer.sources import Source, SourceError, load_sources, source_from_arg
from indexer.store import DocumentStore
from indexer.urls import canonical_url


def policy_page(title, body, number="京人社发〔2022〕8号", extra=""):
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">\
<title>{title}_北京市人民政府</title></head>
<body><div class="header"><a href="/">首页</a></div>
<div class="doc-info"><ol><li>[标　　题] {title}</li><li>[发文机构] 北京市人力资源和社会保障局</li>
<li>[发文字号] {number}</li><li>[成文日期] 2022-03-01</li>\
<li>[发布日期] 2022年3月8日</li><li>[有 效 性] 有效</li></ol></div>
<div id="mainText"><p>{body}</p>\
<p>第二条　外籍人才可以向所在区人力社保部门提出申请，材料齐全的，五个工作日内办结。</p>{extra}</div>
<div class="share">分享到：微信</div>\
<div class="footer">版权所有 北京市人民政府</div></body></html>"""


GBK_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>怀柔区人才公寓配租通知</title></head><body><table>\
<tr><td class="time">发布时间：2021-06-02 来源：怀柔区住房和城乡建设委员会</td></tr>
<tr><td id="zoom"><p>怀住建发［2021］7号</p>\
<p>为做好怀柔科学城人才公寓配租工作，联系人朱镕同志，现将有关事项通知如下。</p>
<p>一、符合条件的科研人员可以申请人才公寓，租金按市场价格的七折执行。</p></td></tr></table></body></html>"""


@pytest.fixture()
def site(http_site, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "0.5")
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    b = http_site.base
    off_host = b.replace("127.0.0.1", "localhost")
    http_site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    http_site.add(
        "/",
        f"""<html><body><ul>
      <li><a href="/p/1.html">人才公寓申请办法</a></li>\
<li><a href="/p/gbk.html">怀柔区人才公寓配租通知</a></li>
      <li><a href="/private/secret.html">内部文件</a></li>\
<li><a href="/missing.html">已删除的页面</a></li>
      <li><a href="/error.html">服务器出错</a></li><li><a href="/slow.html">很慢的页面</a></li>
      <li><a href="/go-home.html">站内跳转</a></li><li><a href="/go-away.html">站外跳转</a></li>
      <li><a href="{off_host}/p/other.html">外站链接</a></li><li><a href="/file.pdf">附件</a></li>
      <li><a href="/binary.html">二进制</a></li></ul></body></html>""",
    )
    http_site.add(
        "/p/1.html",
        policy_page("北京市人才公寓申请办法", "第一条　为支持外籍人才在京安居，制定本办法。"),
    )
    http_site.add("/p/gbk.html", GBK_PAGE.encode("gbk"), ctype="text/html")
    http_site.add(
        "/p/moved.html",
        policy_page(
            "迁移后的外籍人才就医指引",
            "第一条　国际医疗服务试点医院提供外语服务。",
            number="京卫发〔2022〕3号",
        ),
    )
    http_site.add("/private/secret.html", policy_page("内部文件", "不应被抓取。"))
    http_site.add("/error.html", "<html>oops</html>", status=500)
    http_site.add("/slow.html", policy_page("慢页面", "超时。"), delay=2.0)
    http_site.add("/go-home.html", b"", status=301, headers={"Location": "/p/moved.html"})
    http_site.add(
        "/go-away.html", b"", status=302, headers={"Location": f"{off_host}/p/other.html"}
    )
    http_site.add("/binary.html", bytes(range(256)) * 8, ctype="text/html")
    return http_site


def _crawl(tmp_path, url, max_pages=None):
    paths = settings.DataPaths(tmp_path / "data")
    reports = pipeline.crawl(
        settings.for_data(paths.root), [source_from_arg(url)], max_pages=max_pages, progress=False
    )
    return paths, reports[0]


def test_crawl_follows_same_host_links_within_every_limit(site, tmp_path):
    paths, report = _crawl(tmp_path, site.base + "/")
    with DocumentStore(paths.store) as store:
        docs = {d.title: d for d in store.iter_documents()}
    assert set(docs) == {
        "北京市人才公寓申请办法",
        "怀柔区人才公寓配租通知",
        "迁移后的外籍人才就医指引",
    }
    gbk = docs["怀柔区人才公寓配租通知"]
    assert (
        "朱镕" in gbk.text
        and gbk.doc_number == "怀住建发〔2021〕7号"
        and gbk.publish_date == "2021-06-02"
    )
    assert "huairou" in gbk.regions and "livable" in gbk.scenarios
    moved = docs["迁移后的外籍人才就医指引"]
    assert moved.url == site.base + "/p/moved.html"
    reasons = dict(report.failed)
    assert reasons[site.base + "/private/secret.html"] == "disallowed by robots.txt"
    assert reasons[site.base + "/missing.html"] == "HTTP 404"
    assert reasons[site.base + "/error.html"] == "HTTP 500"
    assert reasons[site.base + "/slow.html"].startswith("timed out")
    assert reasons[site.base + "/go-away.html"].startswith("redirect off the allowed hosts")
    assert "binary" in reasons[site.base + "/binary.html"]
    # Never fetched: the disallowed page, the off-host page, the PDF.
    assert "/private/secret.html" not in site.hits and "/file.pdf" not in site.hits
    assert site.hits.count("/error.html") == 3  # retried twice on 5xx
    assert report.listings == 1


def test_recrawl_is_incremental(site, tmp_path):
    paths, first = _crawl(tmp_path, site.base + "/p/1.html", max_pages=1)
    assert first.new == 1
    _, again = _crawl(tmp_path, site.base + "/p/1.html", max_pages=1)
    assert again.unchanged == 1 and again.new == 0
    site.add("/p/1.html", policy_page("北京市人才公寓申请办法", "第一条　修订后的条款内容。"))
    _, changed = _crawl(tmp_path, site.base + "/p/1.html", max_pages=1)
    assert changed.changed == 1
    with DocumentStore(paths.store) as store:
        assert store.count() == 1 and "修订后的条款" in next(store.iter_documents()).text


def test_local_folder_and_bad_sources(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "a.html").write_text(
        policy_page("本地政策文件", "第一条　本地文件内容，外籍人才服务站提供咨询。"),
        encoding="utf-8",
    )
    (folder / "empty.html").write_bytes(b"")
    paths = settings.DataPaths(tmp_path / "data")
    report = pipeline.crawl(
        settings.for_data(paths.root), [source_from_arg(str(folder))], progress=False
    )[0]
    assert report.new == 1 and len(report.failed) == 1
    with pytest.raises(SourceError, match="no such file"):
        source_from_arg(str(tmp_path / "nope"))


def test_sources_file(tmp_path):
    f = tmp_path / "sources.yaml"
    f.write_text(
        "sources:\n  - name: a\n    start_urls: [https://www.example.gov.cn/x/]\n"
        "  - name: b\n    enabled: false\n    start_urls: [https://b.example/]\n"
        "  - name: local\n    path: policies/corpus/site\n    base_url: https://s.example/\n"
        "    regions_by_path: {huairou/: [huairou]}\n",
        encoding="utf-8",
    )
    srcs = load_sources(f)
    assert [s.name for s in srcs] == ["a", "local"]
    assert srcs[0].allowed_hosts == {"www.example.gov.cn"}
    assert srcs[1].region_hints("https://s.example/huairou/doc.html") == ["huairou"]
    assert srcs[1].region_hints("https://s.example/other/doc.html") == []
    f.write_text("sources: [1, 2", encoding="utf-8")
    with pytest.raises(SourceError):
        load_sources(f)


def test_unreachable_source_fails_alone(site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "0.5")
    dead = Source(name="dead", urls=["http://127.0.0.1:9/"], allowed_hosts={"127.0.0.1"})
    live = source_from_arg(site.base + "/p/1.html")
    paths = settings.DataPaths(tmp_path / "data")
    reports = pipeline.crawl(
        settings.for_data(paths.root), [dead, live], max_pages=1, progress=False
    )
    assert reports[0].failed and "network error" in reports[0].failed[0][1]
    assert reports[1].new == 1


def test_canonical_urls():
    assert (
        canonical_url("HTTP://WWW.Example.gov.cn/a.html#top") == "http://www.example.gov.cn/a.html"
    )


def test_dump_roundtrip_fields(site, tmp_path):
    paths, _ = _crawl(tmp_path, site.base + "/p/1.html", max_pages=1)
    with DocumentStore(paths.store) as store:
        d = next(store.iter_documents()).contract_dict()
    assert list(d)[:11] == [
        "id",
        "url",
        "title",
        "doc_number",
        "agency",
        "publish_date",
        "lang",
        "status",
        "regions",
        "scenarios",
        "text",
    ]
    assert d["doc_number"] == "京人社发〔2022〕8号" and d["publish_date"] == "2022-03-08"
    assert d["status"] == "in_force" and d["agency"] == "北京市人力资源和社会保障局"
    assert "分享到" not in d["text"] and "版权所有" not in d["text"]
    json.dumps(d, ensure_ascii=False)


def test_the_project_sources_file_loads():
    srcs = load_sources(settings.POLICIES_DIR / "sources.yaml")
    names = [s.name for s in srcs]
    assert "sample" in names and len(names) >= 10
    sample = next(s for s in srcs if s.sample)
    assert sample.region_hints(settings.SAMPLE_BASE_URL + "huairou/x.html") == ["huairou"]
    assert all(s.allowed_hosts for s in srcs if s.urls)
