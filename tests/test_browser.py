"""The pages in a real headless Chromium (Debian's, driven by Playwright): flows, keyboard, XSS,
axe-core, screenshots.

Chromium is /usr/bin/chromium (scripts/test.sh installs Debian's package when it is missing; no
browser is ever downloaded). The app is served for real on 127.0.0.1; every request to any other
host is blocked and counted, and a test fails if one was attempted. POLICY_INDEX_SKIP_BROWSER=1
skips this module, outside CI only.
"""

from __future__ import annotations

import io
import os
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import ROOT, build_index, make_doc
from search_app import create_app

if os.environ.get("POLICY_INDEX_SKIP_BROWSER") == "1" and not os.environ.get("CI"):
    pytest.skip(
        "POLICY_INDEX_SKIP_BROWSER=1: browser tests skipped on request", allow_module_level=True
    )

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

pytestmark = pytest.mark.slow  # see setup.cfg: `-m "not slow"` for the inner loop

CHROMIUM = Path(os.environ.get("POLICY_INDEX_CHROMIUM", "/usr/bin/chromium"))
# The flags a closed network needs: no background fetches, no component updates, no QUIC probes.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # without it a few anti-aliased pixels vary between runs, and the screenshots with them
    "--disable-partial-raster",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = ROOT / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
QUERY = "人才公寓"


