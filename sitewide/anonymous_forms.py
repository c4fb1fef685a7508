"""The robot checks of every form the public sends without signing in ("Report a problem",
"We used this", email alerts), written once.

These forms post without Django's CSRF cookie, so that visitors get no cookie at all. In
its place the form carries a signed, timestamped token naming what it was shown for: a form
sent back sooner than a person could fill it in is a robot's, one older than its maximum age
is stale, one shown for something else was not this form. A field people never see (the
"trap", hidden by the stylesheet and from assistive technology) catches robots that fill in
every field. `Throttle` then counts what each sender sends, in the cache every server
shares.
"""

import ipaddress
import time

from axes.helpers import get_client_ip_address
from django import forms
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac


class RobotChecksMixin(forms.Form):
    """Mix into a Form or ModelForm (before it) and pass `subject_key`, what the form is for
    (a page, a briefing): the template writes `form.fresh_token` into a hidden `token` input
    and `form.website` as the trap. A form class sets `signing_salt` and may change the
    minimum fill time, the maximum age and `what_to_check` (the word its messages use)."""

    signing_salt = ""
    min_fill_seconds = 3
    max_age_seconds = 4 * 3600
    what_to_check = "answers"

    website = forms.CharField(
        label="Leave this empty",
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, subject_key="", **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_key = subject_key
        # A fresh token each time the form is shown, also when it comes back with errors:
        # the template writes it, and clean() reads the one sent back.
        self.fresh_token = self.token_for(subject_key)

    @classmethod
    def token_for(cls, subject_key, shown=None):
        shown = time.time() if shown is None else shown
        return signing.dumps({"subject": subject_key, "shown": shown}, salt=cls.signing_salt)

    @property
    def is_trapped(self):
        """Filled in by a robot: the trap has a value. Such a post is thanked like anyone's
        and stores nothing, so the robot learns nothing."""
        return bool(self.data.get("website"))

    def clean(self):
        problem = self.token_problem(self.data.get("token", ""))
        if problem:
            raise forms.ValidationError(problem)
        return super().clean()

    def token_problem(self, signed_token):
        again = f"Check your {self.what_to_check} and send it again."
        try:
            token = signing.loads(
                signed_token, salt=self.signing_salt, max_age=self.max_age_seconds
            )
        except signing.SignatureExpired:
            return f"This form was open for too long. {again}"
        except signing.BadSignature:
            return f"Something went wrong with this form. {again}"
        if token.get("subject") != self.subject_key:
            return f"This form was for another page. {again}"
        if time.time() - token["shown"] < self.min_fill_seconds:
            return f"That was sent very quickly. {again}"
        return None


def sender_network(request):
    """The sender's address as axes reads it (AXES_CLIENT_IP_CALLABLE: trusted proxies only,
    editorial/login_throttle.py); its /64 for IPv6, where one household or phone holds a
    whole /64."""
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


class Throttle:
    """At most `limit` sends in `seconds` per key: a sender's network (`allows_sender`) or
    any other value, such as an email address (`allows`).

    The cache keeps only a keyed hash of the key, so the addresses of people who sent a
    form cannot be read back from it. When the cache is unreachable nothing is counted and
    forms are let through: the trap and the minimum fill time still keep robots out, and a
    lost report would be worse.
    """

    def __init__(self, name, limit, seconds=3600):
        self.name = name
        self.limit = limit
        self.seconds = seconds

    def allows_sender(self, request):
        """Count one send from the request's sender; False once they have sent too many."""
        return self.allows(sender_network(request))

    def allows(self, value):
        digest = salted_hmac(f"throttle.{self.name}", value).hexdigest()
        key = f"throttle:{self.name}:{digest}"
        cache.add(key, 0, self.seconds)
        try:
            count = cache.incr(key)
        except ValueError:
            # Expired between the two calls, or the cache is unreachable.
            count = 1
        return count <= self.current_limit()

    def current_limit(self):
        return self.limit() if callable(self.limit) else self.limit
