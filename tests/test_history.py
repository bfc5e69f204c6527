"""Staying current, end to end: a loopback site whose pages change between two crawls (a text edit,
a field change, a page removed, a status change to superseded, a new page) -> versions, diffs, gone
documents still findable, Atom feeds read by a real parser, conditional GET, package health."""

from __future__ import annotations

import datetime as dt
import json
import re

import feedparser
import pytest
from click.testing import CliRunner

from indexer.history import BEIJING
from indexer.store import DocumentStore
from search_app import create_app
from search_app.cli import main
from search_app.feeds import entry_id

UNKNOWN = "0123456789abcdef"


@pytest.fixture(scope="module")
def app(changed_site):
    return create_app(changed_site.paths.root, {"TESTING": True, "API_RATE_LIMIT": ""})


@pytest.fixture()
def c(app):
    return app.test_client()


def test_the_second_crawl_reports_each_kind_of_change(changed_site):
    first, second = changed_site.reports
    assert (first.new, first.changed, first.gone) == (5, 0, 0)
    assert (second.new, second.changed, second.unchanged, second.gone) == (1, 3, 1, 1)
    assert not second.failed  # a page that went is gone, not a failure


def test_every_change_is_a_version_and_history_is_kept(changed_site):
    ids = changed_site.ids
    with DocumentStore(changed_site.paths.store) as store:
        got = {
            k: [(v.n, v.event, v.changes) for v in store.history.versions(i)]
            for k, i in ids.items()
        }
        text_v1 = store.history.version(ids["text"], 1).body["text"]
        text_v2 = store.history.version(ids["text"], 2).body["text"]
        gone = store.get(ids["gone"])
    assert got == {
        "text": [(1, "new", []), (2, "changed", ["text"])],
        "field": [(1, "new", []), (2, "changed", ["agency"])],
        "gone": [(1, "new", []), (2, "gone", ["gone"])],
        "status": [(1, "new", []), (2, "changed", ["status", "text", "links"])],
        "expiring": [(1, "new", [])],
        "new": [(1, "new", [])],
    }
    assert "八折" in text_v1 and "七折" in text_v2  # the earlier text is kept, not overwritten
    assert gone is not None and gone.gone_on == dt.datetime.now(BEIJING).date().isoformat()


def test_versions_api_lists_and_serves_each_version(c, changed_site):
    ids = changed_site.ids
    listed = c.get(f"/api/policies/{ids['field']}/versions").get_json()
    assert [v["n"] for v in listed["versions"]] == [2, 1] and listed["count"] == 2
    newest = listed["versions"][0]
    assert newest["changes"] == ["agency"] and newest["event"] == "changed"
    assert re.fullmatch(r"[0-9a-f]{40}", newest["content_hash"])
    assert newest["fetched_at"].endswith("+08:00")
    one = c.get(f"/api/policies/{ids['field']}/versions/2").get_json()
    assert one["fields"] == {
        "agency": {
            "from": "北京市住房和城乡建设委员会",
            "to": "北京市住房和城乡建设委员会、北京市财政局",
        }
    }
    assert one["document"]["agency"] == "北京市住房和城乡建设委员会、北京市财政局"
    assert "text" in one["document"] and one["previous"] == 1
    first = c.get(f"/api/policies/{ids['field']}/versions/1").get_json()
    assert first["document"]["agency"] == "北京市住房和城乡建设委员会" and first["previous"] is None
    status = c.get(f"/api/policies/{ids['status']}/versions/2").get_json()
    assert status["status_change"] == {"from": "in_force", "to": "expired"}
    gone = c.get(f"/api/policies/{ids['gone']}/versions").get_json()
    assert gone["gone_on"] and gone["versions"][0]["event"] == "gone"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/api/policies/{UNKNOWN}/versions", 404),
        (f"/api/policies/{UNKNOWN}/versions/1", 404),
        ("/api/policies/ID/versions/3", 404),
        ("/api/policies/ID/versions/0", 400),
        ("/api/policies/ID/versions/abc", 400),
        ("/api/policies/ID/versions/%EF%BC%91", 400),
        ("/api/policies/ID/versions/99999999999999999999", 400),
    ],
)
def test_versions_api_answers_json_errors(c, changed_site, path, status):
    r = c.get(path.replace("ID", changed_site.ids["text"]))
    assert r.status_code == status and r.is_json and r.get_json()["error"]


