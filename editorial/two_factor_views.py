"""The admin pages of two-factor sign-in: giving a code after the password, and setting up
an authenticator app with its recovery codes (Account → Two-factor sign-in)."""

import base64

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_credentials, get_lockout_response
from django import forms
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .login_throttle import forget_failures
from .two_factor import two_factor_required

RECOVERY_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        help_text="The 6-digit code your app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split())


def next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("wagtailadmin_home")


def lock_out(request, credentials):
    """The session that gave wrong codes ends: trying again starts from the password."""
    logout(request)
    return get_lockout_response(request, None, credentials)


def verify(request):
    """After the password, the code. A wrong code counts as a failed login (django-axes), so
    guessing codes is paused as guessing passwords is, and the session then ends."""
    credentials = get_credentials(request.user.get_username())
    if AxesProxyHandler.is_locked(request, credentials):
        return lock_out(request, credentials)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            forget_failures(request.user.get_username())
            return redirect(next_url(request))
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if request.axes_locked_out:
            return lock_out(request, credentials)
        form.add_error(
            "code", "That code is not right, or has been used. Try the code your app shows now."
        )
    return render(
        request,
        "editorial/two_factor/verify.html",
        {"form": form, "next": next_url(request)},
        status=400 if form.errors else 200,
    )


def new_recovery_codes(user):
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    return [
        device.token_set.create(token=StaticToken.random_token()).token
        for _ in range(RECOVERY_CODES)
    ]


def set_up(request):
    """Setting up an authenticator app: a QR code to scan, the same key as text to type, then
    a code from the app to show it works; recovery codes are shown once, on success. Staff
    with an app come here for new recovery codes."""
    user = request.user
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if app is not None:
        if not user.is_verified():
            return redirect(f"{reverse('two_factor:verify')}?next={reverse('two_factor:set_up')}")
        recovery_codes = None
        if request.method == "POST":
            recovery_codes = new_recovery_codes(user)
        left = StaticDevice.objects.filter(user=user).values_list("token_set__token", flat=True)
        return render(
            request,
            "editorial/two_factor/set_up_done.html",
            {"recovery_codes": recovery_codes, "codes_left": len([code for code in left if code])},
        )

    app = TOTPDevice.objects.filter(
        user=user, confirmed=False
    ).first() or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if app.verify_token(form.cleaned_data["code"]):
            app.confirmed = True
            app.save(update_fields=["confirmed"])
            otp_login(request, app)
            return render(
                request,
                "editorial/two_factor/set_up_done.html",
                {
                    "recovery_codes": new_recovery_codes(user),
                    "next": next_url(request),
                    "new": True,
                },
            )
        form.add_error(
            "code", "That code is not right. Check the app's clock, and type the code it shows now."
        )
    key = base64.b32encode(app.bin_key).decode()
    return render(
        request,
        "editorial/two_factor/set_up.html",
        {
            "form": form,
            "next": next_url(request),
            "required": two_factor_required(user),
            "key": " ".join(key[index : index + 4] for index in range(0, len(key), 4)),
            "qr_code": qrcode.make(
                app.config_url, image_factory=qrcode.image.svg.SvgPathImage
            ).to_string(encoding="unicode"),
        },
        status=400 if form.errors else 200,
    )
