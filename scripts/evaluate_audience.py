"""Audience tags and eligibility conditions against the hand labels: per-tag and micro precision
and recall, and the recall of the labelled conditions.

python scripts/evaluate_audience.py                # the dev labels (45 documents)
python scripts/evaluate_audience.py --set heldout  # the held-out labels (65): aggregates only
python scripts/evaluate_audience.py --misses       # dev only: each document whose tags differ
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.audience_eval import SETS, derived_documents, measure, misses, table  # noqa: E402
from indexer import taxonomy as taxonomy_mod  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--set", choices=SETS, default="dev")
    ap.add_argument("--misses", action="store_true", help="dev set only")
    args = ap.parse_args()
    if args.misses and args.set != "dev":
        ap.error("--misses is for the dev set only: the held-out set is measured, not read")
    docs = derived_documents()
    print(f"audience, {args.set} labels")
    print(table(measure(args.set, docs), taxonomy_mod.get().audiences))
    if args.misses:
        print("\n".join(["", *misses("dev", docs)]))


if __name__ == "__main__":
    main()
