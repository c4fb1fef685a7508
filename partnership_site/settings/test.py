"""Test runs: fast hashing, a throw-away media folder, no network for embeds."""

import tempfile

from .dev import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="partnership-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"
WAGTAILEMBEDS_FINDERS = [{"class": "tests.embed_finders.OfflineEmbedFinder"}]
# Fragments are cached in tests as in production (tests/conftest.py clears the cache
# before each test); the whole-page cache is switched on by the tests that need it.
FRAGMENT_CACHE_SECONDS = 600
# Read once per test process, so that the query counts do not depend on when a test runs;
# the tests of that reading set it themselves.
CONTENT_VERSION_CHECK_SECONDS = 3600

# check_links's tests run their web servers on this machine.
LINK_CHECK_ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
