"""One path through every stage: an HTTP site -> crawl -> index -> /api/search and the pages."""

from conftest import build_index  # noqa: F401  (shared helpers live in conftest)
from indexer import pipeline, settings
from indexer.sources import source_from_arg
from search_app import create_app
from test_crawl import GBK_PAGE, policy_page


def test_crawl_index_search(http_site, tmp_path, monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    http_site.add(
        "/",
        '<html><body><a href="/a.html">人才公寓通知一</a><a href="/b.html">配租通知二</a>'
        '<a href="/c.html">就医</a></body></html>',
    )
    http_site.add(
        "/a.html",
        policy_page(
            "怀柔科学城人才公寓申请办法",
            "第一条　怀柔科学城人才公寓面向科研人员配租。",
            number="怀政发[2023]5号",
        ),
    )
    http_site.add("/b.html", GBK_PAGE.encode("gbk"), ctype="text/html")
    http_site.add(
        "/c.html",
        policy_page(
            "外籍人才就医服务指引", "第一条　国际医疗部提供英语服务。", number="京卫发(2022)9号"
        ),
    )
    paths = settings.DataPaths(tmp_path / "data")
    report = pipeline.crawl(
        settings.for_data(paths.root), [source_from_arg(http_site.base + "/")], progress=False
    )[0]
    assert report.new == 3
    pipeline.index(settings.for_data(paths.root))
    client = create_app(paths.root, {"TESTING": True}).test_client()
    body = client.get("/api/search?q=人才公寓&region=huairou").get_json()
    assert body["total"] == 2
    assert {r["doc_number"] for r in body["results"]} == {
        "怀政发〔2023〕5号",
        "怀住建发〔2021〕7号",
    }
    assert body["packages"][0]["key"] == "huairou/livable"
    exact = client.get("/api/search", query_string={"q": "京卫发〔2022〕第9号"}).get_json()
    assert exact["results"][0]["title"] == "外籍人才就医服务指引"
    page = client.get(f"/policies/{exact['results'][0]['id']}").get_data(as_text=True)
    assert "国际医疗部提供英语服务" in page

    # A re-crawl after an edit is picked up by an incremental index run.
    http_site.add(
        "/c.html",
        policy_page(
            "外籍人才就医服务指引",
            "第一条　国际医疗部提供英语和日语服务。",
            number="京卫发(2022)9号",
        ),
    )
    pipeline.crawl(
        settings.for_data(paths.root),
        [source_from_arg(http_site.base + "/c.html")],
        max_pages=1,
        progress=False,
    )
    assert pipeline.index(settings.for_data(paths.root)).added == 1
    assert client.get("/api/search?q=日语").get_json()["total"] == 1
