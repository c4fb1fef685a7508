import re

from django import template

register = template.Library()


@register.filter
def tel_uri(phone_number):
    """'01632 960 000' -> 'tel:01632960000', so a tap on a phone starts the call."""
    return "tel:" + re.sub(r"[^\d+]", "", phone_number)
