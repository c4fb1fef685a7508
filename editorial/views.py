from axes.helpers import get_client_username, get_cool_off
from django.shortcuts import render

from .login_throttle import ADDRESS, USERNAME, LoginThrottle


def login_locked_out(request, original_response, credentials):
    """What staff see instead of the admin login page once django-axes has paused logging
    in (AXES_LOCKOUT_CALLABLE): which count was reached, how long for, and what to do."""
    limit = LoginThrottle().exhausted_limit(request, credentials)
    return render(
        request,
        "editorial/login_locked_out.html",
        {
            "username": get_client_username(request, credentials),
            "minutes": round(get_cool_off(request).total_seconds() / 60),
            "failure_limit": limit.failures_allowed if limit else None,
            "from_this_address": limit == ADDRESS,
            "from_everywhere": limit == USERNAME,
        },
        status=429,
    )
