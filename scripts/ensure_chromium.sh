#!/usr/bin/env bash
# The browser tests (tests/test_browser.py) drive Debian's Chromium, never a downloaded browser:
# install the chromium package, and fonts-noto-cjk so that Chinese renders, when either is missing.
# Fails loudly when it cannot; POLICY_INDEX_SKIP_BROWSER=1 skips the browser tests, outside CI only.
set -euo pipefail

if [ "${POLICY_INDEX_SKIP_BROWSER:-}" = "1" ]; then
  if [ -n "${CI:-}" ]; then
    echo "ERROR: POLICY_INDEX_SKIP_BROWSER=1 is not allowed in CI: the browser tests must run" >&2
    exit 1
  fi
  echo "POLICY_INDEX_SKIP_BROWSER=1: the browser tests will be skipped" >&2
  exit 0
fi

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || [ -z "$(fc-list :lang=zh family 2>/dev/null)" ]; then
  missing+=(fonts-noto-cjk)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing ${missing[*]} from Debian's packages for the browser tests" >&2
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "ERROR: ${missing[*]} missing, and neither root nor sudo is available to install them." >&2
    echo "Install them (apt-get install --no-install-recommends chromium fonts-noto-cjk), or set" >&2
    echo "POLICY_INDEX_SKIP_BROWSER=1 to skip the browser tests on this machine (not in CI)." >&2
    exit 1
  fi
fi
if ! { "${as_root[@]}" apt-get update -qq &&
       "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
         apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2; then
  echo "ERROR: could not install ${missing[*]} with apt-get; the browser tests need /usr/bin/chromium." >&2
  echo "Install them by hand, or set POLICY_INDEX_SKIP_BROWSER=1 to skip the browser tests (not in CI)." >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "ERROR: apt-get ran but /usr/bin/chromium is still missing" >&2
  exit 1
fi
