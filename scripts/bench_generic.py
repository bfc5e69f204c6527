"""A workload we did not choose: policy pages generated from the policy vocabulary by a seed (not
from the bundled samples), and queries sampled from the same vocabulary by a seed.

    python scripts/bench_generic.py --sizes 2000,10000            # build, search (in process)
    python scripts/bench_generic.py --sizes 10000 --only search   # the search rows again
    python scripts/bench_generic.py --sizes 100000 --only build,search,http
    python scripts/bench_generic.py --sizes 10000 --only search --code /path/to/other/checkout
    python scripts/bench_generic.py --sizes bundled --only build,search  # fixed cost, 274 docs

Pages: about 1,700 characters of Chinese each, sentences of words drawn with Zipf's law from the
vocabulary (the jieba user dictionary, the glossary, the taxonomy's scenario words), a title,
agency, date, 发文字号, region and scenario, rendered with the sample site's page templates into
.bench/generic-site-N. Queries (300 by default): one to four words, half of them drawn by
frequency (common) and half uniformly from the vocabulary (mostly rare); a quarter with a filter
(region, scenario, year); one in six a long question written around the words.

Baselines in the same run, on the same pages: *naive* = BeautifulSoup get_text of each page +
Whoosh with jieba.analyse's ChineseAnalyzer on title and body, one writer, one commit; searched
the Whoosh quick-start way (MultifieldParser over title and body, ten hits and their count; it has
no filters, so it searches the words only). Results gather in .bench/results.json under
"generic" and are written between the generic markers of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SEED = 20261203
BEGIN, END = "<!-- bench-generic:begin -->", "<!-- bench-generic:end -->"
CONNECTORS = (
    "的",
    "和",
    "及",
    "按照",
    "根据",
    "对",
    "在",
    "为",
    "向",
    "由",
    "经",
    "可",
    "应",
    "相关",
    "有关",
    "规定",
    "办理",
    "符合条件的",
    "本市",
    "各区",
    "予以",
    "进一步",
)
AGENCIES = (
    "北京市人力资源和社会保障局",
    "北京市住房和城乡建设委员会",
    "北京市教育委员会",
    "北京市科学技术委员会",
    "北京市卫生健康委员会",
    "北京市交通委员会",
    "北京市朝阳区人民政府",
    "北京经济技术开发区管理委员会",
    "国家移民管理局",
)
QUESTIONS = (
    "{a}怎么申请？需要准备哪些材料",
    "外籍人才在{r}办理{a}需要什么条件",
    "请问{a}和{b}可以同时享受吗",
    "我想了解{a}的办理流程和时间",
    "{a}{b}在哪里办理，多长时间能办好",
)
REGION_ZH = {
    "wangjing": "望京",
    "zgc": "中关村",
    "tongzhou": "通州",
    "shunyi": "顺义",
    "huairou": "怀柔",
    "bda": "亦庄",
    "new-shougang": "新首钢",
    "future-science-city": "未来科学城",
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---- the vocabulary, the pages and the queries ------------------------------------------------
def vocabulary() -> list[str]:
    """Chinese policy words, in a fixed order: the user dictionary, the glossary, the taxonomy."""
    import yaml

    from indexer.taxonomy import get

    words: dict[str, None] = {}
    for line in (ROOT / "policies/dict/userdict.txt").read_text(encoding="utf-8").splitlines():
        if line.strip():
            words[line.split()[0]] = None
    glossary = yaml.safe_load((ROOT / "policies/dict/glossary.yaml").read_text(encoding="utf-8"))
    for key in glossary if isinstance(glossary, dict) else ():
        words[str(key)] = None
    for sc in get().scenarios.values():
        words.update(dict.fromkeys((*sc.strong, *sc.weak)))
    return [w for w in words if w and all("\u4e00" <= ch <= "\u9fff" for ch in w)]


class Zipf:
    """Words drawn with Zipf's law over an order shuffled by the seed."""

    def __init__(self, words: list[str], rng: random.Random):
        self.words = words[:]
        rng.shuffle(self.words)
        self.weights = [1 / (rank + 1) for rank in range(len(self.words))]

    def draw(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.words, weights=self.weights, k=k)


def _sentence(rng: random.Random, zipf: Zipf) -> str:
    out = []
    for w in zipf.draw(rng, rng.randint(4, 9)):
        out.append(w)
        if rng.random() < 0.6:
            out.append(rng.choice(CONNECTORS))
    return "".join(out) + rng.choice("。。。；，") if out else ""