# ---- fixtures: the browser, the served app, a guarded context ----------------------------------


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: scripts/test.sh installs Debian's chromium and fonts-noto-cjk "
            "(apt-get install chromium fonts-noto-cjk); "
            "POLICY_INDEX_SKIP_BROWSER=1 skips these tests locally"
        )
    with sync_playwright() as pw:
        # launch() gives every run a fresh temporary profile (user-data-dir) of its own.
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def serve(app):
    """The app on 127.0.0.1 (a free port) in a thread; returns (base URL, stop)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop():
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop


@pytest.fixture(scope="module")
def live(sample_data):
    # Searches from the browser stay out of the shared sample data's query log.
    app = create_app(sample_data.root, {"TESTING": True, "API_RATE_LIMIT": "", "QUERY_LOG": False})
    base, stop = serve(app)
    yield base
    stop()


class Guard:
    """What a context did that it must not: requests off 127.0.0.1, script errors,
    console errors, dialogs."""

    def __init__(self, ctx):
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        ctx.route("**/*", self._route)
        ctx.on("console", self._console)
        ctx.on("weberror", lambda e: self.errors.append(f"page error: {e.error}"))
        ctx.on("dialog", self._dialog)

    def _route(self, route):
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort("blockedbyclient")

    def _console(self, msg):
        # (base.html declares an empty icon, so Chromium does not ask for a /favicon.ico
        # that is not there)
        if msg.type == "error":
            self.errors.append(f"console: {msg.text} at {(msg.location or {}).get('url')}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def check(self):
        assert not self.blocked, f"requests to the internet were attempted: {self.blocked}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.errors, self.errors


@pytest.fixture()
def new_context(browser, live):
    """Makes guarded contexts (default: desktop, Chinese browser); each is checked and closed
    at the end."""
    made = []

    def make(base=live, viewport=DESKTOP, locale="zh-CN", **kw):
        ctx = browser.new_context(base_url=base, viewport=viewport, locale=locale, **kw)
        ctx.set_default_timeout(10_000)
        made.append((ctx, Guard(ctx)))
        return ctx

    yield make
    for ctx, _guard in made:
        ctx.close()
    for _ctx, guard in made:
        guard.check()


@pytest.fixture()
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="module")
def picks(sample_data):
    """Two results of the sample query, as the API gives them (ids, citations)."""
    app = create_app(sample_data.root, {"TESTING": True, "API_RATE_LIMIT": "", "QUERY_LOG": False})
    return app.test_client().get(f"/api/search?q={QUERY}&per_page=2").get_json()["results"]


def args_of(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def results_total(page) -> int:
    return int(re.search(r"\d+", page.locator("#h-results").inner_text()).group(0))


# ---- the guard itself can fail ------------------------------------------------------------------


def test_the_guard_blocks_and_reports_requests_off_loopback(browser, live):
    ctx = browser.new_context(
        base_url=live, bypass_csp=True
    )  # else the page's CSP stops the fetch first
    guard = Guard(ctx)
    page = ctx.new_page()
    page.goto("/?lang=zh")
    page.evaluate("fetch('http://192.0.2.1/x.js').catch(() => null)")
    page.evaluate("new Promise(r => setTimeout(r, 200))")
    ctx.close()
    assert guard.blocked == ["http://192.0.2.1/x.js"]
    with pytest.raises(AssertionError, match="internet"):
        guard.check()


# ---- (1) search, facets, sort, pages -----------------------------------------------------------


def test_search_facet_sort_and_pager_flow(page):
    page.goto("/?lang=zh")
    page.locator("#q").fill(QUERY)
    page.locator("#search-form").get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/search\?"))
    assert args_of(page)["q"] == [QUERY]
    expect(page.locator("li.result").first).to_be_visible()
    unfiltered = results_total(page)
    assert unfiltered > 10 and page.locator("li.result mark").count() > 0

    # a community facet: the query stays, results narrow to the community and its wider scopes
    page.locator("#facet-region").get_by_role("link", name="怀柔科学城", exact=True).click()
    expect(page).to_have_url(re.compile(r"region=huairou"))
    assert args_of(page)["q"] == [QUERY]
    filtered = results_total(page)
    assert 0 < filtered < unfiltered
    expect(page.locator("#facet-region li.active")).to_contain_text("怀柔科学城")
    expect(page.locator(".active-filters .chip")).to_contain_text("怀柔科学城")
    expect(page.locator("#q")).to_have_value(QUERY)
    for tags in page.locator("li.result .tags").all_inner_texts():
        assert re.search("怀柔科学城|北京市（全市）|国家层面", tags), tags

    page.locator("#facet-region .facet-remove").click()
    expect(page).not_to_have_url(re.compile(r"region="))
    assert args_of(page)["q"] == [QUERY] and results_total(page) == unfiltered

    # newest first
    page.locator("#sort").get_by_role("link", name="按发布日期").click()
    expect(page).to_have_url(re.compile(r"sort=date"))
    expect(page.locator('#sort strong[aria-current="true"]')).to_have_text("按发布日期")
    dates = page.locator("li.result .cite time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))"
    )
    assert len(dates) >= 5 and dates == sorted(dates, reverse=True)

    # the next page keeps the query and the order
    page.locator('nav.pager a[rel="next"]').click()
    expect(page).to_have_url(re.compile(r"page=2"))
    assert args_of(page)["q"] == [QUERY] and args_of(page)["sort"] == ["date"]
    expect(page.locator("ol.result-list")).to_have_attribute("start", "11")
    later = page.locator("li.result .cite time").evaluate_all(
        "els => els.map(e => e.getAttribute('datetime'))"
    )
    assert later and max(later) <= min(dates)


# ---- (2) the interface language ---------------------------------------------------------------


def test_language_switch_is_remembered(new_context):
    ctx = new_context(locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"/search?q={QUERY}")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("#search-form button[type=submit]")).to_have_text("搜索")

    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert args_of(page)["q"] == [QUERY]  # the switch keeps the search
    expect(page.locator("#search-form button[type=submit]")).to_have_text("Search")
    expect(page.locator(".site-nav")).to_contain_text("All policies")
    expect(page.locator("#h-results")).to_contain_text("found")
    expect(page.locator("#lang-switch")).to_have_text("中文")

    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto("/packages/huairou")  # a URL without lang= follows the remembered choice
    expect(page.locator("html")).to_have_attribute("lang", "en")
    other = ctx.new_page()  # a new tab of the same browser remembers it
    other.goto("/")
    expect(other.locator("h1")).to_have_text("Talent Community Policy Index")

    other.locator("#lang-switch").click()
    expect(other.locator("html")).to_have_attribute("lang", "zh-CN")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("高品质人才社区政策索引")


# ---- (3) suggestions while typing -------------------------------------------------------------


def test_suggestions_by_keyboard(new_context):
    page = new_context().new_page()
    page.goto("/?lang=zh")
    box, listbox = page.locator("#q"), page.get_by_role("listbox")
    box.press_sequentially("人才公", delay=120)
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    options = listbox.get_by_role("option")
    assert options.count() >= 3
    expect(options.first).to_contain_text("人才公")

    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "suggestion-0")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")

    box.press("ArrowDown")  # opens the list again
    expect(listbox).to_be_visible()
    n = options.evaluate_all("els => els.findIndex(e => e.classList.contains('kind-term'))")
    assert n >= 0
    term = options.nth(n).locator(".suggestion-text").inner_text()
    for _ in range(n + 1):
        box.press("ArrowDown")
    expect(options.nth(n)).to_have_attribute("aria-selected", "true")
    box.press("Enter")  # a search term: the form searches for it
    expect(page).to_have_url(re.compile(r"/search\?"))
    assert args_of(page)["q"] == [term] and term.startswith("人才公")
    expect(page.locator("li.result").first).to_be_visible()

    # in English, a package suggestion is labelled in English and opens the package page
    page.goto("/?lang=en")
    page.locator("#q").press_sequentially("apartm", delay=100)
    expect(listbox).to_be_visible()
    package = listbox.locator(".kind-package").first
    expect(package).to_contain_text("Housing and Talent Apartments")
    n = listbox.get_by_role("option").evaluate_all(
        "els => els.findIndex(e => e.classList.contains('kind-package'))"
    )
    for _ in range(n + 1):
        page.locator("#q").press("ArrowDown")
    expect(package).to_have_attribute("aria-selected", "true")
    page.locator("#q").press("Enter")
    expect(page).to_have_url(re.compile(r"/packages/[a-z-]+/livable"))

    # a policy suggestion, chosen with the mouse, opens the policy
    page.goto("/?lang=zh")
    page.locator("#q").press_sequentially("人才公", delay=100)
    listbox.locator(".kind-policy").first.click()
    expect(page).to_have_url(re.compile(r"/policies/[0-9a-f]+"))


# ---- (4) community and package pages ----------------------------------------------------------


def test_community_and_package_pages(page, tax, sample_data):
    page.goto("/packages/huairou?lang=zh")
    cards = page.locator("ul.scene-grid > li.card")
    expect(cards).to_have_count(9)
    headings = cards.locator("h2").all_inner_texts()
    assert headings == [tax.package("huairou", s).title_zh for s in tax.scenarios]
    station = tax.regions["huairou"].facts["service_stations"][0]
    expect(page.locator("aside.facts")).to_contain_text(station["name_zh"])

    title = tax.package("huairou", "livable").title_zh
    cards.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(r"/packages/huairou/livable"))
    expect(page.locator("h1")).to_have_text(title)
    app = create_app(sample_data.root, {"TESTING": True, "QUERY_LOG": False})
    pkg = app.test_client().get("/api/packages/huairou/livable").get_json()
    # every policy listed once, in the API's reading order: each policy, then what goes with it
    # (its translation, interpretation, guide) under it
    items = page.locator("ol.result-list > li.result h3, ol.result-list li.companion > a")
    expect(items).to_have_count(pkg["count"])
    assert items.all_inner_texts() == [p["title"] for p in pkg["policies"]]
    facts = page.locator("aside.facts")
    expect(facts).to_contain_text(station["name_zh"])
    expect(facts.locator(f'a[href="tel:{station["phone"]}"]').first).to_be_visible()
    apartments = tax.regions["huairou"].facts.get("talent_apartments") or []
    if apartments:
        expect(facts).to_contain_text(apartments[0]["name_zh"])
    page.locator("nav.crumbs").get_by_role("link", name="怀柔科学城").click()
    expect(page).to_have_url(re.compile(r"/packages/huairou\?|/packages/huairou$"))


# ---- (5) the staff answer sheet ---------------------------------------------------------------


def test_staff_sheet_from_results_copy_and_print(new_context, picks):
    ctx = new_context(permissions=["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(f"/search?q={QUERY}&lang=zh")
    boxes = page.locator('li.result input[type=checkbox][name="id"]')
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.locator("#sheet-form").get_by_role("button", name="生成答复单").first.click()
    expect(page).to_have_url(re.compile(r"/sheet\?"))
    assert args_of(page)["id"] == [p["id"] for p in picks]
    entries = page.locator("li.sheet-entry")
    expect(entries).to_have_count(2)
    text = page.locator("#sheet-text")
    for entry, p in zip(entries.all(), picks, strict=True):
        table = entry.locator("table.cite-table")
        expect(table.locator("tr", has_text="发文字号").locator("td")).to_have_text(
            p["doc_number"] or "—"
        )
        expect(table.locator("tr", has_text="发文机关").locator("td")).to_have_text(
            p["agency"] or "—"
        )
        for cited in (p["title"], p["doc_number"], p["agency"]):
            if cited:
                expect(text).to_contain_text(cited)

    # copy: the button (shown by sheet.js) puts the text area's text on the clipboard
    copy = page.locator("button#copy-sheet")
    expect(copy).to_be_visible()
    copy.click()
    expect(page.locator("#copy-status")).to_have_text("已复制到剪贴板。")
    assert page.evaluate("navigator.clipboard.readText()") == text.input_value()

    # print: navigation, forms and buttons are gone, the sheet fits on at most two A4 pages
    page.emulate_media(media="print")
    for hidden in (
        ".site-header",
        ".site-footer",
        "#search-form",
        ".actions",
        ".plain-text",
        "#copy-sheet",
    ):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(entries.first).to_be_visible()
    expect(entries.first.locator("table.cite-table")).to_be_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4")))
    assert 1 <= len(pdf.pages) <= 2, len(pdf.pages)
    # (text extraction gives some ideographs as their Kangxi-radical look-alikes:
    # NFKC folds them back)
    printed = unicodedata.normalize(
        "NFKC", re.sub(r"\s+", "", "".join(pg.extract_text() for pg in pdf.pages))
    )
    for p in picks:  # the citations are on paper, the buttons are not
        assert unicodedata.normalize("NFKC", p["doc_number"]) in printed, printed
    assert "复制文本" not in printed and "纯文本版" not in printed and "12345" in printed


# ---- (6) hostile document text never runs -----------------------------------------------------

PWN_SCRIPT = "<script>window.__pwned=1</script>"
PWN_IMG = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture()
def hostile_site(small_data):
    build_index(
        small_data,
        [
            make_doc(
                1,
                title=f"{PWN_SCRIPT}人才公寓配租{PWN_IMG}",
                text=f"第一条 人才公寓 {PWN_SCRIPT} 申请 {PWN_IMG} 配租条件。",
                agency=f"测试局{PWN_IMG}",
                doc_number="京测发〔2023〕1号",
            ),
            make_doc(2, title="人才公寓申请指南", text="人才公寓申请条件和流程。"),
        ],
    )
    app = create_app(small_data.root, {"TESTING": True, "API_RATE_LIMIT": "", "QUERY_LOG": False})
    base, stop = serve(app)
    yield base, make_doc(1).id
    stop()


def test_script_in_a_document_never_runs(new_context, hostile_site):
    base, doc_id = hostile_site
    # The Content-Security-Policy is switched off here so that escaping alone has to hold.
    ctx = new_context(base=base, bypass_csp=True)
    page = ctx.new_page()
    # the detector works: the same payload as raw HTML does run in this context
    page.set_content(f"<p>{PWN_IMG}</p>")
    page.wait_for_function("window.__pwned === 1")

    pages = [
        f"/search?q={QUERY}&lang=zh",
        f"/policies/{doc_id}?q={QUERY}&lang=zh",
        f"/sheet?id={doc_id}&lang=en",
        f"/search?q={PWN_IMG}&lang=en",
    ]
    for url in pages:
        page.goto(url)
        page.evaluate("new Promise(r => setTimeout(r, 300))")  # give an injected image time to fail
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        assert page.locator('img[src="x"], [onerror]').count() == 0, url
        assert page.locator("script:not([src])").count() == 0, url
        if "q=人才公寓" in url or "sheet" in url:
            expect(page.locator("main")).to_contain_text(PWN_SCRIPT)  # shown as text
            expect(page.locator("main")).to_contain_text(PWN_IMG)
    expect(page.locator("#q")).to_have_value(PWN_IMG)
    page.goto(f"/policies/{doc_id}?lang=zh")
    expect(page.locator("h1")).to_have_text(f"{PWN_SCRIPT}人才公寓配租{PWN_IMG}")

    # suggestions are built in the page by suggest.js: the title must arrive as text there too
    page.goto("/?lang=zh")
    page.locator("#q").press_sequentially("人才公", delay=100)
    expect(page.get_by_role("listbox")).to_contain_text(PWN_SCRIPT)
    page.evaluate("new Promise(r => setTimeout(r, 300))")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#suggestions img, #suggestions [onerror]").count() == 0


# ---- (7) keyboard -----------------------------------------------------------------------------

FOCUSED = """() => { const e = document.activeElement, s = getComputedStyle(e), \
r = e.getBoundingClientRect();
  return {id: e.id, tag: e.tagName, cls: e.className, type: e.type || '', outline: s.outlineStyle,
          width: parseFloat(s.outlineWidth), x: r.left, y: r.top, w: r.width, h: r.height}; }"""


def test_keyboard_reaches_skip_link_search_box_and_submit(page):
    page.goto("/search?q=人才公寓&lang=zh")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["cls"] == "skip" and first["x"] >= 0 and first["w"] > 0, (
        first
    )  # on screen when focused
    assert first["outline"] != "none" and first["width"] >= 2, first
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto("/search?q=人才公寓&lang=zh")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED)
        seen.append(f)
        assert f["outline"] != "none" and f["width"] >= 2, f  # focus is always visible
        assert f["y"] >= 0 and f["y"] + f["h"] <= DESKTOP["height"], f
        if f["tag"] == "BUTTON" and f["type"] == "submit":
            break
    ids = [f["id"] for f in seen]
    assert "q" in ids, seen
    assert seen[-1]["tag"] == "BUTTON" and ids.index("q") < len(seen) - 1, seen
    # typing and Enter from the keyboard searches
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+a")
    page.keyboard.type("talent visa")
    expect(page.get_by_role("listbox")).to_be_visible()
    page.keyboard.press("Escape")  # closes the list (on a bare search field it would clear it)
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=talent(\+|%20)visa"))


# ---- (8) axe-core on every kind of page, in both languages -------------------------------------


def _axe_pages(picks) -> dict[str, str]:
    return {
        "home": "/",
        "search": f"/search?q={QUERY}",
        "no-results": "/search?q=xyzzyplugh",
        "policy": f"/policies/{picks[0]['id']}?q={QUERY}",
        "community": "/packages/huairou",
        "package": "/packages/huairou/livable",
        "sheet": f"/sheet?id={picks[0]['id']}&id={picks[1]['id']}",
        "for-me": "/for-me?region=huairou&who=foreign-talent&needs=school,housing&children=2",
    }


def _axe_problems(page, axe) -> tuple[list[str], list[str]]:
    """(serious or critical, the rest) violations of the page, one line per rule."""
    res = axe.run(
        page,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert res.response["testEngine"]["name"] == "axe-core"
    bad, other = [], []
    for v in res.response["violations"]:
        line = f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
        (bad if v["impact"] in ("serious", "critical") else other).append(line)
    return bad, other


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_axe_finds_no_serious_violations(page, picks, lang):
    axe = Axe()
    report = {}
    for name, url in _axe_pages(picks).items():
        page.goto(f"{url}{'&' if '?' in url else '?'}lang={lang}")
        bad, other = _axe_problems(page, axe)
        report[name] = (bad, other)
    # the search box with its suggestion list open (the ARIA combobox)
    page.goto(f"/?lang={lang}")
    page.locator("#q").press_sequentially("人才" if lang == "zh" else "talent", delay=60)
    expect(page.get_by_role("listbox")).to_be_visible()
    page.locator("#q").press("ArrowDown")
    report["suggestions"] = _axe_problems(page, axe)
    for name, (_bad, other) in report.items():
        for line in other:
            print(f"axe {lang} {name}: {line}")  # moderate and minor: reported, not failed
    serious = {name: bad for name, (bad, _other) in report.items() if bad}
    assert not serious, serious


def test_axe_catches_a_bad_page(page):
    """The check above can fail: axe in this browser flags an unlabelled field and low contrast."""
    page.goto("/?lang=zh")
    page.evaluate("""() => { const i = document.createElement('input'); i.type = 'text';
        document.querySelector('main').append(i); \
document.querySelector('h1').style.color = '#eee'; }""")
    bad, _other = _axe_problems(page, Axe())
    assert any(b.startswith("label ") for b in bad) and any(
        b.startswith("color-contrast ") for b in bad
    ), bad


# ---- screenshots for the README ---------------------------------------------------------------


def _shot_pages(picks) -> dict[str, str]:
    return {
        "home": "/?lang=zh",
        "search": f"/search?q={QUERY}&lang=zh",
        "policy": f"/policies/{picks[0]['id']}?q={QUERY}&lang=zh",
        "community": "/packages/huairou?lang=zh",
        "package": "/packages/huairou/livable?lang=en",
        "sheet": f"/sheet?id={picks[0]['id']}&id={picks[1]['id']}&lang=en",
        "for-me": "/for-me?region=huairou&who=foreign-talent&needs=school,housing&children=2"
        "&lang=en#checklist",  # the checklist, below the form
    }


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_screenshots_of_the_main_pages(new_context, picks, width, request):
    """Also at phone width: no sideways scrolling, and axe (touch-target size among its rules)
    is clean."""
    viewport = PHONE if width == "phone" else DESKTOP
    page = new_context(viewport=viewport).new_page()
    axe = Axe()
    for name, url in _shot_pages(picks).items():
        page.goto(url)
        page.evaluate("document.fonts.ready.then(() => true)")
        if width == "phone":
            bad, other = _axe_problems(page, axe)
            assert not bad, (name, bad)
            for line in other:
                print(f"axe phone {name}: {line}")
        # nothing wider than the screen: no sideways scrolling on a phone
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} width is {overflow}px wider than the screen"
        if (
            name == "sheet"
        ):  # the sheet is dated today; a fixed date keeps the committed picture stable
            page.locator(".sheet-meta").evaluate(
                "e => e.textContent = e.textContent.replace(/\\d{4}-\\d{2}-\\d{2}/, '2025-06-30')"
            )
        png = page.screenshot(full_page=False, animations="disabled", caret="hide")
        if request.config.getoption("screenshots"):  # the README's pictures, only when asked
            path = SHOTS / f"{name}-{width}.png"
            if not path.exists() or path.read_bytes() != png:
                path.write_bytes(png)
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and 5_000 < len(png) < 600_000, (name, len(png))


def test_the_readme_shows_every_screenshot():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = set(re.findall(r'src="docs/screenshots/([a-z-]+\.png)"', readme))
    taken = {
        f"{name}-{width}.png"
        for name in _shot_pages([{"id": "x"}] * 2)
        for width in ("phone", "desktop")
    }
    assert shown == taken


# ---- (9) what changed: the version pages, without JavaScript; the operators' health page -------


@pytest.fixture(scope="module")
def changed_live(changed_site):
    """The app over the data of two crawls of a changing loopback site, with an operator login."""
    from werkzeug.security import generate_password_hash

    app = create_app(changed_site.paths.root, {
        "TESTING": True, "API_RATE_LIMIT": "", "QUERY_LOG": False, "SECRET_KEY": "browser",
        "OPERATOR_USER": "ops", "OPERATOR_PASSWORD_HASH": generate_password_hash(OPERATOR_PW),
    })  # fmt: skip
    base, stop = serve(app)
    yield base, changed_site.ids
    stop()


OPERATOR_PW = "correct horse battery staple"


def _decoration(locator) -> str:
    return locator.evaluate("e => getComputedStyle(e).textDecorationLine")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_what_changed_reads_without_javascript_and_passes_axe(new_context, changed_live, lang):
    base, ids = changed_live
    words = {"zh": ("更新", "第 2 版"), "en": ("Updated on", "Version 2")}
    # Without JavaScript: the diff is there, and the history leads to each version. (Playwright's
    # evaluate, which axe and the style checks need, cannot run in such a page: those come after.)
    page = new_context(base=base, java_script_enabled=False).new_page()
    page.goto(f"/policies/{ids['text']}?lang={lang}")
    expect(page.locator("#updated")).to_contain_text(words[lang][0])
    change = page.locator("#latest-change")
    expect(change.locator("ins").first).to_be_visible()
    expect(change.locator("del").first).to_contain_text("八")
    page.locator("#updated a").click()  # the history of the policy
    expect(page).to_have_url(re.compile(rf"/policies/{ids['text']}/versions\b"))
    expect(page.locator("#history tbody tr")).to_have_count(2)
    page.locator("#history").get_by_role("link", name=words[lang][1]).click()
    expect(page.locator("h1")).to_contain_text(words[lang][1])
    expect(page.locator(".diff-text ins").first).to_be_visible()

    page = new_context(base=base).new_page()
    axe, problems = Axe(), {}
    page.goto(f"/policies/{ids['text']}?lang={lang}")
    inserted = page.locator("#latest-change ins").first
    deleted = page.locator("#latest-change del").first
    # marked by more than colour: underlined and struck through
    assert "underline" in _decoration(inserted) and "line-through" in _decoration(deleted)
    problems["policy"] = _axe_problems(page, axe)[0]
    for name, url in (("versions", f"/policies/{ids['text']}/versions"),
                      ("version", f"/policies/{ids['text']}/versions/2"),
                      ("first-version", f"/policies/{ids['text']}/versions/1")):  # fmt: skip
        page.goto(f"{url}?lang={lang}")
        problems[name] = _axe_problems(page, axe)[0]

    # a field change side by side, and a page gone from its source
    page.goto(f"/policies/{ids['field']}/versions/2?lang={lang}")
    row = page.locator("table.diff-fields tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.new")).to_contain_text("北京市财政局")
    problems["field-version"] = _axe_problems(page, axe)[0]
    page.goto(f"/policies/{ids['gone']}?lang={lang}")
    gone = "已下线" if lang == "zh" else "Gone from source"
    expect(page.locator(".badges .gone")).to_have_text(gone)
    problems["gone"] = _axe_problems(page, axe)[0]
    page.goto(f"/search?q=人才公寓&lang={lang}")
    expect(page.locator("li.result .badge.gone")).to_have_count(1)
    expect(page.locator("a.feed-link")).to_be_visible()
    problems["search"] = _axe_problems(page, axe)[0]
    assert not {k: v for k, v in problems.items() if v}, problems


def test_package_health_shows_trouble_by_colour_and_words(new_context, changed_live):
    base, _ids = changed_live
    page = new_context(base=base).new_page()
    page.goto("/operator/health?lang=en")
    expect(page).to_have_url(re.compile(r"/operator/login"))
    page.locator("#user").fill("ops")
    page.locator("#password").fill(OPERATOR_PW)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("h1")).to_have_text("Package health")
    troubled = page.locator('td[data-key="huairou/livable"]')
    expect(troubled.locator(".flag")).to_have_text(["1 gone", "1 expiring"])
    thin = page.locator('td[data-key="huairou/health"]')
    expect(thin.locator(".flag")).to_have_text("thin")
    yellow = troubled.evaluate("e => getComputedStyle(e).backgroundColor")
    assert yellow == thin.evaluate("e => getComputedStyle(e).backgroundColor")
    assert yellow == "rgb(255, 248, 197)"  # the trouble colour, beside the words
    bad, _other = _axe_problems(page, Axe())
    assert not bad, bad
    page.goto("/operator/health?lang=zh")
    expect(troubled.locator(".flag")).to_have_text(["1 件已下线", "1 件即将到期"])
    bad, _other = _axe_problems(page, Axe())
    assert not bad, bad


# ---- (10) the operators' vocabulary: a preview, then a save that the next search uses -----------


@pytest.fixture()
def vocabulary_live(tmp_path):
    """A data folder of its own (an edit is written into it), with an operator login."""
    from werkzeug.security import generate_password_hash

    from indexer import settings

    paths = settings.DataPaths(tmp_path / "data")
    docs = [make_doc(i, title=f"人才公寓配租指南{i}", text="人才公寓 配租 条件。") for i in (1, 2)]
    build_index(paths, docs)
    app = create_app(paths.root, {
        "TESTING": True, "API_RATE_LIMIT": "", "SECRET_KEY": "browser",
        "OPERATOR_USER": "ops", "OPERATOR_PASSWORD_HASH": generate_password_hash(OPERATOR_PW),
    })  # fmt: skip
    base, stop = serve(app)
    yield base
    stop()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_vocabulary_preview_then_save_then_search(new_context, vocabulary_live, lang):
    page = new_context(base=vocabulary_live).new_page()
    page.goto(f"/operator/vocabulary/?lang={lang}")
    page.locator("#user").fill("ops")
    page.locator("#password").fill(OPERATOR_PW)
    page.locator("#password").press("Enter")
    expect(page.locator("h1")).to_have_text("检索词表" if lang == "zh" else "Search vocabulary")
    axe, problems = Axe(), {}
    problems["form"] = _axe_problems(page, axe)[0]
    page.locator("#f-key").fill("落脚房")
    page.locator("#f-terms").fill("人才公寓")
    page.locator("#f-query").fill("落脚房")
    page.locator("button[value=preview]").click()
    expect(page.locator("#preview-before .preview-results li")).to_have_count(0)
    expect(page.locator("#preview-after .preview-results li")).to_have_count(2)
    problems["preview"] = _axe_problems(page, axe)[0]
    # (a save without a reason is refused with HTTP 400, which the guard counts as a console
    # error: tests/test_operator_vocabulary.py covers it)
    page.locator("#f-why").fill("12345 callers say 落脚房")
    page.locator("button[value=save]").click()
    expect(page.locator("#saved")).to_be_visible()
    expect(page.locator("#history tbody tr")).to_have_count(1)
    problems["entry"] = _axe_problems(page, axe)[0]
    page.goto(f"/search?q=落脚房&lang={lang}")
    expect(page.locator("li.result")).to_have_count(2)
    assert not {k: v for k, v in problems.items() if v}, problems
