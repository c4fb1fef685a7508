"""The production settings (partnership_site/settings/production.py): what they require,
what they default to, and the shared services they switch on when configured. Each case
loads the settings in a fresh Python with exactly the environment given."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

# Each test starts Python under the production settings.
pytestmark = pytest.mark.production

REQUIRED = {
    "SECRET_KEY": "k3Jx9-Qp2Lm7Zr5Tn8Vw4Yb6Hc1Fd0Gs-aEuIoPyXqWzRtMnBvCx",
    "ALLOWED_HOSTS": "safeguarding.example.org",
    "DATABASE_URL": "postgres://partnership@db.internal:5432/partnership",
    "WAGTAILADMIN_BASE_URL": "https://safeguarding.example.org",
}
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SAMESITE",
    "CACHES",
    "STORAGES",
    "WAGTAILDOCS_SERVE_METHOD",
    "WAGTAILFRONTENDCACHE",
    "INSTALLED_APPS",
    "EMAIL_BACKEND",
    "WAGTAILIMAGES_RENDITION_STORAGE",
    "DATABASES",
]
SHOW_SETTINGS = f"""
import json
from django.conf import settings
print(json.dumps({{name: getattr(settings, name, None) for name in {SHOWN!r}}}, default=str))
"""


def run(command, environment):
    # Only what a container would be given, plus what Python itself needs.
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        command,
        cwd=settings.BASE_DIR,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "partnership_site.settings.production",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(**environment):
    result = run([sys.executable, "-c", SHOW_SETTINGS], {**REQUIRED, **environment})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("missing", REQUIRED)
def test_production_refuses_to_start_without_each_required_variable(missing):
    environment = {name: value for name, value in REQUIRED.items() if name != missing}
    result = run([sys.executable, "-c", SHOW_SETTINGS], environment)
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set" in result.stderr


@pytest.mark.parametrize("preload", ["false", "true"])
def test_the_deployment_checklist_is_clean(preload):
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        {**REQUIRED, "SECURE_HSTS_PRELOAD": preload},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_defaults_are_safe_and_need_no_other_service():
    shown = production_settings()

    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["SECURE_HSTS_SECONDS"] == 31_536_000
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SECURE_HSTS_PRELOAD"] is False
    assert shown["SESSION_COOKIE_SECURE"] and shown["CSRF_COOKIE_SECURE"]
    assert shown["CSRF_COOKIE_HTTPONLY"] is True
    assert shown["SESSION_COOKIE_SAMESITE"] == shown["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert shown["CACHES"]["default"]["BACKEND"].endswith("FileBasedCache")
    assert shown["STORAGES"]["default"]["BACKEND"].endswith("FileSystemStorage")
    assert shown["WAGTAILFRONTENDCACHE"] == {}
    assert "wagtail.contrib.frontend_cache" not in shown["INSTALLED_APPS"]
    # Not the console backend, which would print reminder emails into the log.
    assert shown["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["DATABASES"]["default"]["OPTIONS"]["connect_timeout"] == 5
    assert shown["DATABASES"]["default"]["OPTIONS"]["server_side_binding"] is True
    assert shown["DATABASES"]["default"]["OPTIONS"]["prepare_threshold"] == 5


def test_prepared_statements_can_be_switched_off_for_a_pooler():
    options = production_settings(DATABASE_PREPARED_STATEMENTS="false")["DATABASES"]["default"][
        "OPTIONS"
    ]
    assert "server_side_binding" not in options
    assert "prepare_threshold" not in options


def test_behind_a_tls_proxy_https_is_configurable():
    shown = production_settings(
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert shown["SECURE_SSL_REDIRECT"] is False
    assert shown["SECURE_HSTS_SECONDS"] == 0


def test_a_proxy_header_without_its_value_is_refused():
    result = run(
        [sys.executable, "-c", SHOW_SETTINGS],
        {**REQUIRED, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"},
    )
    assert result.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be a header and its value" in result.stderr


def test_shared_services_are_used_when_configured():
    shown = production_settings(
        REDIS_URL="redis://cache.internal:6379/0",
        AWS_STORAGE_BUCKET_NAME="partnership-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.net",
        AWS_S3_REGION_NAME="uk-london-1",
        FRONTEND_CACHE_CLOUDFLARE_ZONE_ID="zone-1234",
        FRONTEND_CACHE_CLOUDFLARE_TOKEN="token-5678",
        FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID="E2EXAMPLE",
    )

    cache = shown["CACHES"]["default"]
    assert cache["BACKEND"] == "partnership_site.cache.ResilientRedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/0"
    storage = shown["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "partnership-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://objects.example.net"
    # Private objects, signed links, and no file ever overwritten (file history).
    assert storage["OPTIONS"]["default_acl"] is None
    assert storage["OPTIONS"]["querystring_auth"] is True
    assert storage["OPTIONS"]["file_overwrite"] is False
    assert shown["WAGTAILDOCS_SERVE_METHOD"] == "serve_view"
    # Pictures on pages are linked to the site, which serves them from the bucket.
    renditions = shown["STORAGES"][shown["WAGTAILIMAGES_RENDITION_STORAGE"]]
    assert renditions["BACKEND"] == "partnership_site.storage.SiteServedS3Storage"
    assert renditions["OPTIONS"]["bucket_name"] == "partnership-media"
    assert shown["WAGTAILFRONTENDCACHE"]["cloudflare"] == {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": "zone-1234",
        "BEARER_TOKEN": "token-5678",
    }
    assert shown["WAGTAILFRONTENDCACHE"]["cloudfront"]["DISTRIBUTION_ID"] == "E2EXAMPLE"
    assert "wagtail.contrib.frontend_cache" in shown["INSTALLED_APPS"]


def test_a_cloudflare_zone_without_its_token_is_refused():
    result = run(
        [sys.executable, "-c", SHOW_SETTINGS],
        {**REQUIRED, "FRONTEND_CACHE_CLOUDFLARE_ZONE_ID": "zone-1234"},
    )
    assert result.returncode != 0
    assert "The environment variable FRONTEND_CACHE_CLOUDFLARE_TOKEN must be set" in result.stderr
