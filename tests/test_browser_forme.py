"""The personal package in a real headless Chromium: the form filled and sent with JavaScript off
(the page needs none), the checklist it gives, its print view, in Chinese and English, and axe."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect  # noqa: E402
from test_browser import (  # noqa: F401  (fixtures used by name)
    DESKTOP,
    _axe_problems,
    browser,
    live,
)
from test_browser import new_context as new_context  # noqa: F401

pytestmark = pytest.mark.slow

LABELS = {
    "zh": {"submit": "生成我的服务包", "step1": "第1步：住房", "step2": "第2步：子女上学",
           "talent": "外籍人才", "housing": "住房", "school": "子女上学"},
    "en": {"submit": "Make my package", "step1": "Step 1: Housing",
           "step2": "Step 2: School for children", "talent": "Foreign talent",
           "housing": "Housing", "school": "School for children"},
}  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_form_to_checklist_to_print_without_javascript(new_context, lang):
    words = LABELS[lang]
    # JavaScript off: the form is a plain GET form, the checklist a plain page
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/for-me?lang={lang}")
    page.locator("#fm-region").select_option("huairou")
    page.get_by_label(words["talent"], exact=True).check()
    page.locator("#fm-needs").get_by_label(words["school"], exact=True).check()
    page.locator("#fm-needs").get_by_label(words["housing"], exact=True).check()
    page.locator("#fm-children").fill("2")
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.locator("#checklist")).to_be_visible()
    args = parse_qs(urlsplit(page.url).query)  # the URL holds the whole profile
    assert args["region"] == ["huairou"] and args["who"] == ["foreign-talent"]
    assert sorted(args["needs"]) == ["housing", "school"] and args["children"] == ["2"]
    steps = page.locator(".step h3")
    expect(steps).to_have_count(2)
    expect(steps.nth(0)).to_have_text(words["step1"])  # the order a person acts in
    expect(steps.nth(1)).to_have_text(words["step2"])
    assert page.locator("#step-school .step-policies li").count() > 0
    assert page.locator("#step-housing .step-guide").count() > 0
    assert page.locator("#step-housing .step-conditions cite").count() > 0
    # the same URL bookmarked or sent: the form comes back filled in
    again = new_context(java_script_enabled=False).new_page()
    again.goto(page.url)
    expect(again.locator("#fm-children")).to_have_value("2")
    expect(again.locator("#fm-needs input[value=school]")).to_be_checked()
    # print view: the form and the site chrome go, the checklist stays
    page.emulate_media(media="print")
    expect(page.locator("#for-me-form")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("#checklist .step").first).to_be_visible()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_form_and_the_checklist_pass_axe(new_context, lang):
    page = new_context(viewport=DESKTOP).new_page()
    axe = Axe()
    problems = {}
    for name, url in {
        "form": f"/for-me?lang={lang}",
        "checklist": f"/for-me?region=huairou&who=foreign-talent&needs=school,housing,green"
        f"&children=2&spouse=1&lang={lang}",
    }.items():
        page.goto(url)
        bad, other = _axe_problems(page, axe)
        problems[name] = bad
        for line in other:
            print(f"axe {lang} for-me {name}: {line}")
    assert not any(problems.values()), problems
