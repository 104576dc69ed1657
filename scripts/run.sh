#!/usr/bin/env bash
# The main job: installs what is missing, starts Meilisearch, its own durable Redis (files
# in var/redis), an SMTP sink, the API and a worker, loads the sample data, prints the URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "main job: checking .venv and the Meilisearch binary (scripts/bootstrap.sh)" >&2
bash scripts/bootstrap.sh
echo "main job: starting the services" >&2
exec .venv/bin/python -m devstack up "$@"
