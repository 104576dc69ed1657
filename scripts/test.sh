#!/usr/bin/env bash
# The test suite: lint, types, the committed GraphQL schema, unit and integration tests
# against real Meilisearch, Redis and SMTP servers the tests start themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python -m pytest -q "$@"
