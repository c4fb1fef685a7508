"""Two-factor sign-in for staff (django-otp): after their password, staff who have an
authenticator app, and every Approver and administrator, must give a code from it (or one
of their recovery codes) before any admin page opens. Approvers and administrators
without an app are sent to set one up first."""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

APPROVERS = "Approvers"


def two_factor_required(user):
    """Whether this member of staff must use two-factor sign-in: administrators and
    Approvers, whose word puts a page in front of the public."""
    return user.is_superuser or user.groups.filter(name=APPROVERS).exists()


def has_second_factor(username):
    """Whether logging in as this username takes a second step after the password."""
    user = get_user_model().objects.filter(username=username).first()
    return user is not None and (two_factor_required(user) or user_has_device(user))


class TwoFactorMiddleware:
    """Keeps staff who have signed in with their password alone out of the admin, except
    for the pages where they give their code or set up their app (and logging out and
    resetting a password). Comes after django-otp's OTPMiddleware, which tells whether the
    session was verified with a device."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(reverse("wagtailadmin_home")) and not self.is_open(request):
            user = request.user
            if user.is_authenticated and not user.is_verified():
                if user_has_device(user):
                    return self.send_to("two_factor:verify", request)
                if two_factor_required(user):
                    return self.send_to("two_factor:set_up", request)
        return self.get_response(request)

    def is_open(self, request):
        # The login page's own icons and translations are open to anyone, so are not kept
        # from a half-signed-in session either (the icons' script puts whatever answers into
        # the page).
        return request.path.startswith(
            (
                reverse("wagtailadmin_sprite"),
                reverse("wagtailadmin_javascript_catalog"),
                reverse("wagtailadmin_login"),
                reverse("wagtailadmin_logout"),
                reverse("wagtailadmin_password_reset"),
                reverse("two_factor:verify"),
                reverse("two_factor:set_up"),
            )
        )

    def send_to(self, url_name, request):
        return redirect(f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}")
