"""Render policies/corpus/src into the sample site policies/corpus/site (and manifest.json)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devtools.sample_site import render_site  # noqa: E402

manifest = render_site(ROOT / "policies/corpus/src", ROOT / "policies/corpus/site")
print(f"rendered {len(manifest['documents'])} documents into policies/corpus/site")
