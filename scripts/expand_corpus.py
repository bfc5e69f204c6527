"""Grow the sample corpus to N documents (deterministic) as an HTML site for benchmarks.

python scripts/expand_corpus.py 10000 /tmp/corpus-10k  # then: policy-index crawl /tmp/corpus-10k
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.corpus_src import load_sources  # noqa: E402
from devtools.sample_expand import expand  # noqa: E402
from devtools.sample_site import Site  # noqa: E402

parser = argparse.ArgumentParser(
    description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
)
parser.add_argument("n", type=int, help="number of documents")
parser.add_argument("out", type=Path, help="output folder (created)")
parser.add_argument("--seed", type=int, default=20261128)
args = parser.parse_args()

docs, errors = load_sources(ROOT / "policies/corpus/src")
if errors:
    sys.exit("\n".join(errors))
expanded = list(expand(docs, args.n, args.seed))
site = Site(expanded)
for d in site.docs:
    path = args.out / site.path(d)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(site.render(d))
print(f"wrote {len(expanded)} documents into {args.out}")