def test_a_gone_policy_stays_findable_labelled_and_out_of_packages(c, changed_site):
    gone_id = changed_site.ids["gone"]
    found = c.get("/api/search?q=人才公寓申请服务指引").get_json()["results"]
    hit = next(r for r in found if r["id"] == gone_id)
    assert hit["gone_on"] and all(r["gone_on"] is None for r in found if r["id"] != gone_id)
    listed = c.get("/api/packages/huairou/livable").get_json()
    ids = {p["id"] for p in listed["policies"]}
    assert gone_id not in ids and changed_site.ids["status"] not in ids
    assert changed_site.ids["text"] in ids and changed_site.ids["new"] in ids
    page = c.get(f"/policies/{gone_id}?lang=zh").text
    assert "已下线" in page and "来源网站已无法找到该页面" in page
    en = c.get("/search?q=人才公寓&lang=en").text
    assert en.count("Gone from source") == 1
    # below the policies still published: the gone one is not first for its own title's words
    ranked = c.get("/api/search?q=人才公寓").get_json()["results"]
    assert ranked[-1]["id"] in (gone_id, changed_site.ids["status"])


def test_policy_page_shows_updated_on_and_a_readable_diff(c, changed_site):
    ids = changed_site.ids
    html = c.get(f"/policies/{ids['text']}?lang=zh").text
    today = dt.datetime.now(BEIJING).date().isoformat()
    assert f"{today} 更新" in html and "历史版本：共 2 版" in html
    latest = html.split('id="latest-change"', 1)[1].split("</section>", 1)[0]
    assert "<ins>" in latest and "<del>" in latest
    assert re.search(
        r"<ins><span class=\"visually-hidden\">\[新增： </span>第三条 申请人应当提交", latest
    )
    assert re.search(r"<del><span class=\"visually-hidden\">\[删除： </span>八", latest)
    html = c.get(f"/policies/{ids['field']}?lang=en").text
    table = html.split('class="meta diff-fields"', 1)[1].split("</table>", 1)[0]
    assert "Issuing agency" in table and "Before (version 1)" in table
    assert "北京市财政局" in table.split('class="new"', 1)[1]


def test_version_pages_in_both_languages(c, changed_site):
    ids = changed_site.ids
    listing = c.get(f"/policies/{ids['status']}/versions?lang=en").text
    assert "Version 2" in listing and "Superseded" not in listing  # the list reads no bodies
    assert "Expired" in listing and "Status" in listing
    page = c.get(f"/policies/{ids['status']}/versions/2?lang=zh").text
    assert "第 2 版" in page and "已被替代" in page and "有效性：现行有效 → 已失效" in page
    assert 'rel="prev"' in page and 'rel="next"' not in page
    first = c.get(f"/policies/{ids['status']}/versions/1?lang=en").text
    assert "Full text as first recorded" in first and 'rel="next"' in first
    assert c.get(f"/policies/{ids['status']}/versions/7").status_code == 404
    assert c.get(f"/policies/{ids['status']}/versions/x").status_code == 400
    assert c.get(f"/policies/{UNKNOWN}/versions").status_code == 404


def test_diff_escapes_what_documents_say(tmp_path):
    from conftest import build_index, make_doc, put
    from indexer import settings
    from indexer.build import build

    paths = settings.DataPaths(tmp_path / "data")
    hostile = '<img src=x onerror="alert(1)">'
    build_index(paths, [make_doc(1, text="第一条 原文。")])
    with DocumentStore(paths.store) as store:
        put(store, make_doc(1, text=f"第一条 原文{hostile}。", agency=f"局{hostile}"))
        build(store, paths.index_root, paths.lock)
    c = create_app(paths.root, {"TESTING": True}).test_client()
    doc_id = make_doc(1).id
    for url in (f"/policies/{doc_id}", f"/policies/{doc_id}/versions/2", "/feeds/all.atom"):
        body = c.get(url).text
        assert "<img" not in body and "&lt;img" in body, url