def pages(n: int, seed: int = SEED):
    """n SampleDocs of generated text (Chinese, every template but the English guide)."""
    from devtools.corpus_src import SampleDoc
    from indexer.taxonomy import WIDER_SCOPES, get

    tax = get()
    zipf = Zipf(vocabulary(), random.Random(seed))
    regions = [*tax.communities, *WIDER_SCOPES]
    scenarios = list(tax.scenarios)
    for i in range(n):
        rng = random.Random(seed * 1_000_003 + i)
        paras, size = [], 0
        while size < 1700:
            para = "".join(_sentence(rng, zipf) for _ in range(rng.randint(3, 7)))
            paras.append(para)
            size += len(para)
        region = rng.choice(regions)
        written = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randint(0, 3600))
        topic = "".join(zipf.draw(rng, 2))
        yield SampleDoc(
            path=Path(f"src/{region}/g{i}.md"),
            slug=f"g{i}",
            template=rng.choice(("gov-library", "bj-list", "bureau-gbk", "news", "guide")),
            kind=rng.choice(("policy", "policy", "guide", "interpretation")),
            lang="zh",
            title=f"关于{topic}{rng.choice(('的通知', '的实施办法', '工作方案', '办事指南'))}",
            agency=rng.choice(AGENCIES),
            written_date=written,
            publish_date=written + dt.timedelta(days=rng.randint(1, 30)),
            status="in_force" if rng.random() < 0.85 else "expired",
            regions=[region],
            scenarios=[rng.choice(scenarios)],
            body="\n\n".join(paras),
            doc_number=f"京政发〔{written.year}〕{rng.randint(1, 400)}号"
            if rng.random() < 0.6
            else None,
        )


def write_site(out: Path, n: int, seed: int = SEED) -> Path:
    from devtools.sample_site import Site

    if (out / ".complete").exists():
        return out
    shutil.rmtree(out, ignore_errors=True)
    site = Site(list(pages(n, seed)))
    for d in site.docs:
        path = out / site.path(d)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(site.render(d))
    (out / ".complete").write_text(str(n))
    return out


def queries(count: int = 300, seed: int = SEED) -> list[dict]:
    """count searches: 1-4 words, common or rare, some filtered, some long questions."""
    from indexer.taxonomy import get

    rng = random.Random(seed + 1)
    words = vocabulary()
    zipf = Zipf(words, random.Random(seed))  # the pages' frequencies
    scenarios = list(get().scenarios)
    out = []
    for _ in range(count):
        k = rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        picked = zipf.draw(rng, k) if rng.random() < 0.5 else rng.sample(words, k)
        if rng.random() < 1 / 6:
            r = rng.choice(list(REGION_ZH))
            q = {"q": rng.choice(QUESTIONS).format(a=picked[0], b=picked[-1], r=REGION_ZH[r])}
        else:
            q = {"q": " ".join(dict.fromkeys(picked))}
        f = rng.random()
        if f < 0.1:
            q["region"] = rng.choice(list(REGION_ZH))
        elif f < 0.2:
            q["scenario"] = rng.choice(scenarios)
        elif f < 0.25:
            q["year"] = str(rng.randint(2016, 2025))
        out.append(q)
    return out


# ---- pages -> searchable -----------------------------------------------------------------------
def naive_build(site: Path, target: Path) -> dict:
    """BeautifulSoup get_text of every page, Whoosh + ChineseAnalyzer, one writer, one commit."""
    import jieba
    from bench import naive_schema
    from bs4 import BeautifulSoup
    from whoosh import index

    jieba.initialize()
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    t0 = time.perf_counter()
    ix = index.create_in(str(target), naive_schema())
    writer = ix.writer()
    n = 0
    for path in sorted(site.rglob("*.html")):
        soup = BeautifulSoup(path.read_bytes(), "html.parser")
        title = soup.title.get_text(strip=True) if soup.title else path.stem
        writer.add_document(id=str(path), url=str(path), title=title, body=soup.get_text(" "))
        n += 1
    writer.commit()
    return {"seconds": time.perf_counter() - t0, "docs": n}


