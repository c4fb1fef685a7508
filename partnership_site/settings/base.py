"""Settings shared by every environment. Deployment values come from the environment."""

import datetime
import ipaddress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .environment import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "pages",
    "documents",
    "reviews",
    "procedures",
    "linkhealth",
    "sitewide",
    "search",
    "editorial",
    "feedback",
    "learning",
    "alerts",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sitewide.page_cache.AnonymousPageCacheMiddleware",
    "sitewide.site_lookup.SiteLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "documents.serving.DownloadHeadersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sitewide.http_caching.CacheControlMiddleware",
    # Two-factor sign-in: whether the session was verified with a device, then keeping
    # staff who must give a code out of the admin until they have (editorial.two_factor).
    "django_otp.middleware.OTPMiddleware",
    "editorial.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "partnership_site.urls"
WSGI_APPLICATION = "partnership_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an editor saves; IMMEDIATE avoids
    # "database is locked" errors when two writers upgrade their locks at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
    # An unreachable database fails a request in seconds rather than holding it until
    # gunicorn kills the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
    # Parameters travel apart from the SQL, so that PostgreSQL can prepare a statement
    # once it has been used a few times (psycopg's threshold) and then skip parsing and
    # planning it: about half the database's work for a page. A pooler in transaction
    # mode that cannot keep prepared statements (PgBouncer before 1.21) needs
    # DATABASE_PREPARED_STATEMENTS=false.
    if env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5

