"""Script-only listings: the page rendered in headless Chromium, its requests served by the Fetcher.

The browser never reaches the network itself: every request it makes is answered through
fetch.py (robots.txt, the delay, the allowed hosts, the size cap), images, fonts and media are
refused, and requests, pages, time and the JavaScript heap are bounded. Playwright is optional
(`pip install 'policy-index[render]'`) and the strategy is off unless the `render` setting is on."""

from __future__ import annotations

import logging
from pathlib import Path

from .fetch import Fetcher
from .listing_model import Listing
from .listing_pages import parse_links
from .settings import Config

log = logging.getLogger(__name__)

# The flags a closed, bounded browser needs: no background fetches, updates, sync or QUIC probes.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--renderer-process-limit=1"]  # fmt: skip
REFUSED = {"image", "media", "font", "stylesheet", "websocket", "manifest"}
# A signature of the links on the page: after a click on `next`, the list has changed when it has.
_LINKS = "() => Array.from(document.links, a => a.href).join('\\n')"


class RenderError(RuntimeError):
    """Why a listing could not be rendered (the strategy is off, no Playwright or Chromium,
    a timeout, a crashed page)."""


class _Budget:
    def __init__(self, requests: int):
        self.left = requests

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def listing(url: str, fetcher: Fetcher, params: dict, config: Config) -> Listing:
    """The documents a script-only listing shows, over at most params['pages'] of its pages."""
    if not config.render:
        raise RenderError("the render strategy is off: set POLICY_INDEX_RENDER=1 to let a headless "
                          "browser read this source's listings")  # fmt: skip
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise RenderError("the render strategy needs Playwright: "
                          "pip install 'policy-index[render]'") from None  # fmt: skip
    chromium = Path(str(config.chromium))
    if not chromium.exists():
        raise RenderError(f"no Chromium at {chromium}: install Debian's chromium package or set "
                          "POLICY_INDEX_CHROMIUM")  # fmt: skip
    if not fetcher.allowed_by_robots(url):
        raise RenderError("disallowed by robots.txt")
    try:
        with sync_playwright() as pw:
            args = ARGS + [f"--js-flags=--max-old-space-size={params['memory_mb']}"]
            browser = pw.chromium.launch(executable_path=str(chromium), args=args,
                                         timeout=params["timeout"] * 1000)  # fmt: skip
            try:
                return _walk(browser, url, fetcher, params)
            finally:
                browser.close()
    except Error as exc:
        raise RenderError(f"rendering failed: {str(exc).splitlines()[0]}"[:300]) from None


def _walk(browser, url: str, fetcher: Fetcher, params: dict) -> Listing:
    from playwright.sync_api import TimeoutError as Timeout

    budget = _Budget(params["requests"])
    page = browser.new_page(service_workers="block")
    page.set_default_timeout(params["timeout"] * 1000)
    page.route("**/*", lambda route: _answer(route, fetcher, budget))
    page.goto(url, wait_until="networkidle")
    out, seen = Listing(), set()
    for n in range(max(1, params["pages"])):
        got = parse_links(page.url, page.content().encode(), "text/html; charset=utf-8", params)
        out.documents += [e for e in got.documents if e.url not in seen]
        seen.update(e.url for e in got.documents)
        control = page.query_selector(params["next"]) if params["next"] else None
        if control is None or not control.is_enabled() or n + 1 >= params["pages"]:
            break
        before = page.evaluate(_LINKS)
        control.click()
        try:
            page.wait_for_function(f"b => ({_LINKS})() !== b", arg=before)
        except Timeout:
            out.problems.append(f"the list did not change after a click on {params['next']}")
            break
    if budget.left < 0:
        out.problems.append(f"stopped the browser's requests at {params['requests']}")
    return out


def _answer(route, fetcher: Fetcher, budget: _Budget) -> None:
    """Serve one browser request through the Fetcher, or refuse it."""
    req = route.request
    if req.resource_type in REFUSED or not fetcher.host_allowed(req.url) or not budget.take():
        route.abort("blockedbyclient")
        return
    ctype = req.headers.get("content-type")
    res = fetcher.fetch(req.url, method=req.method, data=req.post_data_buffer, content_type=ctype)
    if res.status is None or res.truncated:
        log.info("%s: %s (refused to the browser)", req.url, res.error)
        route.abort("failed")
        return
    headers = {"content-type": res.content_type or "application/octet-stream"}
    route.fulfill(status=res.status, headers=headers, body=res.body)
