from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import patch_cache_control
from wagtail.models import Site

FAVICON_MAX_AGE = 24 * 60 * 60


def robots_txt(request):
    """Points crawlers at the sitemap, and keeps them out of the admin and of search
    results (endless, and no use as a search engine's own results)."""
    site = Site.find_for_request(request)
    return render(
        request,
        "robots.txt",
        {"sitemap_url": site.root_url + reverse("sitemap")},
        content_type="text/plain; charset=utf-8",
    )


def favicon(request):
    """Browsers ask every site for /favicon.ico, whatever its pages link to: send them to
    the icon among the static files. Not a permanent redirect: the static file's name
    changes with its content."""
    response = HttpResponseRedirect(static("favicon.ico"))
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response
