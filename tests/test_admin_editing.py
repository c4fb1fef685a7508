"""Partnership staff create and publish guidance through the Wagtail admin."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from pages.models import GuidancePage
from tests.editorial import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    """A member of staff who both writes and approves, so may publish straight away."""
    user = django_user_model.objects.create_user("moderator", "moderator@example.org", "pw")
    user.groups.add(*Group.objects.filter(name__in=["Editors", "Approvers"]))
    return user


def test_staff_member_creates_and_publishes_a_guidance_page(client, moderator, section):
    sign_in(client, moderator)
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "guidancepage", section.pk))
    assert client.get(add_url).status_code == 200

    response = client.post(
        add_url,
        nested_form_data(
            {
                "title": "Private fostering",
                "slug": "private-fostering",
                "search_description": "Recognising private fostering arrangements.",
                "review_interval_months": 12,
                "body": streamfield(
                    [
                        ("heading", {"text": "What private fostering is", "level": "h2"}),
                        (
                            "paragraph",
                            rich_text(
                                "<p>A child cared for by someone who is not a close relative.</p>"
                            ),
                        ),
                    ]
                ),
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""

    page = GuidancePage.objects.child_of(section).get(slug="private-fostering")
    assert page.live
    public = client.get(page.url)
    assert public.status_code == 200
    assert "A child cared for by someone" in public.content.decode()
    listing = client.get(section.url).content.decode()
    assert "Recognising private fostering arrangements." in listing


def test_admin_form_errors_keep_what_was_typed(client, moderator, section):
    sign_in(client, moderator)
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "guidancepage", section.pk))
    response = client.post(
        add_url,
        nested_form_data(
            {
                "title": "Missing summary",
                "slug": "missing-summary",
                "search_description": "",
                "review_interval_months": 12,
                "body": streamfield([]),
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 200
    assert "search_description" in response.context["form"].errors
    assert 'value="Missing summary"' in response.content.decode()
    assert not GuidancePage.objects.child_of(section).filter(slug="missing-summary").exists()


def test_link_block_needs_exactly_one_target(client, moderator, section):
    sign_in(client, moderator)
    add_url = reverse("wagtailadmin_pages:add", args=("pages", "guidancepage", section.pk))
    response = client.post(
        add_url,
        nested_form_data(
            {
                "title": "Bad link",
                "slug": "bad-link",
                "search_description": "A page with a broken related link.",
                "review_interval_months": 12,
                "body": streamfield(
                    [
                        (
                            "related_links",
                            {
                                "heading": "Related",
                                "links": {
                                    "count": 1,
                                    "0": {
                                        "deleted": "",
                                        "order": 0,
                                        "value": {
                                            "page": "",
                                            "document": "",
                                            "url": "",
                                            "text": "",
                                        },
                                    },
                                },
                            },
                        )
                    ]
                ),
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 200
    assert (
        "Choose a page, a document or a web address for this link: only one is needed."
        in response.content.decode()
    )
    assert not GuidancePage.objects.child_of(section).filter(slug="bad-link").exists()