# Shared by every server process, so that publishing invalidates the page cache everywhere:
# Redis when there are several servers, else files on the one server.
if env_str("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "partnership_site.cache.ResilientRedisCache",
            "LOCATION": env_str("REDIS_URL"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env_str("CACHE_DIR") or str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }
PAGE_CACHE_ALIAS = "default"
# Staff sessions are read from the cache, so an admin page does not start with a query.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 600)
# What a process remembers between requests (sites, settings, view restrictions, page
# addresses) is read again after this many seconds at most, whatever the cache says; and
# each process reads the database's content version this often, which is how a scheduled
# job or a change saved while Redis was unreachable reaches it (sitewide/page_cache.py).
REMEMBERED_STATE_SECONDS = env_int("REMEMBERED_STATE_SECONDS", 60)
CONTENT_VERSION_CHECK_SECONDS = env_int("CONTENT_VERSION_CHECK_SECONDS", 5)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin logins (django-axes, with editorial.login_throttle): failed logins within
# AXES_COOLOFF_MINUTES are counted three ways, and a client is paused for the rest of that
# time once any count reaches its limit: AXES_FAILURE_LIMIT for one username from one
# address (a whole office behind one shared address is not locked out for one person's
# mistakes), LOGIN_ADDRESS_FAILURE_LIMIT for one address over every username (password
# spraying), LOGIN_USERNAME_FAILURE_LIMIT for one username over every address (guessing
# from many addresses). An IPv6 address counts as its /64. A successful login clears its
# username's counts; `manage.py axes_reset_username NAME` unlocks at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "editorial.login_throttle.LoginThrottle"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 30)
LOGIN_USERNAME_FAILURE_LIMIT = env_int("LOGIN_USERNAME_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "editorial.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "editorial.login_throttle.throttled_address"
# The client's address is the connection's, which behind a reverse proxy is the proxy's.
# TRUSTED_PROXY_ADDRESSES lists the proxies' addresses or networks (e.g. 10.0.0.0/8): from
# them, and only from them, TRUSTED_PROXY_HEADER is read, right to left past the trusted
# proxies, so nothing a client writes into the header is believed.
TRUSTED_PROXY_ADDRESSES = env_list("TRUSTED_PROXY_ADDRESSES")
TRUSTED_PROXY_HEADER = env_str("TRUSTED_PROXY_HEADER") or "X-Forwarded-For"
for proxy in TRUSTED_PROXY_ADDRESSES:
    try:
        ipaddress.ip_network(proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_ADDRESSES: {proxy!r} is not an address or network; give the "
            "reverse proxies' addresses, comma-separated, e.g. 10.0.0.2,10.0.1.0/24"
        ) from None
if env_str("TRUSTED_PROXY_COUNT"):
    raise ImproperlyConfigured(
        "TRUSTED_PROXY_COUNT is no longer read: set TRUSTED_PROXY_ADDRESSES to the reverse "
        "proxies' addresses instead, so that only they are believed."
    )

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL") or "INFO"},
    # Wagtail runs search indexing as immediate tasks; one log line each drowns the rest.
    "loggers": {
        "django_tasks": {"level": "WARNING"},
        # WeasyPrint logs each step of each protocol PDF it makes.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "webmaster@localhost"

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME") or "Safeguarding Children Partnership"
# Two-factor sign-in (django-otp): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or "http://127.0.0.1:8000"
# Staff views outside Wagtail's own URLs send anyone not logged in to the admin login;
# visitors to restricted pages get Wagtail's front-end login instead.
LOGIN_URL = "wagtailadmin_login"
# Workflow emails (from DEFAULT_FROM_EMAIL, linking to WAGTAILADMIN_BASE_URL) go to the
# Approvers when a page awaits them, and to its Editor when it is approved or rejected.
# Administrators are not copied in on every page; they join Approvers if they approve.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
# Staff's browsers ask no other site for anything, in development too: no avatars from
# Gravatar (which would learn their email addresses) and no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# One date format across the admin, UK order with the month in words; the date pickers
# show it and the forms read it back (partnership_site/formats/en_GB).
WAGTAIL_DATE_FORMAT = "%d %B %Y"
WAGTAIL_DATETIME_FORMAT = "%d %B %Y %H:%M"
FORMAT_MODULE_PATH = ["partnership_site.formats"]
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_DOCUMENT_MODEL = "documents.ProtocolDocument"
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_REDIRECTS_FILE_STORAGE = "cache"
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# Protocol documents: what may be uploaded, and how often documents are reviewed.
WAGTAILDOCS_EXTENSIONS = [
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "ppt",
    "pptx",
    "odt",
    "ods",
    "odp",
    "csv",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("DOCUMENT_MAX_UPLOAD_MB", 25) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "documents.forms.ProtocolDocumentForm"
DOCUMENT_REVIEW_INTERVAL_MONTHS = env_int("DOCUMENT_REVIEW_INTERVAL_MONTHS", 24)
DOCUMENT_REVIEW_DUE_SOON_DAYS = env_int("DOCUMENT_REVIEW_DUE_SOON_DAYS", 90)
PAGE_REVIEW_INTERVAL_MONTHS = env_int("PAGE_REVIEW_INTERVAL_MONTHS", 12)

# "Report a problem with this page": readers' free text is deleted this many days after it
# arrives; each address (an IPv6 /64) may send FEEDBACK_THROTTLE_COUNT reports an hour; a
# form sent sooner than FEEDBACK_MIN_FILL_SECONDS after it was shown is a robot's.
FEEDBACK_RETENTION_DAYS = env_int("FEEDBACK_RETENTION_DAYS", 90)
FEEDBACK_THROTTLE_COUNT = env_int("FEEDBACK_THROTTLE_COUNT", 5)
FEEDBACK_THROTTLE_SECONDS = 3600
FEEDBACK_MIN_FILL_SECONDS = 3
FEEDBACK_FORM_MAX_AGE_SECONDS = 4 * 3600

# Email alerts (the alerts app, send_alerts): a confirmation link works for
# ALERTS_CONFIRMATION_MAX_AGE_SECONDS; an address never confirmed is deleted after
# ALERTS_UNCONFIRMED_DAYS; the subscribe form takes ALERTS_THROTTLE_PER_SENDER posts an hour
# from one address (an IPv6 /64) and sends ALERTS_THROTTLE_PER_ADDRESS emails a day to one
# email address; send_alerts sends ALERTS_BATCH_SIZE emails per batch and takes over a batch
# claimed by a run that never finished it after ALERTS_CLAIM_TIMEOUT_SECONDS.
ALERTS_CONFIRMATION_MAX_AGE_SECONDS = env_int("ALERTS_CONFIRMATION_MAX_AGE_SECONDS", 3 * 86400)
ALERTS_UNCONFIRMED_DAYS = env_int("ALERTS_UNCONFIRMED_DAYS", 7)
ALERTS_THROTTLE_PER_SENDER = env_int("ALERTS_THROTTLE_PER_SENDER", 10)
ALERTS_THROTTLE_PER_ADDRESS = env_int("ALERTS_THROTTLE_PER_ADDRESS", 3)
ALERTS_BATCH_SIZE = env_int("ALERTS_BATCH_SIZE", 200)
ALERTS_CLAIM_TIMEOUT_SECONDS = env_int("ALERTS_CLAIM_TIMEOUT_SECONDS", 1800)

# External link checks (the check_links command, run nightly): seconds to wait for each
# answer, connections open at once in all and to one host, and further tries, each after a
# doubling pause, for failures that are usually temporary.
LINK_CHECK_TIMEOUT_SECONDS = env_int("LINK_CHECK_TIMEOUT_SECONDS", 15)
LINK_CHECK_MAX_CONNECTIONS = env_int("LINK_CHECK_MAX_CONNECTIONS", 10)
LINK_CHECK_MAX_CONNECTIONS_PER_HOST = env_int("LINK_CHECK_MAX_CONNECTIONS_PER_HOST", 2)
LINK_CHECK_RETRIES = env_int("LINK_CHECK_RETRIES", 1)
LINK_CHECK_RETRY_DELAY_SECONDS = env_int("LINK_CHECK_RETRY_DELAY_SECONDS", 5)
# Host names the checker may request although they resolve to a loopback or private
# address (local test servers); every other such address is refused.
LINK_CHECK_ALLOWED_HOSTS = env_list("LINK_CHECK_ALLOWED_HOSTS")
