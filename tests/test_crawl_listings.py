"""Listing strategies against emulated CMSs on 127.0.0.1: every document of every site is reached,
not only page one; a re-crawl of an unchanged 1,000-document site fetches fewer than 50 pages."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

import cms
from indexer import pipeline, settings
from indexer.listings import configure
from indexer.sources import Source, load_sources
from indexer.store import DocumentStore


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    monkeypatch.setenv("POLICY_INDEX_CRAWL_DELAY", "0")
    monkeypatch.setenv("POLICY_INDEX_TIMEOUT", "2")


def source(site, strategy: str, starts: list[str], **params) -> Source:
    return Source(name=f"emulated-{strategy}", urls=[site.base + p for p in starts],
                  allowed_hosts={"127.0.0.1"}, strategy=strategy,
                  listing=configure(strategy, params))  # fmt: skip


def crawl(tmp_path, src: Source, **kw):
    paths = settings.DataPaths(tmp_path / "data")
    report = pipeline.crawl(settings.for_data(paths.root), [src], progress=False, **kw)[0]
    with DocumentStore(paths.store) as store:
        urls = {d.url for d in store.iter_documents()}
    return report, urls


def test_trs_pages_written_only_by_create_page_html(http_site, tmp_path):
    docs = cms.trs(http_site, "/zhengce/zhengcefagui/", list(range(20, 0, -1)), per_page=4)
    report, stored = crawl(tmp_path, source(http_site, "trs", ["/zhengce/zhengcefagui/"]))
    assert stored == set(docs) and len(docs) == 20, report.line()
    assert report.listings == 5 and not report.failed and not report.problems
    assert "/about/" not in http_site.hits  # navigation is not a document of the listing


def test_trs_numbered_pages_without_a_script_end_at_the_first_missing(http_site, tmp_path):
    docs = cms.trs(http_site, "/n741440/n741547/", list(range(11)), per_page=4,
                   doc=lambda n: f"c{1500000 + n}/content.html", prefix="index_753309")  # fmt: skip
    src = source(http_site, "trs", ["/n741440/n741547/index.html"],
                 documents=r"/c\d+/content\.html$", prefix="index_753309")  # fmt: skip
    report, stored = crawl(tmp_path, src)
    assert stored == set(docs) and report.listings == 3 and not report.failed, report.failed
    assert "/n741440/n741547/index_753309_3.html" in http_site.hits  # the probe that ended it


def test_hanweb_datastore_and_dataproxy(http_site, tmp_path):
    docs = cms.hanweb(http_site, total=40, shown=15)
    report, stored = crawl(tmp_path, source(http_site, "hanweb", ["/col/col1234/index.html"],
                                            group=15))  # fmt: skip
    assert stored == set(docs) and len(docs) == 40, (report.line(), report.failed)
    assert report.listings == 3  # the column page and two dataproxy groups (16-30, 31-45)
    assert sum(h.startswith("/module/web/jpage/dataproxy.jsp") for h in http_site.hits) == 2


def test_json_api_grouped_by_category(http_site, tmp_path):
    docs = cms.json_api(http_site, "/search-gov/data", total=45)
    src = source(http_site, "json", [], page_size=10,
                 url=http_site.base + "/search-gov/data?t=zhengcelibrary_gw&p={page}&n={size}",
                 items="searchVO.catMap.*.listVO[]", date_field="pubtimeStr")  # fmt: skip
    report, stored = crawl(tmp_path, src)
    assert stored == set(docs) and len(docs) == 45, (report.line(), report.failed)
    assert report.listings == 6  # five pages of items, the sixth empty ends it


def test_json_api_posted_page_numbers(http_site, tmp_path):
    docs = cms.json_api(http_site, "/api/list", total=12, post=True)
    src = source(http_site, "json", [], url=http_site.base + "/api/list", items="data.list",
                 method="POST", body={"pageNum": "{page}", "pageSize": "{size}"},
                 page_size=5)  # fmt: skip
    report, stored = crawl(tmp_path, src)
    assert stored == set(docs) and report.listings == 4, (report.line(), report.failed)


def test_sitemaps_announced_in_robots_and_gzipped(http_site, tmp_path):
    docs = cms.sitemaps(http_site, total=30)
    report, stored = crawl(tmp_path, source(http_site, "sitemap", ["/"]))
    assert stored == set(docs), (report.line(), report.failed)
    assert report.listings == 3  # the index and its two sitemaps


def test_feed_pages(http_site, tmp_path):
    docs = cms.feed(http_site, total=25, per_page=10)
    report, stored = crawl(tmp_path, source(http_site, "feed", ["/feed.xml"]))
    assert stored == set(docs) and report.listings == 3, (report.line(), report.failed)


def test_links_finds_script_pagination_datastores_and_robots_sitemaps(http_site, tmp_path):
    docs = cms.plain(http_site)
    src = Source(name="plain", urls=[http_site.base + "/"], allowed_hosts={"127.0.0.1"})
    report, stored = crawl(tmp_path, src)
    assert stored == set(docs) and len(docs) == 12, (report.line(), report.failed)


def test_bad_listings_are_reported_and_the_rest_is_kept(http_site, tmp_path):
    docs = cms.json_api(http_site, "/search-gov/data", total=8)
    broken = (200, {"Content-Type": "application/json"}, b'{"searchVO": {"catMap": ')
    http_site.add_prefix("/broken.json", lambda req: broken)
    http_site.add("/feed.xml", "<html><body>系统维护中</body></html>", ctype="application/xml")
    good = source(http_site, "json", [], page_size=5, items="searchVO.catMap.*.listVO[]",
                  url=http_site.base + "/search-gov/data?p={page}&n={size}")  # fmt: skip
    report, stored = crawl(tmp_path, good)
    assert stored == set(docs)
    bad = source(http_site, "json", [], url=http_site.base + "/broken.json?p={page}",
                 items="searchVO.catMap.*.listVO[]")  # fmt: skip
    report, stored = crawl(tmp_path, bad)
    assert stored == set(docs)  # what the earlier crawl stored is kept
    ((url, reason),) = report.failed
    assert url.startswith(http_site.base + "/broken.json") and "bad JSON" in reason
    report, _ = crawl(tmp_path, source(http_site, "feed", ["/feed.xml", "/missing.xml"]))
    reasons = dict(report.failed)
    assert "not a readable feed" in reasons[http_site.base + "/feed.xml"]
    assert reasons[http_site.base + "/missing.xml"] == "listing page: HTTP 404"


def test_listings_obey_robots_and_hosts(http_site, tmp_path):
    cms.trs(http_site, "/open/", list(range(6)), per_page=3)
    cms.trs(http_site, "/closed/", list(range(100, 103)), per_page=3)
    http_site.add("/robots.txt", "User-agent: *\nDisallow: /closed/\nDisallow: /open/2024\n",
                  ctype="text/plain")  # fmt: skip
    report, stored = crawl(tmp_path, source(http_site, "trs", ["/open/", "/closed/"]))
    assert not stored and report.listings == 2
    reasons = dict(report.failed)
    assert reasons[http_site.base + "/closed/"] == "listing page: disallowed by robots.txt"
    assert reasons[http_site.base + "/open/202401/t20240101_0.html"] == "disallowed by robots.txt"
    assert not any(h.startswith(("/closed", "/open/2024")) for h in http_site.hits)


def test_the_page_limit_holds_and_the_next_crawl_catches_up(http_site, tmp_path):
    docs = cms.trs(http_site, "/list/", list(range(30, 0, -1)), per_page=5)
    src = source(http_site, "trs", ["/list/"])
    counts, skipped = [], []
    for _ in range(4):  # each crawl fetches 12 pages; stored documents are not fetched again
        report, stored = crawl(tmp_path, src, max_pages=12)
        counts.append(len(stored))
        skipped.append(report.not_rechecked)
    assert counts == [10, 18, 25, 30] and skipped == [0, 10, 18, 25]
    assert stored == set(docs)
    http_site.hits.clear()  # that walk reached the end: the next one re-checks page one and stops
    report, _ = crawl(tmp_path, src, max_pages=12)
    assert report.unchanged == 5 and report.stopped_early == 1 and len(http_site.hits) == 7
    oldest_first = dataclasses.replace(src, newest_first=False)  # never stops early
    report, _ = crawl(tmp_path, oldest_first, max_pages=100)
    assert report.unchanged == 30 and report.stopped_early == 0 and report.listings == 6


@pytest.mark.slow  # the first crawl stores 1,000 documents (about 20 s)
def test_recrawl_of_an_unchanged_1000_document_site_fetches_fewer_than_50_pages(
    http_site, tmp_path
):
    numbers = list(range(1000, 0, -1))  # newest first, 20 a page: 50 listing pages
    docs = cms.trs(http_site, "/big/", numbers, per_page=20)
    src = source(http_site, "trs", ["/big/"])
    first, stored = crawl(tmp_path, src, max_pages=2000)
    assert stored == set(docs) and first.new == 1000 and first.listings == 50
    http_site.hits.clear()
    again, stored = crawl(tmp_path, src, max_pages=2000)
    assert len(http_site.hits) < 50, http_site.hits
    assert len(http_site.hits) == 22  # robots.txt, page one, its 20 documents
    assert (again.new, again.changed, again.unchanged, again.stopped_early) == (0, 0, 20, 1)
    assert len(stored) == 1000
    # One new document on top shifts every page: page one has something new, page two is the
    # first with nothing new, and the walk stops after it.
    cms.trs(http_site, "/big/", [1001] + numbers, per_page=20)
    http_site.hits.clear()
    third, stored = crawl(tmp_path, src, max_pages=2000)
    assert third.new == 1 and third.stopped_early == 1 and len(stored) == 1001
    assert len(http_site.hits) == 43, http_site.hits  # robots, 2 pages, 20 + 20 documents
    http_site.hits.clear()
    full, _ = crawl(tmp_path, src, max_pages=2000, full=True)
    assert full.listings == 51 and full.unchanged == 1001 and full.stopped_early == 0


# ---- the bundled sources, each against an emulation of its CMS ---------------------------------

BUNDLED = [s for s in load_sources(settings.POLICIES_DIR / "sources.yaml") if s.urls]


def _path(url: str) -> str:
    parts = url.split("/", 3)
    return "/" + (parts[3] if len(parts) > 3 else "")


def _emulate(site, src: Source) -> tuple[Source, list[str]]:
    """The source pointed at 127.0.0.1, and an emulation of its CMS at its own paths."""
    params = dict(src.listing)
    docs: list[str] = []
    if src.strategy == "json":
        path = _path(params["url"].split("?")[0])
        docs = cms.json_api(site, path, total=27)
        params["url"] = site.base + _path(params["url"])
        params["page_size"] = 10
    for i, start in enumerate(src.urls):
        path = _path(start)
        first = 100 * (i + 1)
        if src.strategy == "trs" and params["prefix"]:
            folder = path.rsplit("/", 1)[0] + "/"
            docs += cms.trs(site, folder, list(range(first, first + 10)), per_page=4,
                            doc=lambda n: f"c{n}/content.html",
                            prefix=params["prefix"])  # fmt: skip
        elif src.strategy == "trs":
            suffix = "shtml" if "bjhd" in start else "html"
            docs += cms.trs(site, path, list(range(first + 9, first - 1, -1)), per_page=4,
                            doc=lambda n, s=suffix: cms.trs_name(n, s))  # fmt: skip
        elif src.strategy == "links":
            docs += cms.plain(site, path)
    urls = [site.base + _path(u) for u in src.urls]
    local = dataclasses.replace(src, urls=urls, allowed_hosts={"127.0.0.1"}, listing=params,
                                delay=0)  # fmt: skip
    return local, docs


@pytest.mark.parametrize("src", BUNDLED, ids=lambda s: s.name)
def test_every_bundled_source_reaches_every_document_of_its_emulated_cms(src, http_site, tmp_path):
    local, docs = _emulate(http_site, src)
    assert docs, f"no emulation for the {src.strategy} strategy of {src.name}"
    report, stored = crawl(tmp_path, local)
    assert stored == set(docs), (report.line(), report.failed, sorted(set(docs) - stored)[:5])
    assert report.listings >= 3 and not report.failed, report.line()


@pytest.mark.slow  # starts Chromium
def test_render_reads_a_listing_that_exists_only_after_its_script_runs(
    http_site, tmp_path, monkeypatch
):
    monkeypatch.setenv("POLICY_INDEX_RENDER", "1")
    docs = cms.rendered(http_site, total=14, per_page=5)
    http_site.add("/robots.txt", "User-agent: *\nDisallow: /doc/13.html\n", ctype="text/plain")
    src = source(http_site, "render", ["/list.html"], next="#next", pages=5,
                 documents=r"/doc/\d+\.html$", timeout=15)  # fmt: skip
    report, stored = crawl(tmp_path, src)
    assert stored == set(docs[:13]), (report.line(), report.failed)  # all but the disallowed one
    assert dict(report.failed) == {docs[13]: "disallowed by robots.txt"}
    assert report.listings == 1
    # The browser's own requests went through the Fetcher: three pages of items, no image.
    assert [h for h in http_site.hits if h.startswith("/api/items")] == [
        "/api/items?page=1", "/api/items?page=2", "/api/items?page=3"]  # fmt: skip
    assert "/logo.png" not in http_site.hits and "/track" not in http_site.hits
    monkeypatch.setenv("POLICY_INDEX_RENDER", "0")
    report, _ = crawl(tmp_path, src)
    assert report.failed[0][1].startswith("the render strategy is off")


def test_a_store_made_before_listing_kinds_resumes_its_frontier(tmp_path):
    path = tmp_path / "documents.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE frontier (source TEXT NOT NULL, url TEXT NOT NULL, depth INTEGER NOT "
               "NULL, done INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (source, url))")  # fmt: skip
    db.execute("INSERT INTO frontier VALUES ('s', 'http://127.0.0.1:9/a', 1, 0)")
    db.commit()
    db.close()
    with DocumentStore(path) as store:
        assert store.frontier_pending("s") == [("http://127.0.0.1:9/a", 1, "page", None, False)]
        store.frontier_add("s", "http://127.0.0.1:9/list_1.html", 2, "trs", "x", probe=True)
        assert store.frontier_pending("s")[1] == ("http://127.0.0.1:9/list_1.html", 2, "trs",
                                                  "x", True)  # fmt: skip