def _timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bench_build(site: Path, data: Path, n: int) -> dict:
    """Ours: `policy-index crawl SITE` then `policy-index index --full`, each a process of its
    own; the naive build in a process of its own; one after the other."""
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = dict(os.environ, POLICY_INDEX_CRAWL_DELAY="0")
    cli = str(Path(PY).parent / "policy-index")
    load = os.getloadavg()[0]
    crawl = _timed([cli, "crawl", str(site), "--data", str(data), "--max-pages", str(2 * n)], env)
    index = _timed([cli, "index", "--full", "--data", str(data)], env)
    out = subprocess.run(
        [PY, __file__, "_naive", str(site), str(data / "naive-index")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    naive = json.loads(out.strip().splitlines()[-1])
    row = {
        "crawl_s": crawl,
        "index_s": index,
        "ours_s": crawl + index,
        "naive_s": naive["seconds"],
        "docs": naive["docs"],
        "load_avg": load,
    }
    row["ratio"] = row["naive_s"] / row["ours_s"]
    print(
        f"  pages -> searchable: ours {row['ours_s']:.1f} s (crawl {crawl:.1f}, index "
        f"{index:.1f}); naive {row['naive_s']:.1f} s; {row['ratio']:.2f}x  load {load:.2f}",
        flush=True,
    )
    return row


# ---- search in process -------------------------------------------------------------------------
def naive_times(data: Path, qs: list[dict]) -> list[float]:
    import jieba
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    jieba.initialize()
    ix = index.open_dir(str(data / "naive-index"))
    times = []
    for q in [qs[0], *qs]:
        t, c = time.perf_counter(), time.thread_time()
        parser = MultifieldParser(["title", "body"], ix.schema)
        with ix.searcher() as s:
            results = s.search(parser.parse(q["q"]), limit=10)
            json.dumps(
                {
                    "total": len(results),
                    "results": [
                        {"id": h["id"], "title": h["title"], "url": h["url"]} for h in results
                    ],
                }
            )
        times.append(((time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000))
    return times[1:]


def ours_times(data: Path, qs: list[dict], **overrides) -> list[float]:
    from indexer import settings
    from indexer import taxonomy as taxonomy_mod
    from search_app.index_version import SearchIndex
    from search_app.query import parse_params
    from search_app.search import SearchService

    config = settings.for_data(data).replace(response_cache=0, **overrides)
    svc = SearchService(SearchIndex(config.paths.index_root), taxonomy_mod.get(), config)
    params = [parse_params(q, svc.tax) for q in qs]
    for p in params:  # unmeasured: the index open, its tables built and the postings of these
        svc.search(p)  # queries' words decoded (within postings_cache_mb), as in a served worker
    times = []
    for p in params:
        t, c = time.perf_counter(), time.thread_time()
        json.dumps(svc.search(p).to_dict(), ensure_ascii=False)
        times.append(((time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000))
    return times


def bench_search(data: Path, qs: list[dict], rounds: int) -> dict:
    """Rounds of the queries, ours (response cache off, after one unmeasured pass; then nothing
    cached) and naive in turn.
    Wall-clock milliseconds per query, and the CPU milliseconds of the searching thread (on a
    shared machine the wall clock also counts the time other processes held the cores)."""
    ours, cold, naive = [], [], []
    load = os.getloadavg()[0]
    for _ in range(rounds):
        ours += ours_times(data, qs)
        cold += ours_times(data, qs, postings_cache_mb=0)
        naive += naive_times(data, qs)
    row = {"queries": len(qs), "rounds": rounds, "load_avg": load}
    for name, t in (("ours", ours), ("cold", cold), ("naive", naive)):
        wall, cpu = [w for w, _ in t], [c for _, c in t]
        row.update({f"{name}_p50": pct(wall, 50), f"{name}_p95": pct(wall, 95),
                    f"{name}_p99": pct(wall, 99), f"{name}_cpu_p50": pct(cpu, 50),
                    f"{name}_cpu_p95": pct(cpu, 95)})  # fmt: skip
    row["p95_ratio"] = row["naive_p95"] / row["ours_p95"]
    row["cpu_p95_ratio"] = row["naive_cpu_p95"] / row["ours_cpu_p95"]
    print(
        f"  search ({len(qs)} queries x {rounds}): ours p50 {row['ours_p50']:.1f} p95 "
        f"{row['ours_p95']:.1f} ms (cpu {row['ours_cpu_p50']:.1f} / {row['ours_cpu_p95']:.1f}); "
        f"nothing cached p50 {row['cold_p50']:.1f} p95 {row['cold_p95']:.1f} ms (cpu "
        f"{row['cold_cpu_p50']:.1f} / {row['cold_cpu_p95']:.1f}); naive p50 {row['naive_p50']:.1f}"
        f" p95 {row['naive_p95']:.1f} ms (cpu {row['naive_cpu_p50']:.1f} / "
        f"{row['naive_cpu_p95']:.1f}); p95 {row['p95_ratio']:.1f}x, cpu p95 "
        f"{row['cpu_p95_ratio']:.1f}x  load {load:.2f}",
        flush=True,
    )
    return row


# ---- report --------------------------------------------------------------------------------------
def _docs(tag: str) -> str:
    return "bundled (274)" if tag == "bundled" else f"{int(tag):,}"


def render(results: dict) -> str:
    sizes = sorted(results, key=lambda t: -1 if t == "bundled" else int(t))
    lines = []
    built = [(n, results[n]["build"]) for n in sizes if "build" in results[n]]
    if built:
        lines += [
            "#### Pages → searchable (generic workload)",
            "",
            "| documents | ours: crawl s | index s | total s | naive (BS4 + Whoosh) s | "
            "× naive | load avg |",
            "|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_docs(n)} | {r['crawl_s']:.1f} | {r['index_s']:.1f} | {r['ours_s']:.1f} | "
            f"{r['naive_s']:.1f} | {r['ratio']:.2f} | {r['load_avg']:.2f} |"
            for n, r in built
        ]
        lines.append("")
    found = [(n, results[n]["search"]) for n in sizes if "search" in results[n]]
    if found:
        lines += [
            "#### Search in process (generic workload, response cache off)",
            "",
            "| documents | queries × rounds | ours p50 ms | p95 ms | p99 ms | CPU p50 / p95 ms "
            "| nothing cached p50 / p95 ms | naive p50 ms | p95 ms | naive CPU p50 / p95 ms "
            "| naive p95 / ours p95 (CPU) | load avg |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_docs(n)} | {r['queries']} × {r['rounds']} | {r['ours_p50']:.1f} | "
            f"{r['ours_p95']:.1f} | {r['ours_p99']:.1f} | {r.get('ours_cpu_p50', 0):.1f} / "
            f"{r.get('ours_cpu_p95', 0):.1f} | {r['cold_p50']:.1f} / {r['cold_p95']:.1f} | "
            f"{r['naive_p50']:.1f} | {r['naive_p95']:.1f} | {r.get('naive_cpu_p50', 0):.1f} / "
            f"{r.get('naive_cpu_p95', 0):.1f} | {r['p95_ratio']:.1f} "
            f"({r.get('cpu_p95_ratio', 0):.1f}) | {r['load_avg']:.2f} |"
            for n, r in found
        ]
        lines.append("")
    served = [(n, results[n]["http"]) for n in sizes if "http" in results[n]]
    if served:
        lines += [
            "#### HTTP under gunicorn (generic workload; 2 workers × 4 threads, wrk -t2 -c8)",
            "",
            "| documents | endpoint | req/s | p50 ms | p95 ms | errors | × naive | "
            "workers' PSS MB |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for n, r in served:
            rows, pss = r["rows"], sum(w["pss"] for w in r["memory"]["app"]["workers"])
            for name, label in (
                ("naive", "naive Flask + Whoosh query"),
                ("project", "/api/search"),
                ("uncached", "/api/search, response cache off"),
            ):
                x = rows[name]
                lines.append(
                    f"| {_docs(n)} | {label} | {x['rps']:.0f} | {x['p50']:.1f} | "
                    f"{x['p95']:.1f} | {x['errors'] + x['non2xx']} | "
                    f"{x['rps'] / rows['naive']['rps']:.2f} | "
                    f"{pss if name == 'project' else '':{'.0f' if name == 'project' else ''}} |"
                )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_naive":
        sys.path.insert(0, str(ROOT))
        print(json.dumps(naive_build(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10000")
    ap.add_argument("--only", default="build,search", help="comma list of build, search, http")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the queries per variant")
    ap.add_argument("--duration", type=int, default=15, help="seconds of load per HTTP run")
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="the checkout whose indexer and search_app are searched (before/after)",
    )
    ap.add_argument("--cache", type=Path, default=ROOT / ".bench")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/PERFORMANCE.md")
    args = ap.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    if args.code.resolve() != ROOT:
        sys.path.insert(1, str(ROOT))  # devtools of this checkout for the pages
    only = set(args.only.split(","))
    cache = args.cache.resolve()
    cache.mkdir(exist_ok=True)
    saved = cache / "results.json"
    results = json.loads(saved.read_text()) if saved.exists() else {}
    generic = results.setdefault("generic", {})
    qs = queries(args.queries, args.seed)
    for tag in args.sizes.split(","):
        if tag == "bundled":  # the fixed cost of a search: the small bundled corpus
            site, n = ROOT / "policies/corpus/site", 1000
        else:
            n = int(tag)
            site = write_site(cache / f"generic-site-{n}", n, args.seed)
        data = cache / f"generic-data-{tag}"
        res = generic.setdefault(tag, {})
        print(f"generic workload, {tag} documents", flush=True)
        if "build" in only or not (data / "naive-index").exists():
            res["build"] = bench_build(site, data, n)
            saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        if "search" in only:
            res["search"] = bench_search(data, qs, args.rounds) | {"code": str(args.code)}
            saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        if "http" in only:
            sys.path.insert(0, str(ROOT / "scripts"))
            import bench

            res["http"] = bench.bench_http(data, args.duration, cache, args.warmup, qs)
            saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    table = render(generic)
    print(table)
    if args.code.resolve() == ROOT:
        from bench import write_doc_between

        write_doc_between(args.out, table, BEGIN, END)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
