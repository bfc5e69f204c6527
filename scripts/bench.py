"""Benchmarks on expanded corpora: indexing, search latency, HTTP under gunicorn, memory,
cold start.

    # 10k, 50k and 100k documents, everything
    python scripts/bench.py
    # some sizes, some benchmarks
    python scripts/bench.py --sizes 10000 --only index,search
    python scripts/bench.py --sizes 10000 --only http --duration 20

Corpora come from the corpus expander (indexer/sample_expand.py, as scripts/expand_corpus.py writes
them), crawled into .bench/data-N and kept for later runs; a smaller corpus is cut from a larger one
already crawled (the expander's first N documents are the same at every size). Each benchmark prints
a table; results gather in .bench/results.json and are written between the markers of
docs/PERFORMANCE.md (--out). Baselines are measured in the same run:
  indexing  ceiling = jieba.cut over the same text (one process); naive = Whoosh + jieba.analyse's
            ChineseAnalyzer on title and body, one writer with default settings, one commit;
  HTTP      ceiling = a constant-JSON endpoint of the same app; naive = Flask over the naive index
            running a QueryParser query per request, under the same gunicorn.conf.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
from bench_search import QUERIES  # noqa: E402

PY = sys.executable
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
TARGETS = {
    "index_vs_naive": 2.0,
    "search_p50_ms": 10.0,
    "search_p95_ms": 40.0,
    "http_vs_naive": 5.0,
    "workers_mb": 300.0,
}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# ---- corpora -------------------------------------------------------------------------------------
def store_count(store: Path) -> int:
    if not store.exists():
        return 0
    with sqlite3.connect(store) as db:
        return db.execute("SELECT COUNT(*) FROM documents WHERE deleted = 0").fetchone()[0]


def ensure_corpus(cache: Path, n: int) -> Path:
    """.bench/data-N holding the expander's first n documents, crawled
    (or cut from a larger crawl)."""
    data = cache / f"data-{n}"
    store = data / "documents.sqlite3"
    if store_count(store) >= n:
        return data
    bigger = sorted(
        (
            p
            for p in cache.glob("data-*")
            if p.name[5:].isdigit()
            and int(p.name[5:]) > n
            and store_count(p / "documents.sqlite3") >= int(p.name[5:])
        ),
        key=lambda p: int(p.name[5:]),
    )
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if bigger:
        print(f"cutting the {n}-document corpus from {bigger[0]}")
        with sqlite3.connect(bigger[0] / "documents.sqlite3") as src:
            src.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(bigger[0] / "documents.sqlite3", store)
        with sqlite3.connect(store) as db:
            # Variants are numbered -x<i> in expansion order; the originals (no number) come first.
            db.create_function(
                "beyond",
                1,
                lambda url: int(
                    bool((m := re.search(r"-x(\d+)\.html$", url)) and int(m.group(1)) >= n)
                ),
            )
            db.execute("DELETE FROM documents WHERE beyond(url)")
            db.execute("DELETE FROM fetch_log")
            db.execute("DELETE FROM frontier")
        with sqlite3.connect(store) as db:
            db.execute("VACUUM")
        return data
    site = cache / f"site-{n}"
    if not site.exists():
        subprocess.run([PY, str(ROOT / "scripts/expand_corpus.py"), str(n), str(site)], check=True)
    print(f"crawling {site} into {data} (once; later runs reuse it)")
    env = dict(os.environ, POLICY_INDEX_CRAWL_DELAY="0")
    subprocess.run(
        [
            str(Path(PY).parent / "policy-index"),
            "crawl",
            str(site),
            "--data",
            str(data),
            "--max-pages",
            str(n * 2),
        ],
        check=True,
        env=env,
    )
    return data


# ---- indexing (each variant in its own process, so its peak memory is its own) -----------------
def _load_texts(data: Path) -> list[tuple]:
    from indexer.store import DocumentStore

    with DocumentStore(data / "documents.sqlite3") as store:
        return [(d.id, d.url, d.title, d.text) for d in store.iter_documents()]


def child_index(kind: str, data: Path) -> dict:
    """Runs in a child process: one indexing variant, timed after jieba has loaded."""
    if kind == "ceiling":
        from indexer.analysis import DEFAULT_USER_DICT, jieba_tokenizer

        texts = [f"{t}\n{x}" for _, _, t, x in _load_texts(data)]
        tok = jieba_tokenizer(DEFAULT_USER_DICT)
        t0 = time.perf_counter()
        for text in texts:
            for _ in tok.cut(text):
                pass
        return {
            "seconds": time.perf_counter() - t0,
            "docs": len(texts),
            "chars": sum(map(len, texts)),
        }
    if kind == "naive":
        import jieba
        from whoosh import index

        from indexer.store import DocumentStore

        jieba.initialize()
        target = data / "naive-index"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        t0 = time.perf_counter()
        ix = index.create_in(str(target), naive_schema())
        writer = ix.writer()
        n = chars = 0
        with DocumentStore(data / "documents.sqlite3") as store:
            for d in store.iter_documents():
                writer.add_document(id=d.id, url=d.url, title=d.title, body=d.text)
                n += 1
                chars += len(d.title) + 1 + len(d.text)
        writer.commit()
        return {"seconds": time.perf_counter() - t0, "docs": n, "chars": chars}
    from indexer import pipeline, settings
    from indexer.analysis import warm

    warm()
    t0 = time.perf_counter()
    report = pipeline.index(settings.for_data(data), full=True)
    seconds = time.perf_counter() - t0
    texts = _load_texts(data)
    return {
        "seconds": seconds,
        "docs": len(texts),
        "written": report.added,
        "chars": sum(len(t) + 1 + len(x) for _, _, t, x in texts),
    }


def naive_schema():
    """The naive baseline's schema: the Whoosh quick start with jieba's ChineseAnalyzer on title
    and body (both workloads index with it)."""
    from jieba.analyse import ChineseAnalyzer
    from whoosh.fields import ID, STORED, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        url=STORED,
        title=TEXT(analyzer=ChineseAnalyzer(), stored=True),
        body=TEXT(analyzer=ChineseAnalyzer()),
    )


def run_child(args: list[str]) -> tuple[dict, float]:
    """Run `bench.py _child ...`; its JSON answer and the peak RSS (MB) of its process tree."""
    proc = subprocess.Popen([PY, __file__, "_child", *args], stdout=subprocess.PIPE, text=True)
    peak = 0.0
    ps = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            rss = sum(p.memory_info().rss for p in [ps, *ps.children(recursive=True)])
            peak = max(peak, rss / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.1)
    out = proc.stdout.read()
    if proc.returncode:
        raise SystemExit(f"benchmark child {args} failed ({proc.returncode})")
    return json.loads(out.strip().splitlines()[-1]), peak


def bench_index(data: Path, n: int) -> dict:
    rows = {}
    for kind in ("ceiling", "naive", "project"):
        r, peak = run_child(["index", kind, str(data)])
        r.update(
            docs_s=r["docs"] / r["seconds"], chars_s=r["chars"] / r["seconds"], peak_rss_mb=peak
        )
        rows[kind] = r
        print(
            f"  {kind:8} {r['docs']:>7} docs  {r['seconds']:8.1f} s  {r['docs_s']:8.1f} docs/s  "
            f"{r['chars_s'] / 1e3:8.1f} kchars/s  peak RSS {peak:6.0f} MB",
            flush=True,
        )
    rows["project"]["vs_naive"] = rows["project"]["docs_s"] / rows["naive"]["docs_s"]
    rows["project"]["vs_ceiling"] = rows["project"]["docs_s"] / rows["ceiling"]["docs_s"]
    return rows


# ---- search ------------------------------------------------------------------------------------
def _mix_rounds(svc, params: list, rounds: int) -> list[list[float]]:
    per_round = []
    for _ in range(rounds):
        times = []
        for p in params:
            t = time.perf_counter()
            json.dumps(svc.search(p).to_dict(), ensure_ascii=False)
            times.append((time.perf_counter() - t) * 1000)
        per_round.append(times)
    return per_round


def bench_search(data: Path, rounds: int, uncached_rounds: int) -> dict:
    from indexer import settings
    from indexer import taxonomy as taxonomy_mod
    from search_app.index_version import SearchIndex
    from search_app.query import parse_params
    from search_app.search import SearchService

    config = settings.for_data(data)
    index_root = config.paths.index_root
    svc = SearchService(SearchIndex(index_root), taxonomy_mod.get(), config)
    params = [parse_params(q, svc.tax) for q in QUERIES]
    t0 = time.perf_counter()
    svc.search(params[0]).to_dict()
    first = (time.perf_counter() - t0) * 1000
    per_round = _mix_rounds(svc, params, rounds)
    flat = [t for r in per_round[1:] or per_round for t in r]
    # Every query searched afresh: a service of its own with the response cache off; its decoded
    # postings cached as served (warm after the first round), then nothing cached at all.
    uncached = _fresh_rounds(config.replace(response_cache=0), svc.tax, params, uncached_rounds)
    cold = _fresh_rounds(config.replace(response_cache=0, postings_cache_mb=0), svc.tax, params,
                         uncached_rounds)  # fmt: skip
    # The naive baseline on the same corpus, same process: the Whoosh quick-start query per search.
    from bench_generic import naive_times

    naive = (
        [w for _ in range(uncached_rounds) for w, _ in naive_times(data, QUERIES)]
        if (data / "naive-index").exists()
        else []
    )
    out = {
        "first_ms": first,
        "queries": len(params),
        "rounds": rounds,
        "round1_p50": pct(per_round[0], 50),
        "round1_max": max(per_round[0]),
        "p50": pct(flat, 50),
        "p95": pct(flat, 95),
        "p99": pct(flat, 99),
        "max": max(flat),
        "median_of_round_p50": statistics.median(pct(r, 50) for r in per_round[1:] or per_round),
        "uncached_rounds": uncached_rounds,
        "uncached_p50": pct(uncached, 50),
        "uncached_p95": pct(uncached, 95),
        "uncached_p99": pct(uncached, 99),
        "uncached_max": max(uncached),
        "cold_p50": pct(cold, 50),
        "cold_p95": pct(cold, 95),
        "cold_p99": pct(cold, 99),
        "docs": svc.index.searcher().doc_count(),
    }
    if naive:
        out.update(naive_p50=pct(naive, 50), naive_p95=pct(naive, 95))
        out["p95_ratio"] = out["naive_p95"] / out["uncached_p95"]
    print(
        f"  first query {first:.1f} ms; round 1 p50 {out['round1_p50']:.2f} ms; "
        f"rounds 2..{rounds}: p50 {out['p50']:.2f}  p95 {out['p95']:.2f}  "
        f"p99 {out['p99']:.2f}  max {out['max']:.2f} ms; "
        f"cache off ({uncached_rounds} rounds): p50 {out['uncached_p50']:.1f}  "
        f"p95 {out['uncached_p95']:.1f}  "
        f"p99 {out['uncached_p99']:.1f} ms; nothing cached: p50 {out['cold_p50']:.1f}  "
        f"p95 {out['cold_p95']:.1f} ms",
        flush=True,
    )
    return out


def _fresh_rounds(config, tax, params: list, rounds: int) -> list[float]:
    """Rounds of the mix on a service of its own with the given configuration."""
    from search_app.index_version import SearchIndex
    from search_app.search import SearchService

    fresh = SearchService(SearchIndex(config.paths.index_root), tax, config)
    fresh.search(params[0])  # opens the index and builds its tables, as a service in use has
    return [t for r in _mix_rounds(fresh, params, rounds) for t in r]


# ---- HTTP under gunicorn -----------------------------------------------------------------------
WRK_LUA = """
local paths = {%s}
local i = math.random(#paths)
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(s, latency, requests)
  local e = s.errors
  io.write(string.format('BENCH {"requests": %%d, "duration_us": %%d, "errors": %%d, \
"non2xx": %%d, ' ..
    '"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d}\\n', s.requests, s.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50), \
latency:percentile(95),
    latency:percentile(99), latency.max))
