from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.shortcuts import render


def login_locked_out(request, original_response, credentials):
    """What staff see instead of the admin login page once django-axes has locked out their
    username from where they are (AXES_LOCKOUT_CALLABLE): how long for, and what to do."""
    return render(
        request,
        "editorial/login_locked_out.html",
        {
            "username": get_client_username(request, credentials),
            "minutes": round(get_cool_off(request).total_seconds() / 60),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,
    )
