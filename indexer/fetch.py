"""The only module that touches the network: robots.txt, per-host delay, timeouts,
size cap, redirects."""

from __future__ import annotations

import itertools
import logging
import time
import urllib.robotparser
import zlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpcore
from w3lib.url import safe_url_string

from .urls import host_of, is_web, join

log = logging.getLogger(__name__)


class _Deadline:
    """One whole-response deadline shared by every socket read: the timeout of a single read
    cannot stop a server that trickles its status line, headers or body a byte at a time."""

    def __init__(self) -> None:
        self.at = float("inf")

    def left(self) -> float:
        return self.at - time.monotonic()


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, deadline: _Deadline):
        self._stream, self._deadline = stream, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        left = self._deadline.left()
        if left <= 0:
            raise httpcore.ReadTimeout("response deadline passed")
        return self._stream.read(max_bytes, left if timeout is None else min(timeout, left))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, timeout), self._deadline
        )

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, deadline: _Deadline):
        self._backend, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, *args, **kwargs) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_tcp(*args, **kwargs), self._deadline)

    def connect_unix_socket(self, *args, **kwargs) -> httpcore.NetworkStream:
        return _DeadlineStream(self._backend.connect_unix_socket(*args, **kwargs), self._deadline)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@dataclass
class FetchResult:
    url: str  # the URL finally answered (after allowed redirects)
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None  # why nothing usable came back; None on success
    truncated: bool = False
    location: str | None = None  # a redirect's target, resolved by Fetcher._get
    etag: str | None = None
    last_modified: str | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)  # as received, for the archive

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None


# Most bytes inflated at once: a compression bomb stops at the size cap, not after a whole network
# read has been inflated (~1000x its size) into memory.
INFLATE_STEP = 65536


def _inflate(raw, wbits: int):
    """Decompress a stream of gzip/deflate chunks, at most INFLATE_STEP bytes per piece."""
    d = zlib.decompressobj(wbits)
    for chunk in raw:
        data = chunk
        while data and not d.eof:
            yield d.decompress(data, INFLATE_STEP)
            data = d.unconsumed_tail
        if d.eof:
            return


class _UnsupportedEncoding(ValueError):
    pass


