#!/usr/bin/env bash
# One command for the whole suite: install into .venv with the test extras (and Debian's chromium
# for the browser tests), lint, run pytest.
# Arguments go to pytest: -k crawl, -m "not slow" (the inner loop), --screenshots (rewrite the
# README's pictures from the browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
scripts/ensure_chromium.sh   # Debian's chromium + CJK fonts for tests/test_browser.py
.venv/bin/ruff check indexer search_app scripts tests devtools
.venv/bin/ruff format --check indexer search_app scripts tests devtools
exec .venv/bin/python -m pytest "$@"
