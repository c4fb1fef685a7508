# syntax=docker/dockerfile:1
# The site's production image. Build and run (README, "Running in production"):
#   docker build -t partnership-site .
#   docker run --rm --env-file production.env partnership-site python manage.py migrate --noinput
#   docker run -d --env-file production.env -p 8000:8000 --stop-timeout 30 partnership-site
# scripts/run-production-locally takes the same steps on a machine without Docker.

# The dependencies, installed from the lock file into a virtualenv that the final image
# copies: pip's own downloads and build files stay behind.
FROM python:3.11-slim AS dependencies
RUN python -m venv /venv
COPY requirements.lock /tmp/requirements.lock
RUN /venv/bin/pip install --no-cache-dir --disable-pip-version-check -r /tmp/requirements.lock

FROM python:3.11-slim
ENV PATH=/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=partnership_site.settings.production
COPY --from=dependencies /venv /venv
# WeasyPrint makes the PDFs of HTML protocols with Pango and HarfBuzz, and needs a font.
# Unpinned: the image takes Debian's security updates to them when it is rebuilt.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# The code belongs to root, so the site's own user cannot change it; that user may only
# write uploads and the file cache (used when there is no object storage or Redis).
RUN groupadd --system --gid 10001 partnership \
    && useradd --system --uid 10001 --gid partnership --no-create-home --home-dir /app partnership
WORKDIR /app
COPY . .
# Static files are part of the image. The settings insist on a full environment, which a
# build has no need of: these values exist only for this command.
RUN SECRET_KEY=collectstatic-only-never-used-to-sign-anything-000000000000 \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=postgres://collectstatic.invalid/none \
    WAGTAILADMIN_BASE_URL=https://localhost \
    python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p var/media var/cache \
    && chown partnership:partnership var/media var/cache
USER 10001:10001

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; r.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
