"""Validate the sample corpus sources and print counts: python scripts/check_corpus.py [DIR]."""

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from devtools.corpus_src import load_sources  # noqa: E402

root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("policies/corpus/src")
docs, errors = load_sources(root)
for e in errors:
    print("ERROR", e)
print(f"{len(docs)} valid documents, {len(errors)} problems")
for name in ("group", "kind", "lang", "status", "template"):
    print(name, dict(Counter(getattr(d, name) for d in docs)))
print("scenarios", dict(Counter(s for d in docs for s in d.scenarios)))
sys.exit(1 if errors else 0)
