"""Serve the bundled sample site on 127.0.0.1 and crawl it twice: first run vs
re-crawl counts and time.

python scripts/bench_crawl.py
"""

import functools
import os
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indexer import pipeline, settings  # noqa: E402
from indexer.sources import source_from_arg  # noqa: E402


class Handler(SimpleHTTPRequestHandler):
    hits = 0

    def do_GET(self):  # noqa: N802
        Handler.hits += 1
        super().do_GET()

    def log_message(self, *args):
        pass


def main() -> None:
    os.environ.setdefault("POLICY_INDEX_CRAWL_DELAY", "0")
    site = ROOT / "policies/corpus/site"
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/index.html"
    config = settings.for_data(Path(tempfile.mkdtemp(prefix="policy-index-crawl-")))
    try:
        for run in ("first", "second"):
            Handler.hits = 0
            t = time.perf_counter()
            report = pipeline.crawl(config, [source_from_arg(url)], max_pages=5000, progress=False)[
                0
            ]
            print(
                f"{run} run: {report.line()}; {Handler.hits} HTTP requests; "
                f"{time.perf_counter() - t:.2f}s"
            )
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
