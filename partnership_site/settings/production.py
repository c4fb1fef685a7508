"""Production: refuses to start without a real secret key and the host names it serves."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .environment import env_required

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
