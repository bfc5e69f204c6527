"""Extraction accuracy per field, with the rule that won each field, on the dev pages and on the
frozen held-out pages, reported apart.

    python scripts/extraction_report.py                  # golden, corpus and held-out
    python scripts/extraction_report.py --set heldout --misses
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools.extraction_eval import EXTRA, FIELDS, SETS, evaluate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "--set", choices=sorted(SETS), action="append", help="Sets to report (default all)."
    )
    ap.add_argument("--misses", action="store_true", help="List every field that was wrong.")
    args = ap.parse_args()
    reports = [evaluate(name) for name in args.set or ("golden", "corpus", "heldout")]
    print("| field | " + " | ".join(f"{r.name} ({len(r.outcomes)} pages)" for r in reports) + " |")
    print("|---|" + "---|" * len(reports))
    for f in FIELDS + EXTRA:
        print(f"| {f} | " + " | ".join(f"{r.accuracy(f):.3f}" for r in reports) + " |")
    print("| body text (phrases in, boilerplate out) | "
          + " | ".join(f"{r.text_accuracy():.3f}" for r in reports) + " |")  # fmt: skip
    rows = []
    for r in reports:
        kept, docs, wrong, listings = r.kept()
        rows.append(
            f"{kept} of {docs}" + (f"; listings kept {wrong} of {listings}" if listings else "")
        )
    print("| documents kept | " + " | ".join(rows) + " |")
    recall = ["-" if r.guide_recall() is None else f"{r.guide_recall():.3f}" for r in reports]
    print("| guide fields found | " + " | ".join(recall) + " |")
    print("| normalize ms / page | " + " | ".join(f"{r.ms_per_page():.2f}" for r in reports) + " |")
    print()
    for r in reports:
        print(f"Which rule won each field ({r.name}):")
        for f in FIELDS + ("status", "family"):
            counts = ", ".join(f"{k} {v}" for k, v in r.provenance(f).most_common())
            print(f"  {f}: {counts}")
    if args.misses:
        for r in reports:
            print(f"\nMisses ({r.name}):")
            for line in r.misses():
                print("  " + line)


if __name__ == "__main__":
    main()
