# The container every Nextflow process uses: this package and its dependencies, nothing fetched
# at run time. Build: docker build -t lenall-genomics:0.1.0 .
# The wheel is built in a first stage, so the image holds the installed package only (its data
# tables inside it, no source checkout and no LENALL_ASSETS), as a user's `pip install` does.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY src ./src
COPY assets ./assets
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

LABEL org.opencontainers.image.title="lenall-genomics" \
      org.opencontainers.image.version="0.1.0"

# procps: Nextflow reads task metrics with `ps`
RUN apt-get update \
    && apt-get install -y --no-install-recommends procps \
    && rm -rf /var/lib/apt/lists/*

ENV MPLBACKEND=Agg

COPY --from=build /wheels /wheels
# Smoke test at build time, from a folder that is not the install: the version and the demo.
RUN pip install --no-cache-dir /wheels/*.whl \
    && rm -rf /wheels \
    && cd /tmp \
    && lenall --version \
    && lenall demo --outdir /tmp/x \
    && test -s /tmp/x/samplesheet.csv \
    && rm -rf /tmp/x
