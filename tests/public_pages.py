"""The public pages of the site, as the accessibility and privacy tests visit them."""

from urllib.parse import urlsplit

from wagtail.contrib.sitemaps.sitemap_generator import Sitemap

NOT_FOUND_PATH = "/no-such-page/"

# Reachable by every visitor but not in the page tree.
OTHER_PUBLIC_PATHS = [
    "/search/",
    "/search/?q=children",
    "/search/?q=zyzzogeton",  # no results
    NOT_FOUND_PATH,
]


def public_paths():
    """Every published, public page of the default site as its sitemap lists it, then the
    search and "not found" pages.

    Read from the database, so a new page type is covered as soon as the demo content
    has one, and so is every sub-page a routable page lists in the sitemap."""
    paths = []
    for page in Sitemap().items():
        for entry in page.get_sitemap_urls():
            url = urlsplit(entry["location"])
            paths.append(f"{url.path}?{url.query}" if url.query else url.path)
    return paths + OTHER_PUBLIC_PATHS
