from django import template
from wagtail.models import Site

from sitewide.models import PartnershipSettings

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The address search engines and shared links should use for the current page.

    The host is the Wagtail site's, as in the sitemap, not whatever the request came in on.
    The query string is left out: a filtered or sorted view is the same page. Taken from
    the request, so a routable page's sub-pages (a document's entry in the library) keep
    their own address."""
    request = context["request"]
    return Site.find_for_request(request).root_url + request.path


@register.simple_tag(takes_context=True)
def share_title(context, page):
    """The page's name where it is shown out of the site (a shared link): its SEO title or
    title, but the partnership's name for the home page, whose title is "Home"."""
    request = context["request"]
    if page.pk == Site.find_for_request(request).root_page_id:
        return PartnershipSettings.for_request(request).partnership_name
    return page.seo_title or page.title
