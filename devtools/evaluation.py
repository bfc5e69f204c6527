"""The search evaluation harness: judged queries -> nDCG@10, MRR and Recall@10 per kind
(no Flask)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from indexer import settings
from indexer.model import doc_id
from search_app.query import parse_params
from search_app.search import SearchService

JUDGMENTS = settings.POLICIES_DIR / "eval" / "judgments.yaml"
HELDOUT = settings.POLICIES_DIR / "eval" / "heldout" / "queries.yaml"  # frozen: measure, never tune
SETS = {"dev": JUDGMENTS, "heldout": HELDOUT}
K = 10


@dataclass
class QueryResult:
    id: str
    kind: str
    q: str
    ndcg: float
    rr: float
    recall: float
    total: int
    duplicates: int
    top: list[str] = field(default_factory=list)


def slug_ids(src: Path = settings.POLICIES_DIR / "corpus" / "src") -> dict[str, str]:
    """Corpus slug -> the id of its page in the bundled sample site."""
    return {
        p.stem: doc_id(f"{settings.SAMPLE_BASE_URL}{p.parent.name}/{p.stem}.html")
        for p in src.glob("*/*.yaml")
    }


def load(path: Path = JUDGMENTS) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def dcg(gains: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def evaluate_query(svc: SearchService, query: dict, ids: dict[str, str]) -> QueryResult:
    args = {"q": query["q"], "per_page": str(K)}
    if query.get("region"):
        args["region"] = query["region"]
    resp = svc.search(parse_params(args, svc.tax))
    grades = {ids[s]: g for s, g in query["judgments"].items()}
    got = [r.id for r in resp.results]
    gains = [grades.get(i, 0) for i in got]
    ideal = sorted(grades.values(), reverse=True)[:K]
    ndcg = dcg(gains) / dcg(ideal) if ideal else 0.0
    useful = {i for i, g in grades.items() if g >= 2}
    rr = next((1 / (n + 1) for n, i in enumerate(got) if i in useful), 0.0)
    recall = len(useful & set(got)) / len(useful) if useful else 1.0
    titles = [r.title for r in resp.results]
    return QueryResult(
        query["id"],
        query["kind"],
        query["q"],
        ndcg,
        rr,
        recall,
        resp.total,
        len(titles) - len(set(titles)),
        [f"{grades.get(i, 0)} {t}" for i, t in zip(got, titles, strict=True)],
    )


def evaluate(svc: SearchService, queries: list[dict] | None = None) -> list[QueryResult]:
    ids = slug_ids()
    return [evaluate_query(svc, q, ids) for q in (queries or load())]


def summary(results: list[QueryResult]) -> dict[str, dict[str, float]]:
    """Mean metrics per kind and overall, with the zero-result rate and duplicate count."""
    groups: dict[str, list[QueryResult]] = defaultdict(list)
    for r in results:
        groups[r.kind].append(r)
        groups["overall"].append(r)
    out = {}
    for kind, rs in sorted(groups.items(), key=lambda kv: (kv[0] == "overall", kv[0])):
        n = len(rs)
        out[kind] = {
            "queries": n,
            "ndcg@10": sum(r.ndcg for r in rs) / n,
            "mrr": sum(r.rr for r in rs) / n,
            "recall@10": sum(r.recall for r in rs) / n,
            "zero_results": sum(r.total == 0 for r in rs) / n,
            "duplicates": sum(r.duplicates for r in rs),
        }
    return out


def table(stats: dict[str, dict[str, float]]) -> str:
    lines = [
        "| kind | queries | nDCG@10 | MRR | Recall@10 | zero-result | duplicates |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind, s in stats.items():
        lines.append(
            f"| {kind} | {s['queries']} | {s['ndcg@10']:.3f} | {s['mrr']:.3f} | "
            f"{s['recall@10']:.3f} | "
            f"{s['zero_results']:.1%} | {s['duplicates']} |"
        )
    return "\n".join(lines)
