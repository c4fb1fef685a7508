"""The Cache-Control header of the site's own pages.

An anonymous visitor's page says how long a shared cache (the site's own page cache, a
CDN) may keep it: `s-maxage`, PAGE_CACHE_SECONDS at most and never past the next opening
or closing time of the "concerned about a child" team, which every page shows. Browsers
are told to ask again each time (`max-age=0`), since only the shared caches hear of an
editor's change. Anything a signed-in member of staff sees is private and kept nowhere.
"""

from django.conf import settings
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from wagtail.models import Site

from .models import PartnershipSettings


def is_staff_request(request):
    return settings.SESSION_COOKIE_NAME in request.COOKIES or request.user.is_authenticated


def expire_cached_page_by(request, moment):
    """Keep the page being rendered in shared caches no later than `moment`: for pages that
    show more than the contact panel's open-now state (other teams' hours)."""
    earliest = getattr(request, "page_cache_expires_by", None)
    request.page_cache_expires_by = moment if earliest is None else min(earliest, moment)


def seconds_until_contact_status_changes(request):
    if Site.find_for_request(request) is None:
        return None
    changes = [
        PartnershipSettings.for_request(request).contact_status().changes_at,
        getattr(request, "page_cache_expires_by", None),
    ]
    changes = [moment for moment in changes if moment is not None]
    if not changes:
        return None
    return max(1, int((min(changes) - timezone.now()).total_seconds()))


class CacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if is_staff_request(request):
            add_never_cache_headers(response)
        elif (
            response.status_code == 200
            and request.method in ("GET", "HEAD")
            and not response.streaming
            and not response.cookies
            and not response.has_header("Cache-Control")
        ):
            shared_seconds = settings.PAGE_CACHE_SECONDS
            until_change = seconds_until_contact_status_changes(request)
            if until_change is not None:
                shared_seconds = min(shared_seconds, until_change)
            patch_cache_control(response, public=True, max_age=0, s_maxage=shared_seconds)
        return response
