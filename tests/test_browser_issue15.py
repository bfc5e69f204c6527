"""Issue 15 in a real headless Chromium: the page points as a new user met them (fixtures of
tests/test_browser.py: the served sample corpus, guarded contexts that fail on any request off
127.0.0.1 or any script error)."""

# ruff: noqa: F811 (the fixtures of tests/test_browser.py are imported by name, then used)
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from test_browser import PHONE, browser, live, new_context, serve  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def _box(locator) -> dict:
    return locator.bounding_box()


# ---- 12. on a phone the filters are a button above the results --------------------------------


def test_12_phone_filters_fold_behind_a_button_above_the_results(new_context):
    phone = new_context(viewport=PHONE).new_page()
    phone.goto("/search?q=人才公寓&lang=zh")
    toggle = phone.locator("#filters > summary")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_text(re.compile("筛选"))
    first = phone.locator("li.result").first
    assert _box(toggle)["y"] < _box(first)["y"]  # above the results
    expect(phone.locator("#facet-region")).to_be_hidden()  # folded
    toggle.click()
    expect(phone.locator("#facet-region")).to_be_visible()
    phone.locator("#facet-region a").first.click()
    expect(phone).to_have_url(re.compile(r"region="))

    # without JavaScript the button works the same
    bare = new_context(viewport=PHONE, java_script_enabled=False, locale="en-US").new_page()
    bare.goto("/search?q=talent+apartment&lang=en")
    expect(bare.locator("#filters > summary")).to_have_text(re.compile("Filters"))
    expect(bare.locator("#facet-scenario")).to_be_hidden()
    bare.locator("#filters > summary").click()
    expect(bare.locator("#facet-scenario")).to_be_visible()

    # on a wide screen they are a column beside the results, unfolded
    wide = new_context().new_page()
    wide.goto("/search?q=人才公寓&lang=zh")
    expect(wide.locator("#facet-region")).to_be_visible()
    assert _box(wide.locator("#facet-region"))["x"] < _box(wide.locator("li.result").first)["x"]


# ---- 6. symbols only -------------------------------------------------------------------------


def test_6_symbols_only_say_there_is_nothing_to_search(new_context):
    page = new_context().new_page()
    page.goto("/?lang=zh")
    page.locator("#q").fill("😀")
    page.locator("#q").press("Enter")
    expect(page.locator("#no-words")).to_contain_text("没有可检索的词语")
    expect(page.locator("li.result")).to_have_count(0)
    expect(page.locator("#filters")).to_have_count(0)  # no facets of "everything" either


# ---- 8. past the last page -------------------------------------------------------------------


def test_8_past_the_last_page_links_the_last_page(new_context):
    page = new_context().new_page()
    page.goto("/search?q=人才公寓&page=50&lang=zh")
    expect(page.locator("#past-end")).to_contain_text("没有第50页")
    expect(page.locator("#no-results")).to_have_count(0)
    page.locator('#past-end a[rel="last"]').click()
    expect(page.locator("li.result").first).to_be_visible()
    expect(page.locator('.pager [aria-current="page"]')).to_be_visible()
    assert page.locator('.pager a[rel="next"]').count() == 0  # it is the last page


# ---- 9. a GB2312 sample page reads as Chinese --------------------------------------------------


def test_9_a_gb2312_sample_page_shows_chinese_not_mojibake(new_context):
    page = new_context().new_page()
    page.goto("/samples/tongzhou/tongzhou-talent-apartment-trial-2020.html")
    body = page.locator("body").inner_text()
    assert "人才公寓" in body and "�" not in body and "ÈË" not in body
    assert page.evaluate("document.characterSet").lower() == "gb18030"


# ---- 10. one name per agency and community ------------------------------------------------------


def test_10_facet_names_in_the_interface_language(new_context):
    page = new_context(locale="en-US").new_page()
    page.goto("/search?q=签证&lang=en")
    agencies = page.locator("#facet-agency li a").all_inner_texts()
    assert "National Immigration Administration" in agencies and "国家移民管理局" not in agencies
    page.get_by_role("link", name="National Immigration Administration", exact=True).click()
    titles = page.locator("li.result .badge.lang").all_inner_texts()
    assert {"Chinese", "English"} <= set(titles)  # the agency's pages in both languages
    page.goto("/packages/bda?lang=zh")
    expect(page.locator("main")).not_to_contain_text("北京经开区")


# ---- 7 and 11. a package as a clerk reads it; English readers ---------------------------------


def test_7_the_community_own_policy_heads_the_package(new_context):
    page = new_context().new_page()
    page.goto("/packages/huairou/education?lang=zh")
    first = page.locator("ol.result-list > li.result").first
    expect(first.locator("h3")).to_have_text("怀柔科学城科研人才子女教育服务保障实施办法")
    expect(first.locator(".companions li")).to_contain_text(["政策解读"])
    page.goto("/packages/wangjing/livable?lang=zh")
    first = page.locator("ol.result-list > li.result").first
    expect(first.locator("h3 a")).to_have_attribute("href", re.compile("/policies/"))
    assert first.locator("h3 a").get_attribute("lang") is None  # Chinese, in a Chinese page
    expect(first.locator(".companions .badge.kind")).to_contain_text(["英文译文"])


def test_11_english_package_reads_english_first_and_marks_chinese_only(new_context):
    page = new_context(locale="en-US").new_page()
    page.goto("/packages/wangjing/livable?lang=en")
    first = page.locator("ol.result-list > li.result").first
    expect(first.locator("h3 a")).to_have_attribute("lang", "en")
    expect(first.locator(".badge.chinese-only")).to_have_count(0)
    expect(first.locator(".companions li").first).to_contain_text("English translation")
    expect(page.locator(".badge.chinese-only").first).to_have_text("Chinese only")
    page.goto("/search?q=talent+apartment&lang=en")
    result = page.locator("li.result", has=page.locator(".summary-en")).first
    expect(result.locator(".snippet")).to_have_count(0)


# ---- 13. a citation line never starts with a dot -----------------------------------------------


def test_13_no_citation_line_starts_with_a_dot(new_context):
    page = new_context().new_page()
    page.goto("/search?q=政策解读&lang=zh")
    cites = page.locator("li.result .cite").all_inner_texts()
    assert cites and not [c for c in cites if c.strip().startswith("·") or c.strip().endswith("·")]


# ---- 14. the operator's table keeps a long query inside the page --------------------------------


def test_14_a_long_query_stays_inside_the_zero_result_table(new_context, small_data_factory):
    from test_operator import PASSWORD, make_app

    app = make_app(small_data_factory)
    long_q = "zqxwv" * 30  # found nowhere, and without a space to break at
    app.test_client().get("/api/search", query_string={"q": long_q})
    base, stop = serve(app)
    try:
        page = new_context(base=base, viewport=PHONE).new_page()
        page.goto("/operator/queries?days=1&lang=en")
        page.locator("#user").fill("ops")
        page.locator("#password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        cell = page.locator("#zero-queries td.query a").first
        expect(cell).to_have_attribute("title", long_q)
        table = page.locator("#zero-queries")
        width = page.evaluate("document.documentElement.clientWidth")
        assert _box(table)["x"] + _box(table)["width"] <= width + 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        stop()


@pytest.fixture()
def small_data_factory(small_data):
    from conftest import build_index, make_doc

    build_index(small_data, [make_doc(1, title="人才公寓申请指南")])
    return small_data
