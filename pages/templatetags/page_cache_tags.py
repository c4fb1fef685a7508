from django import template
from django.conf import settings

from pages.privacy import audience_key
from sitewide.page_cache import content_version

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment_cache(context):
    """How long to cache the fragments every page repeats, the version that publishing
    moves on, for `{% cache fragments.seconds name fragments.version … %}`, and the audience
    key that fragments listing pages add, since who may open restricted pages differs."""
    request = context["request"]
    return {
        "seconds": settings.FRAGMENT_CACHE_SECONDS,
        "version": content_version(request),
        "audience": audience_key(request),
    }
