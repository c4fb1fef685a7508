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

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from wagtail.models import Site

VERSION_KEY = "page-cache:version"
EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/")


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def page_cache_version():
    return page_cache().get_or_set(VERSION_KEY, 1, timeout=None)


def content_version(request):
    """The page-cache version, read from the cache once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = page_cache_version()
    return request._content_version


def invalidate_page_cache(**kwargs):
    cache = page_cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


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


def seconds_until_contact_status_changes(request):
    from .models import PartnershipSettings

    site = Site.find_for_request(request)
    if site is None:
        return None
    changes_at = PartnershipSettings.for_request(request).contact_status().changes_at
    if changes_at is None:
        return None
    return max(1, int((changes_at - timezone.now()).total_seconds()))


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)

        cache = page_cache()
        key = cache_key(request, content_version(request))
        cached = cache.get(key)
        if cached is not None:
            cached["X-Page-Cache"] = "hit"
            return cached

        response = self.get_response(request)
        if is_cacheable_response(response):
            timeout = settings.PAGE_CACHE_SECONDS
            until_change = seconds_until_contact_status_changes(request)
            if until_change is not None:
                timeout = min(timeout, until_change)
            cache.set(key, response, timeout)
            response["X-Page-Cache"] = "miss"
        return response


class SiteLookupMiddleware:
    """Remembers each host's Wagtail site, with its home page, while the content version
    stays the same. Every page request otherwise starts with two queries whose answers
    rarely change: the site for the host, then the home page's own fields (Wagtail routes
    from it). Requests only read these objects, so threads of one process can share them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.sites = {}

    def __call__(self, request):
        version = content_version(request)
        host = request._get_raw_host()
        remembered = self.sites.get(host)
        if remembered is not None and remembered[0] == version:
            request._wagtail_site = remembered[1]
        else:
            site = Site.find_for_request(request)
            if site is not None:
                self.sites[host] = (version, site)
        return self.get_response(request)
