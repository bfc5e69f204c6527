#!/usr/bin/env bash
# One command for a fresh machine: install into .venv, build from the bundled corpus, serve.
# Arguments go to `policy-index serve` (e.g. --port 8080 --data /srv/policy-index).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
exec .venv/bin/policy-index serve "$@"
