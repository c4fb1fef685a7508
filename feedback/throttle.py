"""How many reports one sender may make: FEEDBACK_THROTTLE_COUNT in FEEDBACK_THROTTLE_SECONDS.

Counted in the cache shared by every server, per address, and per /64 for IPv6, where one
household or phone holds a whole /64. The cache keeps only a keyed hash of the address, so
the addresses of people who sent a report cannot be read back from it. When the cache is
unreachable nothing is counted and reports are let through: the trap field and the form's
minimum fill time still keep robots out, and a lost report would be worse.
"""

import ipaddress

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


def sender_network(request):
    """The sender's address as axes reads it (AXES_CLIENT_IP_CALLABLE: trusted proxies only,
    editorial/login_throttle.py); its /64 for IPv6."""
    address = get_client_ip_address(request) or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def throttle_key(request):
    digest = salted_hmac("feedback.throttle", sender_network(request)).hexdigest()
    return f"feedback-throttle:{digest}"


def allow_report_from(request):
    """Count one report from the request's sender; False once they have sent too many."""
    key = throttle_key(request)
    cache.add(key, 0, settings.FEEDBACK_THROTTLE_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:
        # Expired between the two calls, or the cache is unreachable.
        count = 1
    return count <= settings.FEEDBACK_THROTTLE_COUNT
