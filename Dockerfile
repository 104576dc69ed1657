# The service's image: the API, the worker and the indexer (compose picks the command).
# Python is pinned by tag and digest; the dependencies are the locked set of
# requirements.lock (every version and file hash fixed; regenerate it with pip-compile, see
# the README), installed with --require-hashes so that nothing unlocked gets in.
FROM python:3.11.7-slim-bookworm@sha256:d11b9bd5e49ea7401753d78f4d3b56f3aec952b85b49bcae88981f0452818e0b

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONPATH=/app
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-deps --require-hashes -r requirements.lock \
    && useradd --system --uid 10001 app
# The code runs from /app (PYTHONPATH), not as an installed package: the lock is the
# whole of what pip installs.
COPY pyproject.toml README.md ./
COPY api ./api
COPY core ./core
COPY devstack ./devstack
COPY indexer ./indexer
COPY workers ./workers
COPY schema ./schema
COPY data ./data
USER app
EXPOSE 8000
CMD ["python", "-m", "api", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
