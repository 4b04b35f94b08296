# The stream worker image used by docker-compose.yml (`docker compose up`).
# Every dependency ships a manylinux wheel for CPython 3.11, so the slim image
# needs no compiler.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
# README.md* : pyproject names README.md as the readme; the glob keeps the
# build working if it is ever missing.
COPY pyproject.toml README.md* ./
COPY streams ./streams
RUN pip install . && cd / && rm -rf /src

# Run unprivileged; table state (STREAMS_DATA_DIR) goes to /data, a volume in
# docker-compose.yml.
RUN useradd --create-home --uid 1000 streams && mkdir -p /data && chown streams:streams /data
USER streams
WORKDIR /data

ENV KAFKA_BOOTSTRAP=kafka:9092 \
    STREAMS_WEB_HOST=0.0.0.0 \
    STREAMS_DATA_DIR=/data/faust

EXPOSE 6066
CMD ["streams", "worker"]
