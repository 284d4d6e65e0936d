# decider's REST API. Build: docker build -t decider .   Run: docker run -p 8000:8000 decider
# The base image is pinned by digest: the python:3.11-slim index (every platform) when it was pinned. To move it on,
# read the tag's current digest (docker buildx imagetools inspect python:3.11-slim) and replace it here.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

# Keep in step with pyproject.toml's version (tests/test_deploy_image.py checks it); a release build may pass its own.
ARG VERSION=0.1.0
# Where the source lives: a release build passes its repository (--build-arg SOURCE=https://...); empty otherwise,
# rather than a made-up address. The url label is the distribution's page on the public index.
ARG SOURCE=
LABEL org.opencontainers.image.title="decider" \
      org.opencontainers.image.description="Where should this workload run on AWS: Lambda, ECS or EKS? A ranked, explained, priced answer, as a REST API." \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.url="https://pypi.org/project/decider-aws/" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    DECIDER_RULES_DIR=/app/rules

WORKDIR /app

# Dependencies first: pyproject.toml's lists for the server (the core, plus the api and slack extras) held to
# constraints.txt's pins. This layer is rebuilt only when one of those two files changes, never for the source.
COPY pyproject.toml constraints.txt ./
# (An extra's reference to decider itself, such as decider-aws[api], is left out: it is installed below.)
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; extras = p.get('optional-dependencies', {}); reqs = p['dependencies'] + [r for e in ('api', 'slack') for r in extras.get(e, [])]; print('\n'.join(r for r in reqs if r.split('[')[0].strip() != p['name']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir --constraint constraints.txt --requirement /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then decider itself (its wheel packages rules/ too), with the same constraints: its dependencies are already
# there, so nothing else installs.
COPY README.md ./
COPY rules/ rules/
COPY decider/ decider/
COPY api/ api/
# The example workloads: the web page offers them as presets (packaged as decider_examples).
COPY examples/*.yaml examples/
RUN pip install --no-cache-dir --constraint constraints.txt ".[api,slack]" \
    && rm -rf build ./*.egg-info

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin decider
USER 10001

EXPOSE 8000
# No curl in slim images: the health check is a few lines of the Python that is already there.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

# uvicorn drains requests in flight on SIGTERM (docker stop, ECS, Kubernetes) before it exits. JSON logs, one
# object per line, whether or not the container has a terminal (see docs/rest-api.md#logs).
STOPSIGNAL SIGTERM
CMD ["decider", "serve", "--host", "0.0.0.0", "--port", "8000", "--log-format", "json"]
