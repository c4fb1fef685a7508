"""Settings shared by every environment. Deployment values come from the environment."""

import datetime
from pathlib import Path

import dj_database_url

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
    "procedures",
    "sitewide",
    "search",
    "editorial",
    "learning",
    "axes",
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
    "sitewide.page_cache.SiteLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin logins (django-axes): AXES_FAILURE_LIMIT failed attempts at one username from one
# address lock that username out from that address for AXES_COOLOFF_MINUTES. Locking the
# address alone would lock out a whole office behind one shared address; a successful
# login clears the count. `manage.py axes_reset_username NAME` unlocks at once.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "editorial.backends.StaffBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "editorial.views.login_locked_out"
# The client's address is the connection's, which behind a reverse proxy is the proxy's.
# Set TRUSTED_PROXY_COUNT to the number of proxies in front of the site that each append
# the address they were connected from to TRUSTED_PROXY_HEADER: the client's address is
# then read that many places from the header's end, so nothing a client puts in the header
# itself is believed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_META_PRECEDENCE_ORDER = [
        "HTTP_" + (env_str("TRUSTED_PROXY_HEADER") or "X-Forwarded-For").upper().replace("-", "_"),
        "REMOTE_ADDR",
    ]
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT - 1
    # More addresses than proxies means the client wrote some: still take the one the
    # first trusted proxy appended, rather than ignoring the header.
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

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
    "loggers": {"django_tasks": {"level": "WARNING"}},
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND") or "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL") or "webmaster@localhost"

WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME") or "Safeguarding Children Partnership"
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL") or "http://127.0.0.1:8000"
# Staff views outside Wagtail's own URLs send anyone not logged in to the admin login;
# visitors to restricted pages get Wagtail's front-end login instead.
LOGIN_URL = "wagtailadmin_login"
# Workflow emails (from DEFAULT_FROM_EMAIL, linking to WAGTAILADMIN_BASE_URL) go to the
# Approvers when a page awaits them, and to its Editor when it is approved or rejected.
# Administrators are not copied in on every page; they join Approvers if they approve.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
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

# External link checks (the check_links command, run nightly): seconds to wait for each
# answer, connections open at once in all and to one host, and further tries, each after a
# doubling pause, for failures that are usually temporary.
LINK_CHECK_TIMEOUT_SECONDS = env_int("LINK_CHECK_TIMEOUT_SECONDS", 15)
LINK_CHECK_MAX_CONNECTIONS = env_int("LINK_CHECK_MAX_CONNECTIONS", 10)
LINK_CHECK_MAX_CONNECTIONS_PER_HOST = env_int("LINK_CHECK_MAX_CONNECTIONS_PER_HOST", 2)
LINK_CHECK_RETRIES = env_int("LINK_CHECK_RETRIES", 1)
LINK_CHECK_RETRY_DELAY_SECONDS = env_int("LINK_CHECK_RETRY_DELAY_SECONDS", 5)
