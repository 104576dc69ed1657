#!/usr/bin/env bash
# The test suite: lint, types, the committed GraphQL schema, unit and integration tests
# against real Meilisearch, Redis and SMTP servers the tests start themselves.
# Two stages run side by side: the fault tests (marked `slow`: processes killed, stopped
# and restarted, mostly waiting) and everything else; arguments go to both.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
faults_log=$(mktemp)
.venv/bin/python -m pytest -q -m slow "$@" > "$faults_log" 2>&1 &
faults=$!
status=0
.venv/bin/python -m pytest -q -m "not slow" "$@" || status=$?
faults_status=0
wait "$faults" || faults_status=$?
echo "--- second stage: fault tests (-m slow)"
cat "$faults_log"
rm -f "$faults_log"
# pytest exits 5 when a stage selects no test (a narrowed run): not a failure
[ "$faults_status" -eq 5 ] && faults_status=0
[ "$status" -eq 5 ] && status=0
exit $(( status != 0 ? status : faults_status ))
