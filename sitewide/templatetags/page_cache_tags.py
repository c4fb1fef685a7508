from django import template
from django.conf import settings

from sitewide.page_cache import content_version

register = template.Library()


@register.simple_tag(takes_context=True)
def fragment_cache(context):
    """How long to cache the fragments every page repeats, and the version that
    publishing moves on, for `{% cache fragments.seconds name fragments.version … %}`."""
    return {
        "seconds": settings.FRAGMENT_CACHE_SECONDS,
        "version": content_version(context["request"]),
    }
