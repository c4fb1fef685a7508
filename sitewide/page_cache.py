"""Whole-page cache for anonymous visitors.

Practitioners are anonymous, and most of them read the same few pages: answering them
from the cache takes no database work at all. Anyone with a session (partnership staff)
always gets a freshly rendered page. Publishing, unpublishing, moving or deleting a page,
and saving a document or the site settings, invalidates every cached page at once by
moving a version number: the site is small, and a stale contact number is worse than a
few re-renders.

Pages show whether the "concerned about a child" team is open now, so nothing is cached
past the next opening or closing time.

The parts every page repeats (menu, breadcrumbs, footer) are also cached as fragments
under the same version, so staff and first visits skip their queries too.
"""

import contextvars
import copy
import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from .models import PartnershipSettings

VERSION_KEY = "page-cache:version"
EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/")


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def page_cache_version():
    """The content version, or None when the cache keeps nothing (Redis unreachable):
    then nothing is remembered, because nothing could tell the other servers' copies
    that they are out of date."""
    cache = page_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, first_content_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def first_content_version():
    # From the clock, not 1: when the cache starts again empty (Redis restarted), a
    # process that remembered something under an earlier version must not take the new
    # version for that one.
    return time.time_ns()


# The version the request being served read, as a 1-tuple (the version itself may be
# None): what is remembered without the request at hand (view restrictions) then costs
# no second read of the cache.
serving_version = contextvars.ContextVar("serving_version", default=None)


def content_version(request):
    """The page-cache version, read from the cache once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = page_cache_version()
        serving_version.set((request._content_version,))
    return request._content_version


def current_content_version():
    """The version the request being served read; outside a request, read now."""
    serving = serving_version.get()
    return serving[0] if serving is not None else page_cache_version()


def forget_serving_version(**kwargs):
    serving_version.set(None)


request_finished.connect(forget_serving_version)


def invalidate_page_cache(**kwargs):
    # Now, so that this process sees the change at once; and again when the change is
    # committed, because another process that read the new version before the commit
    # may have remembered what the database held until then.
    move_content_version()
    transaction.on_commit(move_content_version)


def move_content_version():
    cache = page_cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, first_content_version(), timeout=None)


_remembered = {}


def remember(key, version, compute):
    """compute()'s answer, shared by all of this process's requests (and threads) while
    the content version stays `version`: for what every page needs and only an editor's
    change can change. Callers must not change what they are given."""
    if version is None:
        return compute()
    remembered = _remembered.get(key)
    if remembered is not None and remembered[0] == version:
        return remembered[1]
    value = compute()
    _remembered[key] = (version, value)
    return value


def cache_key(request, version):
    location = hashlib.sha256(f"{request.get_host()}{request.get_full_path()}".encode()).hexdigest()
    return f"page-cache:{version}:{location}"


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def is_cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def expire_cached_page_by(request, moment):
    """Keep the page being rendered in the cache no later than `moment`: for pages that
    show more than the contact panel's open-now state (other teams' hours)."""
    earliest = getattr(request, "page_cache_expires_by", None)
    request.page_cache_expires_by = moment if earliest is None else min(earliest, moment)


def seconds_until_contact_status_changes(request):
    site = Site.find_for_request(request)
    if site is None:
        return None
    changes = [
        PartnershipSettings.for_request(request).contact_status().changes_at,
        getattr(request, "page_cache_expires_by", None),
    ]
    changes = [moment for moment in changes if moment is not None]
    if not changes:
        return None
    return max(1, int((min(changes) - timezone.now()).total_seconds()))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)

        cache = page_cache()
        version = content_version(request)
        # An unknown version (the cache unreachable) caches nothing: a page stored under
        # it could be served after a later change that nothing could record.
        key = cache_key(request, version) if version is not None else None
        cached = cache.get(key) if key is not None else None
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached

        response = self.get_response(request)
        if is_cacheable_response(response):
            if key is not None:
                timeout = settings.PAGE_CACHE_SECONDS
                until_change = seconds_until_contact_status_changes(request)
                if until_change is not None:
                    timeout = min(timeout, until_change)
                cache.set(key, response, timeout)
            response["X-Page-Cache"] = "miss"
        return response


class SiteLookupMiddleware:
    """Remembers each host's Wagtail site, with its home page and its partnership settings,
    while the content version stays the same. Every page request otherwise starts with
    three queries whose answers rarely change: the site for the host, the home page's own
    fields (Wagtail routes from it) and the settings every page shows (contact panel,
    footer). Each request gets its own copy of the settings, which Wagtail ties to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        site_and_settings = remember(
            # get_host() refuses hosts outside ALLOWED_HOSTS, which would otherwise each
            # take a place here.
            ("site", request.get_host()),
            content_version(request),
            lambda: self.find_site_and_settings(request),
        )
        if site_and_settings is not None:
            request._wagtail_site, site_settings = site_and_settings
            request_settings = copy.copy(site_settings)
            request_settings._request = request
            request_settings._page_url_cache = {}
            setattr(request, PartnershipSettings.get_cache_attr_name(), request_settings)
        return self.get_response(request)

    @staticmethod
    def find_site_and_settings(request):
        site = Site.find_for_request(request)
        if site is None:
            return None
        return site, PartnershipSettings.for_site(site)
