"""Time a full build and a fixed query mix on the bundled corpus (or an existing --data folder).

python scripts/bench_search.py                # fresh temp folder from the bundled corpus
python scripts/bench_search.py --data var     # an existing data folder
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indexer import pipeline, settings  # noqa: E402
from indexer import taxonomy as taxonomy_mod  # noqa: E402
from indexer.sources import sample_source  # noqa: E402
from search_app.index_version import SearchIndex  # noqa: E402
from search_app.query import parse_params  # noqa: E402
from search_app.search import SearchService  # noqa: E402

QUERIES = [
    {"q": "人才公寓 申请"},
    {"q": "子女入学"},
    {"q": "work permit"},
    {"q": "R visa"},
    {"q": "外国人永久居留"},
    {"q": "人才公寓申請"},
    {"q": "京人社发[2018]45号"},
    {"q": "国际医疗"},
    {"q": "服务站", "region": "huairou"},
    {"q": "垃圾分类", "scenario": "green"},
    {"q": "驾驶证 换领"},
    {"q": "startup funding"},
    {"q": "", "region": "wangjing"},
    {"q": "租房补贴", "sort": "date"},
    {"q": "个人所得税 外籍"},
    {"q": "12345 热线"},
]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    root = args.data or Path(tempfile.mkdtemp(prefix="policy-index-bench-"))
    config = settings.for_data(root)
    paths = config.paths
    if pipeline.needs_bootstrap(config):
        t0 = time.perf_counter()
        reports = pipeline.crawl(config,
                                 [sample_source(Path(config.sources), Path(config.sample_site))],
                                 progress=False)  # fmt: skip
        t1 = time.perf_counter()
        build = pipeline.index(config, full=True)
        t2 = time.perf_counter()
        print(f"crawl+normalize: {sum(r.new for r in reports)} documents in {t1 - t0:.2f}s")
        print(
            f"full index build: {build.added} documents in {t2 - t1:.2f}s "
            f"({build.added / (t2 - t1):.0f} docs/s)"
        )
    svc = SearchService(SearchIndex(paths.index_root), taxonomy_mod.get(), config)
    params = [parse_params(q, svc.tax) for q in QUERIES]
    t0 = time.perf_counter()
    svc.search(params[0])
    print(
        f"first query (opens the index, builds caches): {(time.perf_counter() - t0) * 1000:.1f} ms"
    )
    times = []
    for _ in range(args.rounds):
        for p in params:
            t = time.perf_counter()
            svc.search(p)
            times.append((time.perf_counter() - t) * 1000)
    print(
        f"search, full response (results, snippets, facets, packages), {len(QUERIES)} queries x "
        f"{args.rounds} rounds on {svc.index.searcher().doc_count()} documents:"
    )
    print(
        f"  median {statistics.median(times):.2f} ms   p95 {pct(times, 95):.2f} ms   "
        f"max {max(times):.2f} ms"
    )


if __name__ == "__main__":
    main()