def _feed(c, url, **headers):
    r = c.get(url, headers=headers)
    assert r.status_code == 200 and r.mimetype == "application/atom+xml", (url, r.status_code)
    feed = feedparser.parse(r.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return r, feed


def test_feeds_are_valid_atom_newest_first_with_stable_ids(c, changed_site):
    ids = changed_site.ids
    r, feed = _feed(c, "/feeds/all.atom?lang=en")
    entries = [(e.id, e.title) for e in feed.entries]
    assert [e for e in entries[:5]] == [
        (entry_id(ids["new"], 1), "Newly listed: 北京市人才公寓管理办法"),
        (entry_id(ids["status"], 2), "Superseded: 北京市人才公寓管理暂行办法"),
        (entry_id(ids["gone"], 2), "Gone from its source: 北京市人才公寓申请服务指引（试行）"),
        (entry_id(ids["field"], 2), "Changed: 北京市人才公寓租金补贴实施细则"),
        (entry_id(ids["text"], 2), "Changed: 北京市人才公寓配租管理办法"),
    ]
    assert len(entries) == 10 and all(t.startswith("Newly listed: ") for _, t in entries[5:])
    times = [e.updated_parsed for e in feed.entries]
    assert times == sorted(times, reverse=True)
    by_id = {e.id: e for e in feed.entries}
    assert "Status: in force → expired." in by_id[entry_id(ids["status"], 2)].summary
    assert (
        "Issuing agency: 北京市住房和城乡建设委员会 → 北京市住房和城乡建设委员会、北京市财政局"
        in (by_id[entry_id(ids["field"], 2)].summary)
    )
    content = by_id[entry_id(ids["text"], 2)].content[0].value  # the diff, marked up
    assert re.search(r"<del><span[^>]*>\[removed: </span>八", content), content
    assert re.search(r"<ins><span[^>]*>\[added: </span>七", content), content
    assert by_id[entry_id(ids["text"], 2)].link.endswith(f"/policies/{ids['text']}/versions/2")
    # the same entries keep their ids in Chinese
    _, zh = _feed(c, "/feeds/all.atom?lang=zh")
    assert [e.id for e in zh.entries] == [e for e, _ in entries]
    assert zh.entries[1].title == "已被替代：北京市人才公寓管理暂行办法"
    assert zh.feed.language == "zh-CN"


def test_scoped_feeds_follow_their_community_package_and_search(c, changed_site):
    ids = changed_site.ids
    everything = {e.id for e in _feed(c, "/feeds/all.atom")[1].entries}
    # citywide policies belong to every community's package for their scene
    assert {e.id for e in _feed(c, "/feeds/communities/huairou.atom")[1].entries} == everything
    assert {e.id for e in _feed(c, "/feeds/packages/huairou/livable.atom")[1].entries} == everything
    assert _feed(c, "/feeds/packages/huairou/health.atom")[1].entries == []
    _, found = _feed(c, "/feeds/search.atom?q=租金补贴&lang=zh")
    assert {e.id for e in found.entries} == {entry_id(ids["field"], 2), entry_id(ids["field"], 1)}
    _, narrowed = _feed(c, "/feeds/search.atom?q=人才公寓&status=expired")
    assert {e.id for e in narrowed.entries} == {entry_id(ids["status"], n) for n in (1, 2)}


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/feeds/search.atom?region=mars", 400),
        ("/feeds/search.atom?per_page=0", 400),
        ("/feeds/search.atom?q=a&q=b", 400),
        ("/feeds/search.atom?q=%00", 400),
        ("/feeds/communities/mars.atom", 404),
        ("/feeds/communities/beijing.atom", 404),
        ("/feeds/packages/huairou/mars.atom", 404),
    ],
)
def test_feed_parameters_are_validated_like_the_search(c, url, status):
    assert c.get(url).status_code == status


def test_feeds_answer_conditional_gets(c):
    r, _ = _feed(c, "/feeds/packages/huairou/livable.atom")
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    assert (
        c.get("/feeds/packages/huairou/livable.atom", headers={"If-None-Match": etag}).status_code
        == 304
    )
    assert (
        c.get(
            "/feeds/packages/huairou/livable.atom", headers={"If-Modified-Since": modified}
        ).status_code
        == 304
    )
    assert (
        c.get(
            "/feeds/packages/huairou/livable.atom", headers={"If-None-Match": '"stale"'}
        ).status_code
        == 200
    )
    other = c.get("/feeds/packages/huairou/livable.atom?lang=en").headers["ETag"]
    assert other != etag  # the words differ by language, so does the tag