def _decoded(encoding: str, raw):
    """The body's decoded bytes in bounded pieces. We ask for gzip or deflate only and inflate
    them ourselves; a server that sends another encoding anyway is refused."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding in ("gzip", "x-gzip"):
        return _inflate(raw, 16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _inflate_deflate(raw)
    raise _UnsupportedEncoding(encoding)


def _inflate_deflate(raw):
    # "deflate" is zlib-wrapped by the standard but raw from some servers;
    # the first two bytes say which
    raw = iter(raw)
    first = next(raw, b"")
    wrapped = len(first) >= 2 and first[0] & 0x0F == 8 and ((first[0] << 8) | first[1]) % 31 == 0
    yield from _inflate(
        itertools.chain([first], raw), zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS
    )


def _body_headers(headers: dict | None, data: bytes | None) -> dict | None:
    """What a redirected request keeps: only the description of a body it still carries."""
    if data is None or not headers:
        return None
    return {k: v for k, v in headers.items() if k in ("Content-Type", "Content-Length")}


class Fetcher:
    """Polite HTTP fetching for one crawl. Every limit comes from the caller's settings."""

    def __init__(
        self,
        allowed_hosts: set[str],
        user_agent: str,
        delay: float,
        timeout: float,
        max_bytes: int,
        max_redirects: int = 5,
        retries: int = 2,
    ):
        self.allowed_hosts = {h.lower() for h in allowed_hosts}
        self.user_agent = user_agent
        self.delay = delay
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.retries = retries
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._deadline = _Deadline()
        # httpcore's pool takes the network backend publicly: every socket read goes through
        # the deadline. Redirects, proxies and decompression are ours (none is followed blindly).
        self.pool = httpcore.ConnectionPool(network_backend=_DeadlineBackend(self._deadline))
        self.headers = [
            (b"User-Agent", user_agent.encode("ascii", "replace")),
            (b"Accept", b"text/html,application/xhtml+xml,*/*;q=0.5"),
            (b"Accept-Encoding", b"gzip, deflate"),  # the encodings _decoded() inflates in bounds
        ]
        t = float(timeout)
        self._timeouts = {"connect": t, "read": t, "write": t, "pool": t}

    def close(self) -> None:
        self.pool.close()

    def host_allowed(self, url: str) -> bool:
        return is_web(url) and host_of(url) in self.allowed_hosts

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

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps robots.txt of url's site announces (Sitemap: lines)."""
        rp = self.robots(url)
        return list((rp.site_maps() if rp else None) or [])

    def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
        method: str = "GET",
        data: bytes | None = None,
        content_type: str | None = None,
    ) -> FetchResult:
        """GET url (or POST data to it) within every limit, conditionally given validators;
        never raises for network trouble."""
        if not self.host_allowed(url):
            return FetchResult(url, error=f"host not allowed: {urlsplit(url).hostname}")
        if not self.allowed_by_robots(url):
            return FetchResult(url, error="disallowed by robots.txt")
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if content_type:
            headers["Content-Type"] = content_type
        if data is not None:
            headers["Content-Length"] = str(len(data))
        return self._get(url, True, headers, max_bytes, method.upper(), data)

    def _get(
        self,
        url: str,
        check_robots: bool,
        headers: dict | None = None,
        max_bytes: int | None = None,
        method: str = "GET",
        data: bytes | None = None,
    ) -> FetchResult:
        seen = {url}
        current = url
        for _ in range(self.max_redirects + 1):
            sent = headers if current == url else _body_headers(headers, data)
            res = self._get_once(current, sent, max_bytes, method, data)
            if res.error or res.status is None or res.status not in (301, 302, 303, 307, 308):
                res.url = current
                return res
            target = join(current, res.location or "")
            if target is None:
                return FetchResult(url, status=res.status, error="redirect to an unusable URL")
            if not self.host_allowed(target):
                return FetchResult(
                    url, status=res.status, error=f"redirect off the allowed hosts to {target}"
                )
            if target in seen:
                return FetchResult(url, status=res.status, error="redirect loop")
            if check_robots and not self.allowed_by_robots(target):
                return FetchResult(url, error="redirect target disallowed by robots.txt")
            seen.add(target)
            current = target
            if res.status in (301, 302, 303):  # as browsers do: the redirected request is a GET
                method, data = "GET", None
        return FetchResult(url, error=f"more than {self.max_redirects} redirects")

    def _get_once(self, url: str, headers: dict | None = None, max_bytes: int | None = None,
                  method: str = "GET", data: bytes | None = None) -> FetchResult:  # fmt: skip
        host = (urlsplit(url).hostname or "").lower()
        rp = self._robots.get(f"{urlsplit(url).scheme}://{urlsplit(url).netloc}")
        crawl_delay = rp.crawl_delay(self.user_agent) if rp else None
        error = "no attempt"
        for attempt in range(self.retries + 1):
            self._wait(host, max(self.delay, float(crawl_delay or 0)))
            try:
                res = self._stream(url, headers, max_bytes or self.max_bytes, method, data)
            except httpcore.TimeoutException:
                error = f"timed out after {self.timeout:g}s"
            except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol,
                    httpcore.ProxyError, httpcore.PoolTimeout) as exc:  # fmt: skip
                error = f"network error: {type(exc).__name__}: {exc}"[:300]
            else:
                if res.status is not None and res.status >= 500 and attempt < self.retries:
                    error = f"HTTP {res.status}"
                    time.sleep(min(2.0, 0.2 * 2**attempt))
                    continue
                return res
            if attempt < self.retries:
                time.sleep(min(2.0, 0.2 * 2**attempt))
        return FetchResult(url, error=error)

    def _stream(self, url: str, headers: dict | None, max_bytes: int, method: str = "GET",
                data: bytes | None = None) -> FetchResult:  # fmt: skip
        started = time.monotonic()
        deadline = started + self.timeout * 3  # a server trickling bytes cannot hold us forever
        self._deadline.at = deadline
        try:
            return self._read(url, headers, max_bytes, deadline, method, data)
        except httpcore.TimeoutException:
            if time.monotonic() < deadline - 0.05:
                raise  # one read timed out: the caller retries
            # the whole response took too long: a server that trickles is not asked again
            return FetchResult(url, error=f"response too slow (over {self.timeout * 3:g}s)")
        except zlib.error as exc:
            return FetchResult(url, error=f"cannot decode the compressed body: {exc}"[:300])
        except _UnsupportedEncoding as exc:
            return FetchResult(url, error=f"unsupported content encoding {str(exc)[:40]!r}")
        finally:
            self._deadline.at = float("inf")

    def _read(self, url: str, headers: dict | None, max_bytes: int, deadline: float,
              method: str = "GET", data: bytes | None = None) -> FetchResult:  # fmt: skip
        sent = self.headers + [(k.encode(), v.encode("latin-1", "replace"))
                               for k, v in (headers or {}).items()]  # fmt: skip
        ext = {"timeout": self._timeouts}
        with self.pool.stream(method, safe_url_string(url), headers=sent, content=data,
                              extensions=ext) as r:  # fmt: skip
            head = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in r.headers]
            get = {k.lower(): v for k, v in head}.get
            if r.status in (301, 302, 303, 307, 308):
                return FetchResult(url, status=r.status, location=get("location", ""))
            if r.status == 304:
                return FetchResult(url, status=304)
            chunks, size, truncated = [], 0, False
            for chunk in _decoded(get("content-encoding", ""), r.iter_stream()):
                chunks.append(chunk)
                size += len(chunk)
                if size > max_bytes:
                    truncated = True
                    break
                if time.monotonic() > deadline:
                    error = f"response too slow (over {self.timeout * 3:g}s)"
                    return FetchResult(url, status=r.status, error=error)
            res = FetchResult(
                url, status=r.status, content_type=get("content-type"),
                body=b"".join(chunks)[:max_bytes], truncated=truncated, etag=get("etag"),
                last_modified=get("last-modified"), headers=head,
            )  # fmt: skip
            if r.status >= 400:
                res.error = f"HTTP {r.status}"
            elif truncated:
                res.error = f"response larger than {max_bytes} bytes"
            return res
