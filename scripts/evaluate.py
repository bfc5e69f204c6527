"""Run judged queries and print nDCG@10, MRR and Recall@10 per kind.

python scripts/evaluate.py                 # the dev set (policies/eval/judgments.yaml); builds the
                                           # bundled corpus in a temp folder first
python scripts/evaluate.py --set heldout   # the frozen held-out set (policies/eval/heldout/)
python scripts/evaluate.py --set all       # both, one table each
python scripts/evaluate.py --data var      # an existing data folder built from the bundled corpus
python scripts/evaluate.py --worst 10      # also list the weakest queries with their top results
"""

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.evaluation import SETS, evaluate, load, summary, table  # noqa: E402
from indexer import pipeline, settings  # noqa: E402
from indexer import taxonomy as taxonomy_mod  # noqa: E402
from search_app.index_version import SearchIndex  # noqa: E402
from search_app.search import SearchService  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data", type=Path)
    ap.add_argument("--worst", type=int, default=0)
    ap.add_argument("--set", choices=[*SETS, "all"], default="dev")
    args = ap.parse_args()
    config = settings.for_data(args.data or Path(tempfile.mkdtemp(prefix="policy-index-eval-")))
    if pipeline.needs_bootstrap(config):
        pipeline.bootstrap(config, progress=False)
    svc = SearchService(SearchIndex(config.paths.index_root), taxonomy_mod.get(), config)
    for name in SETS if args.set == "all" else [args.set]:
        results = evaluate(svc, load(SETS[name]))
        print(f"\n{name} ({SETS[name].relative_to(ROOT)})")
        print(table(summary(results)))
        for r in sorted(results, key=lambda r: r.ndcg)[: args.worst]:
            print(f"\n{r.id} [{r.kind}] {r.q!r}: nDCG {r.ndcg:.2f}, RR {r.rr:.2f}, total {r.total}")
            for line in r.top[:5]:
                print("   ", line)


if __name__ == "__main__":
    main()
