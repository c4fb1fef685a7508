"""Partnership staff in the groups editorial 0001 sets up, and what they post to edit a
guidance page in the admin, for tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from editorial.two_factor import two_factor_required
from reviews.models import REVIEWERS_GROUP

EDITORS = "Editors"
APPROVERS = "Approvers"
REVIEWERS = REVIEWERS_GROUP


def staff_member(username, *group_names, password="pw"):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", password, first_name=username.capitalize()
    )
    user.groups.add(*Group.objects.filter(name__in=group_names))
    return user


def authenticator_app(user):
    """The user's confirmed authenticator app (TOTP device), set up if they have none."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    )


def current_code(app):
    """The code the authenticator app shows now."""
    totp = TOTP(app.bin_key, app.step, app.t0, app.digits, app.drift)
    return f"{totp.token():0{app.digits}d}"


def sign_in(client, user):
    """Log the client in as staff are after both steps: the password (force_login) and, for
    staff who must or chose to use two-factor sign-in, a code from their app, as
    django_otp.login records it in the session."""
    client.force_login(user)
    if two_factor_required(user) or user_has_device(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = authenticator_app(user).persistent_id
        session.save()
    return client


def logged_in(user):
    return sign_in(Client(), user)


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def guidance_page_form(page, paragraph, action):
    """The edit form of a guidance page with its body replaced by one paragraph, sent with
    an action button: "action-submit", "action-publish", or None to save a draft."""
    data = {
        "title": page.title,
        "slug": page.slug,
        "search_description": page.search_description,
        "body": streamfield([("paragraph", rich_text(f"<p>{paragraph}</p>"))]),
        "owner_team": page.owner_team,
        "owner_name": page.owner_name,
        "owner_email": page.owner_email,
        "last_reviewed_on": page.last_reviewed_on.isoformat() if page.last_reviewed_on else "",
        "review_interval_months": page.review_interval_months,
    }
    if action:
        data[action] = action
    return nested_form_data(data)
