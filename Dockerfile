# syntax=docker/dockerfile:1
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=partnership_site.settings.production

WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
RUN SECRET_KEY=collectstatic-only-not-a-real-secret-key-000000000000000 ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput

RUN useradd --create-home --uid 1000 partnership && mkdir -p /app/var/media && chown -R partnership /app/var
USER partnership

EXPOSE 8000
CMD ["gunicorn", "partnership_site.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]
