"""The public pages of email alerts: subscribe (/alerts/, or /alerts/?page=ID from the link on
every page), confirm, change choices and unsubscribe.

None is cached or sets a cookie: they are exempt from Django's CSRF check, which needs a
cookie. The subscribe form carries the site's robot checks instead (sitewide.anonymous_forms)
and is throttled per sender and per email address, so it cannot flood an inbox with
confirmations; the other pages act only for the holder of a signed link from an email. The
answer to the subscribe form is the same whether or not the address is known.
"""

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sitewide.anonymous_forms import Throttle
from sitewide.models import PartnershipSettings

from .forms import AlertChoicesForm, SubscribeForm
from .models import Subscriber
from .sending import ONE_CLICK, confirmation_email, site_root_url

SUBSCRIBE_SUBJECT = "alerts.subscribe"

sender_throttle = Throttle("alerts-sender", limit=lambda: settings.ALERTS_THROTTLE_PER_SENDER)
address_throttle = Throttle(
    "alerts-address", limit=lambda: settings.ALERTS_THROTTLE_PER_ADDRESS, seconds=86400
)


def requested_items(request):
    """The page or document the subscribe link came from (?page=ID, ?document=ID)."""
    return [
        f"{kind}:{request.GET[kind]}"
        for kind in ("page", "document")
        if request.GET.get(kind, "").isdigit()
    ]


def privacy_notice(request):
    return PartnershipSettings.for_request(request).privacy_notice


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request):
    items = requested_items(request)
    status = 200
    if request.method == "POST":
        form = SubscribeForm(request.POST, items=items, subject_key=SUBSCRIBE_SUBJECT)
        if form.is_trapped:
            return redirect("alerts:check_email")
        if form.is_valid():
            if sender_throttle.allows_sender(request) and address_throttle.allows(
                form.cleaned_data["email"]
            ):
                request_confirmation(request, form)
                return redirect("alerts:check_email")
            form.add_error(
                None,
                "A lot of subscriptions have been asked for from here or for this address "
                "recently, so we cannot take this one yet. Try again later.",
            )
            status = 429
        else:
            status = 400
    else:
        form = SubscribeForm(
            items=items,
            subject_key=SUBSCRIBE_SUBJECT,
            initial=AlertChoicesForm.initial_for(items, "immediate"),
        )
    return render(
        request,
        "alerts/subscribe.html",
        {"form": form, "privacy_notice": privacy_notice(request)},
        status=status,
    )


def request_confirmation(request, form):
    subscriber, created = Subscriber.objects.get_or_create(email=form.cleaned_data["email"])
    if not subscriber.is_confirmed:
        # Asked again before confirming: the latest choices, and a fresh week to confirm.
        subscriber.subscribed_at = timezone.now()
        subscriber.choose(form.chosen_topics(), form.cleaned_data["frequency"])
    confirmation_email(subscriber, site_root_url(request)).send()


@never_cache
def check_email(request):
    return render(
        request,
        "alerts/check_email.html",
        {"expires_in_days": settings.ALERTS_CONFIRMATION_MAX_AGE_SECONDS // 86400},
    )


def subscriber_from(token, purpose, max_age=None):
    subscriber = Subscriber.from_token(token, purpose, max_age=max_age)
    if subscriber is None:
        raise Http404
    return subscriber


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token):
    """GET asks, POST confirms: mail scanners that open links do not confirm anything."""
    try:
        subscriber = subscriber_from(
            token, "confirm", max_age=settings.ALERTS_CONFIRMATION_MAX_AGE_SECONDS
        )
    except signing.SignatureExpired:
        return render(request, "alerts/link_expired.html", status=410)
    if request.method == "POST":
        subscriber.confirm()
        return redirect("alerts:manage", token=subscriber.token("manage"))
    return render(request, "alerts/confirm.html", {"subscriber": subscriber})


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def manage(request, token):
    subscriber = subscriber_from(token, "manage")
    chosen = subscriber.topics
    saved = False
    status = 200
    if request.method == "POST":
        form = AlertChoicesForm(request.POST, items=chosen)
        if form.is_valid():
            subscriber.choose(form.chosen_topics(), form.cleaned_data["frequency"])
            saved = True
        else:
            status = 400
    else:
        form = AlertChoicesForm(
            items=chosen, initial=AlertChoicesForm.initial_for(chosen, subscriber.frequency)
        )
    return render(
        request,
        "alerts/manage.html",
        {
            "form": form,
            "subscriber": subscriber,
            "saved": saved,
            "unsubscribe_token": subscriber.token("unsubscribe"),
            "privacy_notice": privacy_notice(request),
        },
        status=status,
    )


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows a button; POST, the button's or a mail program's one-click
    `List-Unsubscribe=One-Click` (RFC 8058), deletes the subscriber with everything kept
    about them, and needs no confirmation page or CSRF token: the signed link is the proof."""
    subscriber = Subscriber.from_token(token, "unsubscribe")
    if request.method == "POST":
        if subscriber is not None:
            subscriber.delete()
        return render(request, "alerts/unsubscribed.html")
    if subscriber is None:
        raise Http404
    return render(request, "alerts/unsubscribe.html", {"one_click": ONE_CLICK})
