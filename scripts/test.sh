#!/usr/bin/env bash
# The test suite: lint, types, the committed GraphQL schema, unit and integration tests
# against real Meilisearch, Redis and SMTP servers the tests start themselves.
#
# pytest runs in two stages, one after the other (never side by side):
#   1. everything but the tests marked `slow`, in two pytest-xdist processes (each starts
#      its own Meilisearch, Redis and SMTP sink; a test module stays in one process);
#   2. the tests marked `slow` (load-sensitive: failovers, races of hundreds of requests,
#      real clocks) in one process, with nothing else running beside them.
# Arguments go to both stages (`bash scripts/test.sh tests/unit` runs stage 1 on the unit
# tests; stage 2 then selects nothing, which is not a failure). Both stages always run;
# the script fails when either does.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/mypy
stage() {
  local status=0
  .venv/bin/python -m pytest -q "$@" || status=$?
  # pytest exits with 5 when a stage selects no test (a narrowed run): not a failure
  [ "$status" -eq 5 ] && status=0
  return "$status"
}
echo "--- stage 1: the tests not marked slow, in two processes"
first=0
stage -m "not slow" -n 2 --dist loadfile "$@" || first=$?
echo "--- stage 2: the load-sensitive tests (marked slow), alone"
second=0
stage -m slow "$@" || second=$?
exit $(( first != 0 ? first : second ))
