"""The only module that touches the network: robots.txt, per-host delay, timeouts, size cap, redirects."""

from __future__ import annotations

import logging
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

log = logging.getLogger(__name__)


@dataclass
class FetchResult:
    url: str                      # the URL finally answered (after allowed redirects)
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None      # why nothing usable came back; None on success
    truncated: bool = False
    location: str | None = None   # a redirect's target, resolved by Fetcher._get
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


class Fetcher:
    """Polite HTTP fetching for one crawl. Every limit comes from the caller's settings."""

    def __init__(self, allowed_hosts: set[str], user_agent: str, delay: float, timeout: float,
                 max_bytes: int, max_redirects: int = 5, retries: int = 2):
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self.client = httpx.Client(
            follow_redirects=False, timeout=httpx.Timeout(timeout), trust_env=False,
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.5"},
        )

    def close(self) -> None:
        self.client.close()

    def host_allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  (raises on a malformed host or port)
        except ValueError:
            return False
        return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in self.allowed_hosts

    def _wait(self, host: str, delay: float) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = delay - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)
        self._last[host] = time.monotonic()

    def robots(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp: urllib.robotparser.RobotFileParser | None = urllib.robotparser.RobotFileParser()
            res = self._get(base + "/robots.txt", check_robots=False)
            if res.ok and res.status == 200:
                rp.parse(res.body.decode("utf-8", "replace").splitlines())
            elif res.status in (401, 403):
                rp.disallow_all = True
            else:
                rp = None  # no robots.txt: everything is allowed
            self._robots[base] = rp
        return self._robots[base]

    def allowed_by_robots(self, url: str) -> bool:
        rp = self.robots(url)
        return True if rp is None else rp.can_fetch(self.user_agent, url)

    def fetch(self, url: str, etag: str | None = None, last_modified: str | None = None,
              max_bytes: int | None = None) -> FetchResult:
        """GET url within every limit (conditionally, given validators); never raises for network trouble."""
        if not self.host_allowed(url):
            return FetchResult(url, error=f"host not allowed: {urlsplit(url).hostname}")
        if not self.allowed_by_robots(url):
            return FetchResult(url, error="disallowed by robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get(url, check_robots=True, headers=headers, max_bytes=max_bytes)

    def _get(self, url: str, check_robots: bool, headers: dict | None = None,
             max_bytes: int | None = None) -> FetchResult:
        seen = {url}
        current = url
        for _ in range(self.max_redirects + 1):
            res = self._get_once(current, headers if current == url else None, max_bytes)
            if res.error or res.status is None or res.status not in (301, 302, 303, 307, 308):
                res.url = current
                return res
            target = urljoin(current, res.location or "").split("#")[0]
            if not self.host_allowed(target):
                return FetchResult(url, status=res.status, error=f"redirect off the allowed hosts to {target}")
            if target in seen:
                return FetchResult(url, status=res.status, error="redirect loop")
            if check_robots and not self.allowed_by_robots(target):
                return FetchResult(url, error="redirect target disallowed by robots.txt")
            seen.add(target)
            current = target
        return FetchResult(url, error=f"more than {self.max_redirects} redirects")

    def _get_once(self, url: str, headers: dict | None = None, max_bytes: int | None = None) -> FetchResult:
        host = (urlsplit(url).hostname or "").lower()
        rp = self._robots.get(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
        crawl_delay = rp.crawl_delay(self.user_agent) if rp else None
        error = "no attempt"
        for attempt in range(self.retries + 1):
            self._wait(host, max(self.delay, float(crawl_delay or 0)))
            try:
                res = self._stream(url, headers, max_bytes or self.max_bytes)
            except httpx.TimeoutException:
                error = f"timed out after {self.timeout:g}s"
            except httpx.HTTPError as exc:
                error = f"network error: {type(exc).__name__}: {exc}"[:300]
            else:
                if res.status is not None and res.status >= 500 and attempt < self.retries:
                    error = f"HTTP {res.status}"
                    time.sleep(min(2.0, 0.2 * 2 ** attempt))
                    continue
                return res
            if attempt < self.retries:
                time.sleep(min(2.0, 0.2 * 2 ** attempt))
        return FetchResult(url, error=error)

    def _stream(self, url: str, headers: dict | None, max_bytes: int) -> FetchResult:
        started = time.monotonic()
        deadline = started + self.timeout * 3  # a server trickling bytes cannot hold us forever
        with self.client.stream("GET", url, headers=headers) as r:
            if r.status_code in (301, 302, 303, 307, 308):
                return FetchResult(url, status=r.status_code, location=r.headers.get("location", ""))
            if r.status_code == 304:
                return FetchResult(url, status=304)
            chunks, size, truncated = [], 0, False
            for chunk in r.iter_bytes():
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    truncated = True
                    break
                if time.monotonic() > deadline:
                    return FetchResult(url, status=r.status_code,
                                       error=f"response too slow (over {self.timeout * 3:g}s)")
            body = b"".join(chunks)[:max_bytes]
            res = FetchResult(url, status=r.status_code, content_type=r.headers.get("content-type"),
                              body=body, truncated=truncated, etag=r.headers.get("etag"),
                              last_modified=r.headers.get("last-modified"))
            if r.status_code >= 400:
                res.error = f"HTTP {r.status_code}"
            elif truncated:
                res.error = f"response larger than {max_bytes} bytes"
            return res
