"""HTML pages: every page renders in both languages, the language choice is remembered,
errors are HTML."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/search?q=人才公寓",
        "/search?q=",
        "/search?scenario=education",
        "/packages/wangjing",
        "/packages/huairou/livable",
        "/search?q=talent&doclang=en",
    ],
)
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


def test_guide_page_shows_how_to_apply(client):
    """A service guide's page lays out what the guide states (materials, steps, fee …) and the
    API returns the same fields."""
    hit = next(
        r
        for r in client.get("/api/search?q=学费补贴&kind=guide").get_json()["results"]
        if r["kind"] == "guide"
    )
    guide = client.get(f"/api/policies/{hit['id']}").get_json()["guide"]
    assert guide["materials"] and guide["steps"] and isinstance(guide["steps"], list)
    zh = client.get(f"/policies/{hit['id']}?lang=zh").get_data(as_text=True)
    section = zh[zh.index('id="guide"') : zh.index("</section>", zh.index('id="guide"'))]
    for label in ("办事指引", "申请材料", "办理流程"):
        assert label in section
    assert all(f"<li>{item}</li>" in section for item in guide["steps"])
    en = client.get(f"/policies/{hit['id']}?lang=en").get_data(as_text=True)
    assert "How to apply" in en and "Materials to bring" in en
    policy = client.get("/api/search?q=人才公寓&kind=policy").get_json()["results"][0]
    assert 'id="guide"' not in client.get(f"/policies/{policy['id']}").get_data(as_text=True)


def test_language_cookie(sample_app):
    c = sample_app.test_client()
    assert 'lang="en"' in c.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True
    )
    c2 = sample_app.test_client()
    assert 'lang="zh-CN"' in c2.get("/", headers={"Accept-Language": "zh-CN"}).get_data(
        as_text=True
    )
    c2.get("/?lang=en")
    assert 'lang="en"' in c2.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_errors_are_html_pages(client):
    r = client.get("/policies/does-not-exist")
    assert (
        r.status_code == 404
        and r.mimetype == "text/html"
        and "返回首页" in r.get_data(as_text=True)
    )
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
        assert (
            page.status_code == 200
            and page.data == (ROOT / "policies/corpus/site" / rel).read_bytes()
        )
    with client.get("/samples/../../etc/passwd") as page:
        assert page.status_code == 404


def test_community_page_shows_its_facts(client, tax):
    html = client.get("/packages/huairou?lang=zh").get_data(as_text=True)
    station = tax.regions["huairou"].facts["service_stations"][0]
    assert station["name_zh"] in html and station["phone"] in html


# ---- the search page: facets, sort, pager, badges, suggestions, zero results -------------------


def test_year_facet_filters_and_keeps_the_query(client):
    api = client.get("/api/search?q=人才公寓").get_json()
    year, count = next(iter(sorted(api["facets"]["year"].items(), key=lambda kv: -kv[1])))
    html = client.get("/search?q=人才公寓&lang=zh").get_data(as_text=True)
    assert 'id="facet-year"' in html and "发布年份" in html
    assert (
        f'href="/search?q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93&amp;lang=zh&amp;year={year}"' in html
    )
    filtered = client.get(f"/api/search?q=人才公寓&year={year}&per_page=50").get_json()
    assert filtered["total"] == count and {r["publish_date"][:4] for r in filtered["results"]} == {
        year
    }
    page = client.get(f"/search?q=人才公寓&year={year}&lang=zh").get_data(as_text=True)
    assert f"共找到 {count} 条政策" in page and 'class="facet-remove"' in page
    assert 'value="人才公寓"' in page  # the query stays in the box
    assert client.get("/search?year=20x3").status_code == 400


@pytest.mark.parametrize("facet", ["region", "scenario", "agency", "year", "status", "lang"])
def test_every_facet_shows_counts(client, facet):
    html = client.get("/search?q=&lang=en").get_data(as_text=True)
    section = re.search(rf'<section class="facet" id="facet-{facet}".*?</section>', html, re.S)
    assert section and re.search(r'<span class="count">\d+</span>', section.group(0))


def test_sort_and_pager(client):
    html = client.get("/search?q=&lang=en").get_data(as_text=True)
    assert 'href="/search?q=&amp;lang=en&amp;sort=date"' in html or "sort=date" in html
    assert 'rel="next" href="/search?q=&amp;lang=en&amp;page=2"' in html
    page2 = client.get("/search?q=&lang=en&page=2&sort=date").get_data(as_text=True)
    assert 'rel="prev"' in page2 and '<ol class="result-list" start="11">' in page2
    assert '<strong aria-current="true">By date</strong>' in page2


def test_status_badges_and_superseded(client):
    expired = client.get("/api/search?q=&status=expired&per_page=50").get_json()["results"]
    superseded = [
        r
        for r in expired
        if any(
            x["rel"] == "replaced_by"
            for x in client.get(f"/api/policies/{r['id']}").get_json()["links"]
        )
    ]
    assert superseded
    html = client.get("/search?q=&status=expired&per_page=50&lang=en").get_data(as_text=True)
    item = re.search(
        rf'<li class="result" id="r-{superseded[0]["id"]}">.*?</li>', html, re.S
    ).group(0)
    assert (
        '<span class="badge status-superseded">Superseded</span>' in item and "Replaced by:" in item
    )
    assert "In force" in client.get("/search?q=&status=in_force&lang=en").get_data(as_text=True)
    assert 'class="badge sample"' in html


def test_english_pages_lead_with_english_titles_summaries_and_versions(client):
    html = client.get("/search?q=人才公寓&lang=en").get_data(as_text=True)
    first = re.search(r'<li class="result".*?</li>', html, re.S).group(0)
    assert (
        'lang="en">' in first
        and 'class="summary-en" lang="en"' in first
        and 'class="title-zh"' in first
    )
    assert 'class="translation-link"' in html and "Read the English version" in html
    zh = client.get("/search?q=talent apartment&lang=zh").get_data(as_text=True)
    assert 'class="original-link"' in zh and "阅读中文原文" in zh
    # a query typed in English reads English whatever the interface: a Chinese policy shows its
    # English title and summary, with the Chinese title under it
    chinese = [r for r in re.findall(r'<li class="result".*?</li>', zh, re.S) if "title-zh" in r]
    assert chinese and all('class="summary-en" lang="en"' in r for r in chinese if "summary" in r)
    assert "title-zh" not in client.get("/search?q=人才公寓&lang=zh").get_data(as_text=True)


def test_search_box_is_an_enhanced_plain_form(client):
    html = client.get("/search?q=人才&lang=zh").get_data(as_text=True)
    assert re.search(
        r'<form id="search-form" class="search-form" role="search" action="/search" method="get"',
        html,
    )
    assert 'data-suggest-url="/api/suggest"' in html and '<ul id="suggestions"' in html
    assert '<label for="q"' in html and 'id="q" name="q"' in html
    assert '<script src="/static/suggest.js" defer></script>' in html
    js = client.get("/static/suggest.js")
    assert js.status_code == 200 and "javascript" in js.mimetype
    source = js.get_data(as_text=True)
    for needle in (
        "aria-expanded",
        "aria-activedescendant",
        "ArrowDown",
        "ArrowUp",
        "Escape",
        "Enter",
        "setTimeout",
        'role", "combobox',
    ):
        assert needle in source
    js.close()


def test_zero_results_offer_help(client, tax):
    html = client.get("/search?q=xyzzyplugh&lang=zh").get_data(as_text=True)
    block = re.search(r'<div class="empty" id="no-results">.*', html, re.S).group(0)
    assert "没有找到相关政策" in block and "12345" in block and 'href="tel:12345"' in block
    assert "与您的问题相近的政策服务包" in block and 'href="/packages/' in block
    for slug in tax.communities:  # no community named: every community's service station, compactly
        station = tax.regions[slug].facts["service_stations"][0]
        assert station["name_zh"] in block and station["phone"] in block
    assert 'class="stations compact"' in block


def test_zero_results_in_a_community_show_its_service_stations(client, tax):
    html = client.get("/search?q=xyzzyplugh&region=huairou&lang=en").get_data(as_text=True)
    stations = tax.regions["huairou"].facts["service_stations"]
    assert "Service stations in Huairou Science City" in html
    for s in stations:
        assert s["name_en"] in html and s["phone"] in html
    assert tax.regions["wangjing"].facts["service_stations"][0]["name_en"] not in html
    assert "Search again without the filters" in html
    # a community named in the words (怀柔) rather than as a filter
    html = client.get("/search?q=怀柔 xyzzyplugh&year=1990&lang=zh").get_data(as_text=True)
    assert 'id="no-results"' in html and stations[0]["name_zh"] in html


def test_did_you_mean_on_an_empty_page(client):
    html = client.get("/search?q=schol xyzzy&lang=en").get_data(as_text=True)
    assert 'id="no-results"' in html and 'id="did-you-mean"' in html
    assert "school xyzzy" in html
    # a long word one edit from a single word of the documents is searched as that word
    html = client.get("/search?q=apartmnt xyzzy&lang=en").get_data(as_text=True)
    assert 'id="searched-for"' in html and 'id="no-results"' not in html


# ---- the policy page ------------------------------------------------------------------------


def test_policy_page_highlights_the_query_and_escapes(client):
    first = client.get("/api/search?q=人才公寓").get_json()["results"][0]
    html = client.get(f"/policies/{first['id']}?q=人才公寓&lang=zh").get_data(as_text=True)
    text = html[html.index('id="fulltext"') :]
    assert text.count("<mark>人才公寓</mark>") >= 2 and "处与检索词相符" in text
    assert "返回“人才公寓”的检索结果" in html
    hostile = client.get(f"/policies/{first['id']}?q=<script>alert(1)</script>&lang=en").get_data(
        as_text=True
    )
    assert "<script>alert" not in hostile and "&lt;script&gt;" in hostile
    plain = client.get(f"/policies/{first['id']}?lang=zh").get_data(as_text=True)
    assert "<mark>" not in plain
    # result links carry the query to the policy page, and their rank (a click is counted)
    results = client.get("/search?q=人才公寓&lang=zh").get_data(as_text=True)
    assert (
        f'href="/policies/{first["id"]}?q=%E4%BA%BA%E6%89%8D%E5%85%AC%E5%AF%93&amp;rank=1"'
        in results
    )


def test_policy_page_links_its_family(client):
    expired = client.get("/api/search?q=&status=expired").get_json()["results"][0]
    doc = client.get(f"/api/policies/{expired['id']}").get_json()
    [link] = [x for x in doc["links"] if x["rel"] == "replaced_by"]
    html = client.get(f"/policies/{expired['id']}?lang=zh").get_data(as_text=True)
    assert "本政策已失效，现行替代文件为：" in html and "已被替代" in html
    target = client.get("/api/search", query_string={"q": ""}).get_json()  # ids are sha1 of the URL
    from indexer.model import doc_id

    assert f'href="/policies/{doc_id(link["url"])}"' in html and target
    translation = client.get("/api/search?q=&lang=en&per_page=50").get_json()["results"]
    tr = next(r for r in translation if r["kind"] == "translation")
    orig = next(
        x
        for x in client.get(f"/api/policies/{tr['id']}").get_json()["links"]
        if x["rel"] == "original"
    )
    zh_html = client.get(f"/policies/{doc_id(orig['url'])}?lang=en").get_data(as_text=True)
    assert (
        f'class="translation-link" href="/policies/{tr["id"]}"' in zh_html
        and "English version" in zh_html
    )
    assert 'id="sheet-link"' in zh_html and 'id="source-link"' in zh_html


# ---- quality: landmarks, labels, no inline script, no internet assets ---------------------------

PAGES = [
    "/",
    "/search?q=人才公寓",
    "/search?q=xyzzyplugh",
    "/packages/wangjing",
    "/packages/huairou/livable",
    "/sheet",
    "/policies/nope",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_have_landmarks_labels_and_no_inline_script(client, url):
    sep = "&" if "?" in url else "?"
    r = client.get(f"{url}{sep}lang=en")
    html = r.get_data(as_text=True)
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html, landmark
    assert re.search(r'<body>\s*<a class="skip" href="#main">', html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert not re.search(
        r'(src|href)="(https?:)?//(?!sample\.policy-index\.example)[^"]*\.(js|css|woff2?)"', html
    )
    for m in re.finditer(r"<input\b[^>]*>", html):
        tag = m.group(0)
        if 'type="hidden"' in tag:
            continue
        ident = re.search(r'\bid="([^"]+)"', tag)
        labelled = "aria-label=" in tag or (ident and f'for="{ident.group(1)}"' in html)
        wrapped = html.rfind("<label", 0, m.start()) > html.rfind("</label>", 0, m.start())
        assert labelled or wrapped, tag
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
