"""Remembers each host's Wagtail site and its partnership settings between requests."""

import copy

from wagtail.models import Site

from .models import PartnershipSettings
from .page_cache import content_version, remember


class SiteLookupMiddleware:
    """Remembers each host's Wagtail site, with its home page and its partnership settings,
    while the content version stays the same. Every page request otherwise starts with
    three queries whose answers rarely change: the site for the host, the home page's own
    fields (Wagtail routes from it) and the settings every page shows (contact panel,
    footer). Each request gets its own copy of the settings, which Wagtail ties to it.

    No documented API hands Wagtail a site or settings object it already has, so this
    writes the attributes Wagtail reads (request._wagtail_site, the settings' _request and
    _page_url_cache): it saves 2 to 3 of an uncached page's 2 to 6 queries, and
    tests/test_site_lookup.py fails when Wagtail changes what it reads."""

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
