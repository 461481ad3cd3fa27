# The container every Nextflow process uses: this package and its dependencies, nothing fetched
# at run time. Build: docker build -t lenall-genomics:0.1.0 .
FROM python:3.11-slim

LABEL org.opencontainers.image.title="lenall-genomics" \
      org.opencontainers.image.version="0.1.0"

# procps: Nextflow reads task metrics with `ps`
RUN apt-get update \
    && apt-get install -y --no-install-recommends procps \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/lenall
COPY pyproject.toml README.md ./
COPY src ./src
COPY assets ./assets
RUN pip install --no-cache-dir . \
    && lenall --version

ENV LENALL_ASSETS=/opt/lenall/assets \
    MPLBACKEND=Agg