def test_pages_link_their_feeds(c):
    for page, feed in (
        ("/", "/feeds/all.atom"),
        ("/packages/huairou", "/feeds/communities/huairou.atom"),
        ("/packages/huairou/livable", "/feeds/packages/huairou/livable.atom"),
        ("/search?q=人才公寓&region=huairou&doclang=zh", "/feeds/search.atom?q="),
    ):
        for lang, words in (("zh", "订阅政策变更"), ("en", "Subscribe to changes")):
            html = c.get(f"{page}{'&' if '?' in page else '?'}lang={lang}").text
            head = html.split("</head>", 1)[0]
            assert re.search(
                rf'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
                rf'href="{re.escape(feed)}',
                head,
            ), (page, lang)
            assert words in html and 'class="feed-link"' in html, (page, lang)
    html = c.get("/search?q=人才公寓&region=huairou&doclang=zh").text
    href = re.search(r'class="feed-link" href="([^"]+)"', html).group(1)
    assert "region=huairou" in href and "lang=zh" in href and "doclang" not in href


def test_health_counts_packages_changes_expiry_and_sources(changed_site):
    r = CliRunner().invoke(main, ["health", "--json", "--data", str(changed_site.paths.root)])
    assert r.exit_code == 0, r.output
    h = json.loads(r.output)
    packages = {p["key"]: p for p in h["packages"]}
    assert len(packages) == 72
    livable = packages["huairou/livable"]
    assert {
        k: livable[k] for k in ("in_force", "expired", "unknown", "gone", "changed", "expiring")
    } == {"in_force": 4, "expired": 1, "unknown": 0, "gone": 1, "changed": 4, "expiring": 1}
    assert livable["trouble"] == ["gone", "expiring"]
    assert packages["huairou/health"]["trouble"] == ["thin"] and len(h["thin"]) == 64
    expiring = h["expiring"]
    assert [x["id"] for x in expiring] == [changed_site.ids["expiring"]]
    days = (dt.date.fromisoformat(expiring[0]["day"]) - dt.datetime.now(BEIJING).date()).days
    assert 0 <= days <= 90
    assert {(x["id"], x["what"]) for x in h["changed"]} == {
        (changed_site.ids[k], w)
        for k, w in (
            ("text", "changed"),
            ("field", "changed"),
            ("gone", "gone"),
            ("status", "changed"),
        )
    }
    (source,) = h["sources"]
    assert source["gone"] == 1 and source["failed"] == 0 and source["last_success"]
    assert source["trouble"] == ["gone"]
    text = CliRunner().invoke(main, ["health", "--data", str(changed_site.paths.root)]).output
    assert re.search(r"^huairou\s+4/1/0 GE~", text, re.M) and "Thin packages (64)" in text


def test_health_page_is_behind_the_operator_login(changed_site):
    from test_operator import login
    from werkzeug.security import generate_password_hash

    cfg = {
        "TESTING": True,
        "OPERATOR_USER": "ops",
        "SECRET_KEY": "s",
        "OPERATOR_PASSWORD_HASH": generate_password_hash("correct horse battery staple"),
    }
    c = create_app(changed_site.paths.root, cfg).test_client()
    r = c.get("/operator/health")
    assert r.status_code == 302 and "/operator/login" in r.headers["Location"]
    assert login(c).status_code == 302
    for lang, words in (
        ("zh", ("政策偏少", "已下线", "即将到期", "有页面下线")),
        ("en", ("thin", "1 gone", "1 expiring", "pages gone")),
    ):
        html = c.get(f"/operator/health?lang={lang}").text
        cell = re.search(r'<td class="trouble" data-key="huairou/livable">(.*?)</td>', html, re.S)
        assert cell and "4 · 1 · 0" in cell.group(1), lang
        assert words[1] in cell.group(1) and words[2] in cell.group(1)
        thin = re.search(r'<td class="trouble" data-key="huairou/health">(.*?)</td>', html, re.S)
        assert thin and words[0] in thin.group(1)
        source = re.search(r'<table class="meta" id="sources".*?</table>', html, re.S).group(0)
        assert '<tr class="trouble">' in source and words[3] in source  # in words too
    assert c.get("/operator/health").headers["Cache-Control"] == "no-store"


def test_crawl_exits_non_zero_with_one_line_when_a_source_fails_entirely(http_site, tmp_path):
    http_site.add("/", b"<html>down for maintenance</html>", status=503)
    data = str(tmp_path / "data")
    r = CliRunner().invoke(main, ["crawl", http_site.base + "/", "--delay", "0", "--data", data])
    assert r.exit_code == 1
    assert r.stderr.strip().count("\n") == 0 and "failed entirely" in r.stderr, r.stderr
    assert "HTTP 503" in r.stderr and "Traceback" not in r.stderr
    assert "fetched 0" in r.stdout  # the report line is still printed
