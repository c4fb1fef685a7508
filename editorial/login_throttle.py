"""Throttling admin logins against guessing: who the client is, and when to pause them.

django-axes counts failed logins and refuses a client once a count reaches its limit. It
has one limit (AXES_FAILURE_LIMIT) for every combination of AXES_LOCKOUT_PARAMETERS, and
the partnership needs three counts with limits of their own: a username from one address
(a person mistyping, or guessing at one account), one address over every username
(password spraying) and one username over every address (guessing from many addresses).
LoginThrottle is the axes handler (AXES_HANDLER, axes's documented way to specialise it)
that gives each its limit, and client_address() is its AXES_CLIENT_IP_CALLABLE.
"""

import ipaddress
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum

from .two_factor import has_second_factor


@dataclass(frozen=True)
class LoginLimit:
    """One of the counts: which of axes's lockout parameters it counts failures by."""

    parameters: tuple
    setting: str

    @property
    def failures_allowed(self):
        return getattr(settings, self.setting)


# In the order of AXES_LOCKOUT_PARAMETERS.
USERNAME_FROM_ADDRESS = LoginLimit(("username", "ip_address"), "AXES_FAILURE_LIMIT")
ADDRESS = LoginLimit(("ip_address",), "LOGIN_ADDRESS_FAILURE_LIMIT")
USERNAME = LoginLimit(("username",), "LOGIN_USERNAME_FAILURE_LIMIT")
LIMITS = (USERNAME_FROM_ADDRESS, ADDRESS, USERNAME)


def trusted_proxies():
    return [
        ipaddress.ip_network(network, strict=False) for network in settings.TRUSTED_PROXY_ADDRESSES
    ]


def as_ip(text):
    try:
        address = ipaddress.ip_address(text.strip().split("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(request):
    """The address the client connected from. A forwarded-for header is believed only when
    the connection comes from one of TRUSTED_PROXY_ADDRESSES, and then only as far back as
    the chain of trusted proxies reaches: each proxy appends the address it was connected
    from, so the right-most address that is not a trusted proxy is the client's, and
    anything to its left is whatever the client wrote. gunicorn listens on every interface,
    so anyone who reaches it directly could otherwise claim any address."""
    peer = as_ip(request.META.get("REMOTE_ADDR", ""))
    proxies = trusted_proxies()

    def is_trusted(address):
        return any(address in network for network in proxies)

    if peer is None or not is_trusted(peer):
        return peer
    header = "HTTP_" + settings.TRUSTED_PROXY_HEADER.upper().replace("-", "_")
    client = peer
    for entry in reversed(request.META.get(header, "").split(",")):
        address = as_ip(entry)
        if address is None:
            break
        client = address
        if not is_trusted(address):
            break
    return client


def throttled_address(request):
    """What axes counts failures by (AXES_CLIENT_IP_CALLABLE): the client's address, or for
    IPv6 its /64 network, which is what one household, office or server is given: counting
    single IPv6 addresses would give a guesser billions of fresh ones."""
    address = client_address(request)
    if address is None:
        return None
    if address.version == 6:
        address = ipaddress.ip_network(f"{address}/64", strict=False).network_address
    return str(address)


class LoginThrottle(AxesDatabaseHandler):
    """axes's database handler with a limit for each of LIMITS."""

    def failures(self, request, credentials=None):
        """The failures within the cool-off time that each limit counts, in its order."""
        return [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]

    def exhausted_limit(self, request, credentials=None):
        """The first limit this client has reached, if any."""
        for limit, failures in zip(LIMITS, self.failures(request, credentials), strict=True):
            if failures >= limit.failures_allowed:
                return limit
        return None

    def get_failures(self, request, credentials=None):
        """axes compares this one number with AXES_FAILURE_LIMIT: each count is scaled to
        it, so that the number reaches AXES_FAILURE_LIMIT exactly when a count reaches its
        own limit."""
        base = settings.AXES_FAILURE_LIMIT
        return max(
            failures * base // limit.failures_allowed
            for limit, failures in zip(LIMITS, self.failures(request, credentials), strict=True)
        )

    def reset_user_attempts(self, request, credentials=None):
        """A successful login clears that username's failures only: clearing the
        address's would let a sprayer with one account of their own start afresh. For staff
        who sign in with a second factor, the password alone clears nothing: the right code
        does, or each right password would buy another round of guesses at the code."""
        username = get_client_username(request, credentials)
        if has_second_factor(username):
            return 0
        return forget_failures(username)


def forget_failures(username):
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count
