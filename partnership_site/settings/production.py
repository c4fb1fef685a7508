"""Production: refuses to start without the environment it needs (a real secret key, the
host names it serves, its database and its own address), and adds what a public service
needs: HTTPS, security headers, JSON logs, and the shared services that let several
servers run side by side (Redis, object storage, a CDN), each only when configured."""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from partnership_site.logs import logging_config

from .base import *  # noqa: F403
from .environment import env_bool, env_header, env_int, env_list, env_required, env_str

if DEBUG:  # noqa: F405
    raise ImproperlyConfigured(
        "DEBUG must be off in production: unset DEBUG or use "
        "DJANGO_SETTINGS_MODULE=partnership_site.settings.dev for development."
    )

SECRET_KEY = env_required(
    "SECRET_KEY",
    "a long random value that signs sessions and password-reset links "
    "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))').",
)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak for production: use at least 50 random characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured(
        "The environment variable ALLOWED_HOSTS must be set: the comma-separated host names "
        "this site answers to, e.g. ALLOWED_HOSTS=safeguarding.example.org"
    )

SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

env_required(
    "DATABASE_URL",
    "production keeps its data in PostgreSQL, e.g. "
    "DATABASE_URL=postgres://partnership:password@db.internal:5432/partnership",
)
WAGTAILADMIN_BASE_URL = env_required(
    "WAGTAILADMIN_BASE_URL",
    "the admin's public address, which notification emails link to, "
    "e.g. WAGTAILADMIN_BASE_URL=https://safeguarding.example.org",
)

MIDDLEWARE = [
    "partnership_site.middleware.RequestIdMiddleware",
    "partnership_site.middleware.HealthCheckMiddleware",
    "partnership_site.middleware.ContentSecurityPolicyMiddleware",
    "partnership_site.middleware.PermissionsPolicyMiddleware",
    *MIDDLEWARE,  # noqa: F405
]
# After Django's SecurityMiddleware, so that refusals carry the security headers too.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "partnership_site.middleware.RequestSizeLimitMiddleware",
)


# HTTPS only. Behind a proxy or load balancer that ends TLS, set SECURE_PROXY_SSL_HEADER to
# the header it adds to HTTPS requests (it must also strip that header from clients'
# requests): without it every request looks like plain HTTP and is redirected for ever.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
if env_str("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = env_header("SECURE_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Asking browsers to preload HSTS binds the whole registrable domain (often a
    # council's), so it is the domain owner's decision: opt in with SECURE_HSTS_PRELOAD.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Cookies only over HTTPS, out of reach of scripts, and SameSite=Lax (Django's default).
# Wagtail's admin takes the CSRF token from the page, never from the cookie.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp, partnership_site.middleware). Public pages load
# only the site's own files, with no inline script or style; a video player's frame is
# added when the visitor presses Play (static/js/video.js).
VIDEO_PLAYER_ORIGINS = ["https://www.youtube-nocookie.com", "https://player.vimeo.com"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "frame-src": VIDEO_PLAYER_ORIGINS,
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Some of Wagtail's admin widgets still write inline scripts and styles; the admin's
# preview shows pages in a frame of its own.
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_INLINE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "frame-src": [SELF, *VIDEO_PLAYER_ORIGINS],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "browsing-topics",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
LOGGING = logging_config(env_str("LOG_LEVEL") or "INFO")
AXES_CLIENT_STR_CALLABLE = "partnership_site.logs.axes_client"

# The console backend, base's default, would write reminder emails (names, addresses)
# into the log.
EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST") or "localhost"
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)

# Uploads in S3-compatible object storage, so that every server sees every file. Objects
# take the bucket's own access setting, which must be private (AWS buckets refuse per-object
# ACLs by default); the few direct links (the admin's original images) are signed and
# expire. Documents are served through Wagtail's view (WAGTAILDOCS_SERVE_METHOD), pictures
# on pages by the site itself (partnership_site.media): visitors never see the bucket.
if env_str("AWS_STORAGE_BUCKET_NAME"):
    OBJECT_STORAGE_OPTIONS = {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
        "region_name": env_str("AWS_S3_REGION_NAME") or None,
        "default_acl": None,
        "querystring_auth": True,
        # A replaced document keeps its earlier file (documents.file_history).
        "file_overwrite": False,
    }
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": OBJECT_STORAGE_OPTIONS,
    }
    STORAGES["renditions"] = {  # noqa: F405
        "BACKEND": "partnership_site.storage.SiteServedS3Storage",
        "OPTIONS": OBJECT_STORAGE_OPTIONS,
    }
    WAGTAILIMAGES_RENDITION_STORAGE = "renditions"

# A CDN in front: Wagtail asks it to drop a page's cached copies when the page is
# published, unpublished or moved.
WAGTAILFRONTENDCACHE = {}
if env_str("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "ZONEID": env_str("FRONTEND_CACHE_CLOUDFLARE_ZONE_ID"),
        "BEARER_TOKEN": env_required(
            "FRONTEND_CACHE_CLOUDFLARE_TOKEN",
            "a Cloudflare API token with permission to purge the zone's cache.",
        ),
    }
if env_str("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"):
    WAGTAILFRONTENDCACHE["cloudfront"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudfrontBackend",
        "DISTRIBUTION_ID": env_str("FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID"),
    }
if WAGTAILFRONTENDCACHE:
    INSTALLED_APPS.append("wagtail.contrib.frontend_cache")  # noqa: F405
