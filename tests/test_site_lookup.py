"""The one place the project hands Wagtail state through Wagtail's private attributes
(sitewide/site_lookup.py), and the tests that fail loudly when Wagtail changes them.

Measured on the demo site, uncached: the home page takes 2 queries with the remembered
site and settings and 5 without, a guidance page 2 and 5, the library 3 and 6, a search 4
and 6. No documented API hands Wagtail a site or a settings object it already has, so
the middleware writes what Wagtail itself reads: `request._wagtail_site` (the cache
Site.find_for_request's docstring names) and, on each request's own copy of the
settings, `_request` and `_page_url_cache` (what BaseSiteSetting.for_request and
get_page_url use). If one of these tests fails after a Wagtail upgrade, look there."""

import inspect

import pytest
from django.http import HttpResponse
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.models import Site

from sitewide.models import PartnershipSettings
from sitewide.site_lookup import SiteLookupMiddleware
from tests.factories import create_guidance_page

pytestmark = pytest.mark.django_db


def test_wagtail_still_reads_the_attributes_the_site_lookup_writes():
    assert "request._wagtail_site" in inspect.getsource(Site.find_for_request)
    for_request = inspect.getsource(BaseSiteSetting.for_request)
    assert "cls.get_cache_attr_name()" in for_request
    assert "site_settings._request = request" in for_request
    get_page_url = inspect.getsource(BaseSiteSetting.get_page_url)
    assert 'getattr(self, "_request", None)' in get_page_url
    assert "self._page_url_cache[attribute_name]" in get_page_url


def test_wagtail_finds_the_remembered_site_and_settings_without_a_query(
    rf, site, django_assert_num_queries
):
    accessibility = create_guidance_page("How accessible this site is", parent=site.root_page)
    PartnershipSettings.objects.filter(site=site).update(accessibility_statement=accessibility)
    seen = []

    def view(request):
        with django_assert_num_queries(0):
            found = Site.find_for_request(request)
            settings = PartnershipSettings.for_request(request)
        seen.append((request, found, settings, settings.page_url.accessibility_statement))
        return HttpResponse()

    middleware = SiteLookupMiddleware(view)
    for _ in range(3):
        middleware(rf.get("/"))

    _, first_site, first_settings, first_url = seen[1]
    request, second_site, second_settings, second_url = seen[2]
    assert first_site == second_site == site
    # Each request has its own copy of the settings, tied to it.
    assert first_settings is not second_settings
    assert second_settings._request is request
    assert first_url == second_url == accessibility.url
