"""The judged queries hold a floor, so ranking cannot silently regress
(python scripts/evaluate.py)."""

from devtools.evaluation import evaluate, load, slug_ids, summary

# The search-quality targets are nDCG@10 >= 0.85 overall and >= 0.75 for every kind. The dev set
# grew from 120 to 180 queries (d2-*, written from user descriptions): on it the code before the
# issue-17 work measured 0.838 overall, colloquial 0.70; now 0.867, colloquial 0.74 (the weakest).
# The floors below hold what is reached.
FLOORS = {"ndcg@10": 0.86, "mrr": 0.95, "recall@10": 0.82}
KIND_NDCG_FLOOR = 0.72


def test_judgments_name_real_documents():
    ids = slug_ids()
    queries = load()
    assert len(queries) >= 80
    assert {q["kind"] for q in queries} == {
        "keyword",
        "question",
        "colloquial",
        "english",
        "traditional",
        "doc_number",
        "community",
        "staff",
        "mixed",
    }
    for q in queries:
        assert q["judgments"] and all(s in ids for s in q["judgments"]), q["id"]


def test_ranking_floor(sample_app):
    svc = sample_app.extensions["policy_index"]
    stats = summary(evaluate(svc))
    overall = stats["overall"]
    for metric, floor in FLOORS.items():
        assert overall[metric] >= floor, (metric, overall)
    assert stats["doc_number"]["mrr"] == 1.0
    assert overall["zero_results"] == 0 and overall["duplicates"] == 0
    for kind, s in stats.items():
        assert s["ndcg@10"] >= KIND_NDCG_FLOOR, (kind, s)
