"""HTML pages: every page renders in both languages, the language choice is remembered, errors are HTML."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("url", ["/", "/search?q=人才公寓", "/search?q=", "/search?scenario=education",
                                 "/packages/wangjing", "/packages/huairou/livable", "/search?q=talent&doclang=en"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pages_render(client, url, lang):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}lang={lang}")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in html
    assert ("政策索引" in html) == (lang == "zh")
    assert "Content-Security-Policy" in r.headers


def test_search_page_shows_results_facets_and_packages(client):
    html = client.get("/search?q=人才公寓&lang=zh").get_data(as_text=True)
    assert "共找到" in html and "<mark>" in html and "相关政策服务包" in html
    assert "社区/层级" in html and "样例" in html
    assert 'href="/search?q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93&amp;lang=zh&amp;region=' in html


def test_policy_page(client):
    first = client.get("/api/search?q=人才公寓").get_json()["results"][0]
    html = client.get(f"/policies/{first['id']}?lang=zh").get_data(as_text=True)
    for label in ("发文字号", "发文机关", "成文日期", "发布日期", "有效性", "查看样例原页面"):
        assert label in html
    assert first["title"] in html and "演示用样例" in html


def test_language_cookie(sample_app):
    c = sample_app.test_client()
    assert 'lang="en"' in c.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    c2 = sample_app.test_client()
    assert 'lang="zh-CN"' in c2.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    c2.get("/?lang=en")
    assert 'lang="en"' in c2.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_errors_are_html_pages(client):
    r = client.get("/policies/does-not-exist")
    assert r.status_code == 404 and r.mimetype == "text/html" and "返回首页" in r.get_data(as_text=True)
    r = client.get("/search?page=abc&lang=en")
    assert r.status_code == 400 and "whole number" in r.get_data(as_text=True)
    assert client.get("/packages/mars").status_code == 404
    assert client.get("/packages/wangjing/space").status_code == 404


def test_sample_documents_link_to_the_sample_page_as_crawled(client):
    first = client.get("/api/search?q=人才公寓").get_json()["results"][0]
    html = client.get(f"/policies/{first['id']}?lang=zh").get_data(as_text=True)
    rel = first["url"].split("/", 3)[3]
    assert f'href="/samples/{rel}"' in html
    with client.get(f"/samples/{rel}") as page:
        assert page.status_code == 200 and page.data == (ROOT / "policies/corpus/site" / rel).read_bytes()
    with client.get("/samples/../../etc/passwd") as page:
        assert page.status_code == 404


def test_community_page_shows_its_facts(client, tax):
    html = client.get("/packages/huairou?lang=zh").get_data(as_text=True)
    station = tax.regions["huairou"].facts["service_stations"][0]
    assert station["name_zh"] in html and station["phone"] in html
