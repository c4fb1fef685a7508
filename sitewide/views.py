from django.shortcuts import render
from django.urls import reverse
from wagtail.models import Site


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
