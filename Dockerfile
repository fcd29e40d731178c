# Production image of Moisinno: gunicorn serving moisinno.wsgi on port 8000.
# Build and run: docs/deploy.md. Configuration (environment variables): docs/configuration.md.
FROM python:3.13-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_NO_CACHE=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

WORKDIR /app

# The process runs unprivileged. It only writes to var/ (the file email backend).
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home moisinno

# WeasyPrint (the printed programme, posters: programme/paper) needs Pango, HarfBuzz and
# fontconfig from Debian.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fontconfig \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir --root-user-action=ignore "uv==0.13.9"

# Dependencies first, from the lock file only, so this layer is reused while only code changes.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev

COPY . .

# The settings refuse to load without a SECRET_KEY when DEBUG is off. Give collectstatic a
# throwaway value on this line only; it is not kept in the image. Runtime needs its own key.
RUN SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/var \
    && chown moisinno:moisinno /app/var

USER moisinno

EXPOSE 8000

# No curl in the slim image: probe with Python. The probe sends the first ALLOWED_HOSTS entry
# as Host (any other host gets a 400). It also sends X-Forwarded-Proto: https, because with
# DEBUG off SECURE_SSL_REDIRECT would answer the plain-HTTP loopback probe with a redirect.
# /healthz returns 503 when the database is unreachable, so the container turns unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = (os.environ.get('ALLOWED_HOSTS') or 'localhost').split(',')[0].strip().lstrip('.').replace('*', '') or 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

# The number of gunicorn workers: gunicorn reads WEB_CONCURRENCY as its default --workers, and
# `check --deploy` reads it too (more than one worker needs CACHE_URL: moisinno/checks.py).
ENV WEB_CONCURRENCY=3

# Gunicorn 27 opens a control socket by default; this container does not need it.
CMD ["gunicorn", "moisinno.wsgi", "--bind", "0.0.0.0:8000", "--no-control-socket"]
