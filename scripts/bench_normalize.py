"""Time the crawler's extraction per page: derive() (parse, find the body and the fields,
classify) on pages generated from a seed, against a naive BeautifulSoup pass that only parses the
page and takes its text and <title>.

python scripts/bench_normalize.py [--pages 1000] [--seed 2] [--runs 5]

CPU time per page (process time, so other load on the machine counts less), median of the runs.
Seed 1 is the workload we look at while tuning, seed 2 (the default) the one we report.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bs4 import BeautifulSoup  # noqa: E402

from devtools.workload import generate_pages  # noqa: E402
from indexer import taxonomy  # noqa: E402
from indexer.archive import RawPage  # noqa: E402
from indexer.derive import derive  # noqa: E402


def _no_files(url: str):
    return None, "not fetched in this benchmark"


def ours(raws: list[RawPage], tax) -> None:
    for raw in raws:
        derive(raw, _no_files, tax)


def naive(raws: list[RawPage], tax) -> None:
    for raw in raws:
        soup = BeautifulSoup(raw.body, "lxml")
        _ = soup.title.get_text() if soup.title else "", soup.get_text("\n")


def per_page(fn, raws: list[RawPage], tax, runs: int) -> list[float]:
    fn(raws[:20], tax)  # warm: imports, compiled selectors, the taxonomy's matcher
    out = []
    for _ in range(runs):
        t = time.process_time()
        fn(raws, tax)
        out.append((time.process_time() - t) / len(raws) * 1000)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    pages = generate_pages(args.pages, args.seed)
    raws = [RawPage(f"https://bench.example/{p.path}", p.html, p.content_type, 200, 0.0)
            for p in pages]  # fmt: skip
    tax = taxonomy.get()
    kib = sum(len(r.body) for r in raws) / len(raws) / 1024
    print(f"{len(raws)} generated pages (seed {args.seed}, {kib:.0f} KiB each on average); "
          f"CPU ms per page, median of {args.runs} runs")  # fmt: skip
    print("| pipeline | median ms/page | runs |")
    print("|---|---|---|")
    for name, fn in (("derive (ours)", ours), ("naive BeautifulSoup(lxml) text", naive)):
        times = per_page(fn, raws, tax, args.runs)
        runs = ", ".join(f"{t:.2f}" for t in times)
        print(f"| {name} | {statistics.median(times):.2f} | {runs} |")


if __name__ == "__main__":
    main()
