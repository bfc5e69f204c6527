#!/usr/bin/env bash
# One command for the whole suite: install into .venv with the test extras, lint, run pytest.
# Arguments go to pytest (e.g. -k crawl).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
.venv/bin/ruff check indexer search_app scripts tests
exec .venv/bin/python -m pytest "$@"
