#!/usr/bin/env bash
# Creates .venv, installs the project with its development tools, fetches the
# sha256-verified Meilisearch binary into .cache/ and, as root, installs Debian's chromium
# for the browser tests when it is missing. Safe to run again. The two downloads (the
# Meilisearch binary, axe-core) run while pip installs: all three mostly wait on the network.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
say() { echo "bootstrap: $*" >&2; }
if [ ! -x .venv/bin/python ]; then
  say "creating the virtual environment .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
# Says so on stderr when it downloads (once; then it only checks the cached binary's sha256).
# The module needs only the standard library, so it runs before pip has installed anything.
.venv/bin/python -c 'from devstack.meilisearch_binary import ensure_meilisearch
ensure_meilisearch()' &
meilisearch_fetch=$!
# axe-core (pinned in tests/browser/axe/package-lock.json) for the browser tests' accessibility checks.
axe_install=
if command -v npm >/dev/null && [ ! -f tests/browser/axe/node_modules/axe-core/axe.min.js ]; then
  say "installing axe-core for the browser tests with npm ci"
  { npm ci --prefix tests/browser/axe --no-audit --no-fund --silent \
      || say "warning: axe-core could not be installed; the accessibility checks will fail"; } &
  axe_install=$!
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  say "installing the project and its development tools into .venv with pip" \
      "(pyproject.toml changed or first run: about a minute)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e '.[dev]'
  say "installed"
  rm -f .venv/.installed-* && touch "$stamp"
fi
wait "$meilisearch_fetch"  # a failed download stops the bootstrap here (set -e)
# The browser tests drive Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
    || echo "warning: chromium could not be installed; the browser tests will be skipped" >&2
fi
if [ -n "$axe_install" ]; then wait "$axe_install"; fi
