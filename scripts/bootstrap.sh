#!/usr/bin/env bash
# Create .venv (if missing) and install policy-index into it; extras as arguments, e.g. "test".
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
extras="${1:-}"
stamp=".venv/.installed-${extras:-base}"
if [ ! -f "$stamp" ] || [ setup.cfg -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -n "$extras" ]; then
    .venv/bin/python -m pip install --quiet -e ".[$extras]"
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  touch "$stamp"
fi
# The interface translations: compile each .po whose .mo is missing or older (the .mo is not committed).
for po in search_app/translations/*/LC_MESSAGES/messages.po; do
  [ -e "$po" ] || continue
  if [ ! -f "${po%.po}.mo" ] || [ "$po" -nt "${po%.po}.mo" ]; then
    if ! out=$(.venv/bin/pybabel compile -d search_app/translations 2>&1); then
      echo "$out" >&2
      exit 1
    fi
    break
  fi
done
