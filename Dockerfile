# decider's REST API. Build: docker build -t decider .   Run: docker run -p 8000:8000 decider
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DECIDER_RULES_DIR=/app/rules

WORKDIR /app

# Dependencies first, from pyproject.toml's pinned list: this layer is rebuilt only when the pins change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY decider/ decider/
COPY api/ api/
RUN pip install --no-cache-dir --no-deps . \
    && rm -rf build ./*.egg-info

COPY rules/ rules/

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin decider
USER 10001

EXPOSE 8000
# No curl in slim images: the health check is a few lines of the Python that is already there.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status == 200 else 1)"]

# uvicorn drains requests in flight on SIGTERM (docker stop, ECS, Kubernetes) before it exits.
STOPSIGNAL SIGTERM
CMD ["decider", "serve", "--host", "0.0.0.0", "--port", "8000"]