end
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read()
            return r.status
    except OSError:
        return 0


def search_paths(naive: bool, queries: list[dict] = QUERIES) -> list[str]:
    out = []
    for q in queries:
        args = {"q": q["q"]} if naive else q
        out.append("/api/search?" + urllib.parse.urlencode(args))
    return out


class Gunicorn:
    """gunicorn -c gunicorn.conf.py scripts/bench_wsgi:app on a free 127.0.0.1 port."""

    def __init__(self, data: Path, which: str, log: Path, response_cache: bool = True):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(
            os.environ,
            POLICY_INDEX_DATA=str(data),
            POLICY_INDEX_BIND=f"127.0.0.1:{self.port}",
            POLICY_INDEX_BENCH_APP=which,
            POLICY_INDEX_QUERY_LOG="0",
            PYTHONPATH=str(ROOT / "scripts"),
        )
        if not response_cache:
            env["POLICY_INDEX_RESPONSE_CACHE"] = "0"  # every request searched afresh
        self.log = open(log, "w")  # noqa: SIM115  (closed in stop())
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [
                str(Path(PY).parent / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "bench_wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )

    def wait_first_answer(self, path: str, timeout: float = 120.0) -> float:
        """Seconds from launch to the first 200 answer of path."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited ({self.proc.returncode}); see {self.log.name}")
            # A cold query on a large corpus with the cache off can take seconds: wait for it.
            if _get(self.base + path, timeout=max(2.0, deadline - time.perf_counter())) == 200:
                return time.perf_counter() - self.started
            time.sleep(0.02)
        raise SystemExit(f"gunicorn gave no answer in {timeout}s; see {self.log.name}")

    def memory(self) -> dict:
        master = psutil.Process(self.proc.pid)
        workers = []
        for w in master.children():
            m = w.memory_full_info()
            workers.append({"rss": m.rss / 2**20, "pss": m.pss / 2**20, "uss": m.uss / 2**20})
        m = master.memory_full_info()
        return {
            "workers": workers,
            "master": {"rss": m.rss / 2**20, "pss": m.pss / 2**20, "uss": m.uss / 2**20},
        }

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def wrk(base: str, paths: list[str], duration: int, cache: Path) -> dict:
    script = cache / "wrk-mix.lua"
    script.write_text(
        WRK_LUA % ", ".join(json.dumps(p, ensure_ascii=False) for p in paths), encoding="utf-8"
    )
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{duration}s", "--timeout", "10s", "-s", str(script), base],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    r = json.loads(out.split("BENCH ", 1)[1])
    return {
        "rps": r["requests"] / (r["duration_us"] / 1e6),
        "requests": r["requests"],
        "errors": r["errors"],
        "non2xx": r["non2xx"],
        "p50": r["p50"] / 1000,
        "p95": r["p95"] / 1000,
        "p99": r["p99"] / 1000,
        "max": r["max"] / 1000,
    }


def bench_http(data: Path, duration: int, cache: Path, warmup: int, queries=QUERIES) -> dict:
    rows: dict[str, dict] = {}
    mem: dict[str, dict] = {}
    loads = []
    for which in ("naive", "app", "uncached"):
        g = Gunicorn(
            data,
            "app" if which == "uncached" else which,
            cache / f"gunicorn-{which}.log",
            response_cache=which != "uncached",
        )
        try:
            paths = search_paths(naive=which == "naive", queries=queries)
            cold = g.wait_first_answer(paths[0])
            # Warm-up under the same load, not measured: every worker and thread has opened its
            # searcher and built its caches (each worker has its own), as a service in use has.
            wrk(g.base, paths, warmup, cache)
            targets = {
                "naive": [("naive", paths)],
                "uncached": [("uncached", paths)],
                "app": [("constant", ["/_bench/constant"]), ("project", paths)],
            }[which]
            for name, ps in targets:
                loads.append(os.getloadavg()[0])
                rows[name] = wrk(g.base, ps, duration, cache)
                rows[name]["cold_start_s"] = cold
                r = rows[name]
                print(
                    f"  {name:8} {r['rps']:8.1f} req/s  p50 {r['p50']:7.2f}  p95 {r['p95']:7.2f}  "
                    f"p99 {r['p99']:7.2f} ms  errors {r['errors']} non-2xx {r['non2xx']}",
                    flush=True,
                )
            if which != "uncached":
                mem[which] = g.memory()
        finally:
            g.stop()
    rows["project"]["vs_naive"] = rows["project"]["rps"] / rows["naive"]["rps"]
    rows["project"]["vs_constant"] = rows["project"]["rps"] / rows["constant"]["rps"]
    w = mem["app"]["workers"]
    print(
        f"  cold start to first answer {rows['project']['cold_start_s']:.2f} s; workers RSS "
        + ", ".join(f"{x['rss']:.0f}" for x in w)
        + " MB; PSS "
        + ", ".join(f"{x['pss']:.0f}" for x in w)
        + f" MB (sum {sum(x['pss'] for x in w):.0f} MB); USS "
        + ", ".join(f"{x['uss']:.0f}" for x in w)
        + " MB"
    )
    return {"rows": rows, "memory": mem, "load_avg": loads}


# ---- report ------------------------------------------------------------------------------------
def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((ln.split(":", 1)[1].strip() for ln in cpuinfo if ln.startswith("model name")), "?")
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "date": dt.datetime.now().isoformat(timespec="minutes"),
    }


def render(results: dict) -> str:
    m = results.get("machine", {})
    lines = [
        f"Measured {m.get('date')} on {m.get('cpus')} × {m.get('cpu')}, "
        f"{m.get('ram_gib')} GiB RAM, "
        f"Python {m.get('python')}.",
        "",
    ]
    sizes = sorted(results.get("sizes", {}), key=int)
    idx = [(n, results["sizes"][n]["index"]) for n in sizes if "index" in results["sizes"][n]]
    if idx:
        lines += [
            "### Indexing",
            "",
            "| documents | variant | seconds | docs/s | kchars/s | × naive | peak RSS MB | "
            "load avg |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for n, r in idx:
            for kind, label in (
                ("ceiling", "jieba.cut only (ceiling, 1 process)"),
                ("naive", "naive Whoosh + ChineseAnalyzer"),
                ("project", "policy-index full build"),
            ):
                x = r[kind]
                lines.append(
                    f"| {int(n):,} | {label} | {x['seconds']:.1f} | {x['docs_s']:.0f} | "
                    f"{x['chars_s'] / 1e3:.0f} | {x['docs_s'] / r['naive']['docs_s']:.2f} | "
                    f"{x['peak_rss_mb']:.0f} | {r.get('load_avg', 0):.2f} |"
                )
        lines.append("")
    srch = [(n, results["sizes"][n]["search"]) for n in sizes if "search" in results["sizes"][n]]
    if srch:
        lines += [
            "### Search (full response: results, snippets, facets, packages; in process)",
            "",
            "Repeated: the mix again and again, answered from the response cache after round 1. "
            "Cache off: every query searched afresh (`POLICY_INDEX_RESPONSE_CACHE=0`), its terms' "
            "decoded postings kept as served (`postings_cache_mb`). Nothing cached: "
            "`POLICY_INDEX_POSTINGS_CACHE_MB=0` too, every query decodes its postings.",
            "",
            "| documents | queries × rounds | first query ms | repeated p50 ms | p95 ms | p99 ms | "
            "cache off: rounds | p50 ms | p95 ms | p99 ms | "
            "nothing cached: p50 ms | p95 ms | naive p50 ms | naive p95 ms | "
            "naive p95 / cache-off p95 | load avg |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, r in srch:
            off = (
                (
                    f"{r['uncached_rounds']} | {r['uncached_p50']:.1f} | {r['uncached_p95']:.1f} | "
                    f"{r['uncached_p99']:.1f}"
                )
                if "uncached_p50" in r
                else "– | – | – | –"
            )
            off += (
                f" | {r['cold_p50']:.1f} | {r['cold_p95']:.1f}" if "cold_p50" in r else " | – | –"
            )
            off += (
                f" | {r['naive_p50']:.1f} | {r['naive_p95']:.1f} | {r['p95_ratio']:.1f}"
                if "naive_p50" in r
                else " | – | – | –"
            )
            lines.append(
                f"| {int(n):,} | {r['queries']} × {r['rounds']} | {r['first_ms']:.0f} | "
                f"{r['p50']:.2f} | {r['p95']:.2f} | {r['p99']:.2f} | {off} | "
                f"{r.get('load_avg', 0):.2f} |"
            )
        lines.append("")
    http = [(n, results["sizes"][n]["http"]) for n in sizes if "http" in results["sizes"][n]]
    if http:
        lines += [
            "### HTTP (gunicorn.conf.py: 2 workers × 4 threads; wrk -t2 -c8 on 127.0.0.1)",
            "",
            "| documents | endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | × naive |",
            "|---:|---|---:|---:|---:|---:|---:|---:|",
        ]
        for n, r in http:
            rows = r["rows"]
            for name, label in (
                ("constant", "constant JSON (ceiling)"),
                ("naive", "naive Flask + Whoosh query"),
                ("project", "/api/search, query mix"),
                ("uncached", "/api/search, query mix, response cache off"),
            ):
                if name not in rows:
                    continue
                x = rows[name]
                lines.append(
                    f"| {int(n):,} | {label} | {x['rps']:.0f} | {x['p50']:.1f} | {x['p95']:.1f} | "
                    f"{x['p99']:.1f} | {x['errors'] + x['non2xx']} | "
                    f"{x['rps'] / rows['naive']['rps']:.2f} |"
                )
        lines += [
            "",
            "### Memory and cold start",
            "",
            "| documents | indexing peak RSS MB | worker RSS MB | worker PSS MB | worker USS MB | "
            "master PSS MB | workers PSS total MB | cold start to first answer s |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for n, r in http:
            mem = r["memory"]["app"]
            w = mem["workers"]
            peak = results["sizes"][n].get("index", {}).get("project", {}).get("peak_rss_mb")

            def col(key, w=w):
                return " / ".join(f"{x[key]:.0f}" for x in w)

            peak_text = f"{peak:.0f}" if peak else "–"
            lines.append(
                f"| {int(n):,} | {peak_text} | {col('rss')} | {col('pss')} | {col('uss')} | "
                f"{mem['master']['pss']:.0f} | {sum(x['pss'] for x in w):.0f} | "
                f"{r['rows']['project']['cold_start_s']:.2f} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_doc(out: Path, body: str) -> None:
    write_doc_between(out, body, BEGIN, END)


def write_doc_between(out: Path, body: str, begin: str, end: str) -> None:
    text = out.read_text(encoding="utf-8") if out.exists() else f"# Performance\n\n{begin}\n{end}\n"
    if begin not in text:
        text += f"\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1] if end in rest else ""
    out.write_text(f"{head}{begin}\n{body}\n{end}{tail}", encoding="utf-8")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(child_index(sys.argv[3], Path(sys.argv[4]))))
        return
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument(
        "--only",
        default="index,search,http",
        help="comma list of index, search, http (http also measures worker memory and cold start)",
    )
    ap.add_argument(
        "--rounds", type=int, default=20, help="rounds of the query mix in the search benchmark"
    )
    ap.add_argument(
        "--uncached-rounds",
        type=int,
        default=5,
        help="rounds of the mix with the response cache off",
    )
    ap.add_argument("--duration", type=int, default=15, help="seconds of load per HTTP measurement")
    ap.add_argument(
        "--warmup", type=int, default=10, help="seconds of unmeasured load before each HTTP run"
    )
    ap.add_argument("--cache", type=Path, default=ROOT / ".bench")
    ap.add_argument("--out", type=Path, default=ROOT / "docs/PERFORMANCE.md")
    ap.add_argument(
        "--workload",
        default="mix,generic",
        help="mix (the expanded samples and the 16-query mix), generic (scripts/bench_generic.py: "
        "generated pages, 300 sampled queries), or both",
    )
    args = ap.parse_args()
    only = set(args.only.split(","))
    args.cache.mkdir(exist_ok=True)
    workloads = set(args.workload.split(","))
    if "generic" in workloads:  # its own process: its own tables, between its own markers
        steps = ",".join({"index": "build", "search": "search", "http": "http"}[o] for o in only)
        generic = [PY, str(ROOT / "scripts/bench_generic.py"), "--sizes", args.sizes, "--only",
                   steps, "--duration", str(args.duration), "--warmup", str(args.warmup),
                   "--cache", str(args.cache), "--out", str(args.out)]  # fmt: skip
        subprocess.run(generic, check=True)
    if "mix" not in workloads:
        return
    saved = args.cache / "results.json"
    results = json.loads(saved.read_text()) if saved.exists() else {}
    results["machine"] = machine()
    for n in (int(s) for s in args.sizes.split(",")):
        data = ensure_corpus(args.cache.resolve(), n)
        res = results.setdefault("sizes", {}).setdefault(str(n), {})
        if "index" in only or not (data / "index").exists():
            print(f"indexing, {n:,} documents (load average {os.getloadavg()[0]:.2f})", flush=True)
            res["index"] = bench_index(data, n) | {"load_avg": os.getloadavg()[0]}
            saved.write_text(
                json.dumps(results, indent=1, ensure_ascii=False)
            )  # kept if a later step fails
        if "search" in only:
            print(f"search, {n:,} documents", flush=True)
            load = os.getloadavg()[0]
            res["search"] = bench_search(data, args.rounds, args.uncached_rounds) | {
                "load_avg": load
            }
            saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
        if "http" in only:
            print(f"HTTP, {n:,} documents", flush=True)
            res["http"] = bench_http(data, args.duration, args.cache, args.warmup)
            saved.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    table = render(results)
    print(table)
    write_doc(args.out, table)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
