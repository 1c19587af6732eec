#!/usr/bin/env bash
# The one test command:  bash tests/run.sh [extra pytest args]
# Works on a fresh machine: installs Chromium, Firefox ESR, WebKitGTK's WebDriver and Xvfb (Debian, as
# root), the Node packages of tests/xbrowser/, makes .venv with tests/requirements.txt,
# downloads the pytest wheels used inside Pyodide, builds dist/, then runs pytest on tests/.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '[run.sh] %s\n' "$*"; }

# --- system tools -------------------------------------------------------------------------------
need_apt=()
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
# cross-browser tests (tests/xbrowser/): the stock Firefox ESR, WebKitGTK's WebDriver + MiniBrowser, Xvfb
[ -x /usr/bin/firefox-esr ] || need_apt+=(firefox-esr)
[ -x /usr/bin/WebKitWebDriver ] || need_apt+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || need_apt+=(xvfb)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${need_apt[*]} (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    say "missing: ${need_apt[*]}. Install them, e.g.: sudo apt-get install ${need_apt[*]}" >&2
    exit 1
  fi
fi

# --- Python test environment -----------------------------------------------------------------------
PY=${PYTHON:-python3}
VENV=.venv
stamp="$VENV/.requirements.sha256"
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "creating $VENV from tests/requirements.txt"
  "$PY" -m venv "$VENV" || { say "'$PY -m venv' failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r tests/requirements.txt
  echo "$want" > "$stamp"
fi

# --- pure-Python wheels for pytest inside Pyodide (hash-checked) ----------------------------------
WHEELS=.cache/pyodide-test-wheels
wstamp="$WHEELS/.requirements.sha256"
wwant=$(sha256sum tests/pyodide/requirements.txt | cut -d' ' -f1)
if [ "$(cat "$wstamp" 2>/dev/null)" != "$wwant" ]; then
  say "downloading pytest wheels for Pyodide into $WHEELS"
  rm -rf "$WHEELS" && mkdir -p "$WHEELS"
  "$VENV/bin/python" -m pip download -q --disable-pip-version-check --only-binary=:all: --no-deps \
    --require-hashes -d "$WHEELS" -r tests/pyodide/requirements.txt
  echo "$wwant" > "$wstamp"
fi

# --- Node packages for the cross-browser tests (puppeteer-core drives Firefox; no browser download) -----
XB=tests/xbrowser
nstamp="$XB/node_modules/.package-lock.sha256"
nwant=$(sha256sum "$XB/package-lock.json" | cut -d' ' -f1)
if [ "$(cat "$nstamp" 2>/dev/null)" != "$nwant" ]; then
  say "installing $XB/node_modules (npm ci)"
  (cd "$XB" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$nwant" > "$nstamp"
fi

# --- build and test -------------------------------------------------------------------------------
"$VENV/bin/python" build.py
say "pytest"
"$VENV/bin/python" -m pytest -q tests "$@"
