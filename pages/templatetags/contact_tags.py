import re

from django import template

from pages.models import OtherAreasPage

register = template.Library()


@register.filter
def tel_uri(phone_number):
    """'01632 960 000' -> 'tel:01632960000', so a tap on a phone starts the call."""
    return "tel:" + re.sub(r"[^\d+]", "", phone_number)


@register.simple_tag(takes_context=True)
def other_areas_url(context):
    """The address of the "Child lives in another area?" page, or None if there is none."""
    request = context.get("request")
    return OtherAreasPage.url_for(request) if request is not None else None
