"""Field accuracy of the normalizer on the golden pages and on the bundled corpus pages.

python scripts/extraction_report.py
"""

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from indexer.encoding import decode_html  # noqa: E402
from indexer.normalize import normalize  # noqa: E402
from indexer.settings import SAMPLE_BASE_URL  # noqa: E402

FIELDS = ("title", "doc_number", "agency", "publish_date", "written_date", "lang", "status", "kind")


def cases():
    for exp in sorted((ROOT / "tests/golden").glob("*.json")):
        e = json.loads(exp.read_text(encoding="utf-8"))
        yield (
            "golden",
            exp.with_suffix(".html"),
            e.get("url") or f"https://golden.example/{exp.stem}.html",
            e,
        )
    manifest = json.loads((ROOT / "policies/corpus/manifest.json").read_text(encoding="utf-8"))
    for e in manifest["documents"]:
        yield "corpus", ROOT / "policies/corpus/site" / e["path"], SAMPLE_BASE_URL + e["path"], e


def main() -> None:
    right: dict[str, Counter] = {"golden": Counter(), "corpus": Counter()}
    total = Counter()
    misses = []
    for kind, page, url, e in cases():
        d = normalize(decode_html(page.read_bytes())[0], url)
        total[kind] += 1
        for f in FIELDS:
            if getattr(d, f) == e[f]:
                right[kind][f] += 1
            else:
                misses.append(f"{kind} {page.name} {f}: expected {e[f]!r}, got {getattr(d, f)!r}")
    print(f"| field | golden ({total['golden']} pages) | corpus ({total['corpus']} pages) |")
    print("|---|---|---|")
    for f in FIELDS:
        g, c = right["golden"][f] / total["golden"], right["corpus"][f] / total["corpus"]
        print(f"| {f} | {g:.3f} | {c:.3f} |")
    for m in misses:
        print(m)


if __name__ == "__main__":
    main()
