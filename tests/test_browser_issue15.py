"""Issue 15 in a real headless Chromium: the page points as a new user met them (fixtures of
tests/test_browser.py: the served sample corpus, guarded contexts that fail on any request off
127.0.0.1 or any script error)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from test_browser import PHONE, browser, live, new_context, page, serve  # noqa: F401 (fixtures)

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
