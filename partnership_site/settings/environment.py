"""Reading typed settings from environment variables.

Every deployment setting comes from the environment (twelve-factor). A value that
cannot be understood stops start-up with a message naming the variable, rather
than being silently replaced by a default.
"""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_required(name, why):
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set: {why}")
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name} must be true or false (1/0, yes/no, on/off), "
        f"not {value!r}."
    )


def env_int(name, default):
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a whole number, not {value!r}."
        ) from None


def env_list(name, default=()):
    """A comma-separated list, e.g. ALLOWED_HOSTS=example.org,www.example.org."""
    value = env_str(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_header(name):
    """A request header and a value, written "Header-Name: value", in the form Django's
    request.META gives them, e.g. SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https"."""
    header, colon, value = env_str(name).partition(":")
    if not (colon and header.strip() and value.strip()):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a header and its value, "
            f"e.g. {name}='X-Forwarded-Proto: https', not {env_str(name)!r}."
        )
    return "HTTP_" + header.strip().upper().replace("-", "_"), value.strip()
