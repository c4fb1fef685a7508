"""Partnership staff in the groups editorial 0001 sets up, and what they post to edit a
guidance page in the admin, for tests."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

EDITORS = "Editors"
APPROVERS = "Approvers"
REVIEWERS = "Reviewers"


def staff_member(username, *group_names, password="pw"):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", password, first_name=username.capitalize()
    )
    user.groups.add(*Group.objects.filter(name__in=group_names))
    return user


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


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
