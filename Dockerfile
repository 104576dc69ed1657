FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY core ./core
COPY devstack ./devstack
COPY indexer ./indexer
COPY workers ./workers
COPY schema ./schema
COPY data ./data
RUN pip install . && useradd --system --uid 10001 app
USER app
EXPOSE 8000
CMD ["python", "-m", "api", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
