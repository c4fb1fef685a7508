"""Scheduled publishing: a page approved to go live later goes live, and one set to expire
is unpublished, when `publish_scheduled` runs (every 10 minutes in production: README)."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from pages.models import GuidancePage
from tests.editorial import (
    edit_url,
    guidance_page_form,
    logged_in,
)
from tests.test_partnership_approval import act

pytestmark = pytest.mark.django_db

AN_HOUR = datetime.timedelta(hours=1)


@pytest.fixture(autouse=True)
def page_cache_on():
    """Anonymous pages cached as in production: the command must reach them too."""
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield


def admin_datetime(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def publish_scheduled(later=datetime.timedelta(0)):
    """Run the command as cron would, `later` from now."""
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + later):
        call_command("publish_scheduled", stdout=io.StringIO())


def test_an_approved_page_goes_live_when_its_time_comes(client, section, editor, approver):
    response = logged_in(editor).post(
        reverse("wagtailadmin_pages:add", args=("pages", "guidancepage", section.pk)),
        nested_form_data(
            {
                "title": "New threshold document",
                "slug": "new-threshold-document",
                "search_description": "The new levels of need, from 1 April.",
                "review_interval_months": 12,
                "body": streamfield([("paragraph", rich_text("<p>Level 4: specialist.</p>"))]),
                "go_live_at": admin_datetime(timezone.now() + AN_HOUR),
                "action-submit": "action-submit",
            }
        ),
    )
    assert response.status_code == 302
    page = GuidancePage.objects.child_of(section).get(slug="new-threshold-document")
    address = f"{section.url}new-threshold-document/"
    act(approver, page, "approve")

    page.refresh_from_db()
    assert not page.live
    assert client.get(address).status_code == 404
    publish_scheduled()
    assert client.get(address).status_code == 404

    publish_scheduled(later=2 * AN_HOUR)
    response = client.get(address)
    assert response.status_code == 200
    assert "Level 4: specialist." in response.content.decode()
    assert Page.objects.get(pk=page.pk).live


def test_an_approved_change_to_a_live_page_waits_for_its_time(
    client, guidance_page, editor, approver
):
    data = guidance_page_form(guidance_page, "From 1 April: the new thresholds.", "action-submit")
    data["go_live_at"] = admin_datetime(timezone.now() + AN_HOUR)
    assert logged_in(editor).post(edit_url(guidance_page), data).status_code == 302
    act(approver, guidance_page, "approve")

    assert "the new thresholds" not in client.get(guidance_page.url).content.decode()
    publish_scheduled()
    assert "the new thresholds" not in client.get(guidance_page.url).content.decode()
    publish_scheduled(later=2 * AN_HOUR)
    assert "the new thresholds" in client.get(guidance_page.url).content.decode()


def test_a_page_past_its_expiry_is_unpublished(client, guidance_page, editor, approver):
    data = guidance_page_form(guidance_page, "Interim arrangements.", "action-submit")
    data["expire_at"] = admin_datetime(timezone.now() + AN_HOUR)
    assert logged_in(editor).post(edit_url(guidance_page), data).status_code == 302
    act(approver, guidance_page, "approve")
    assert "Interim arrangements." in client.get(guidance_page.url).content.decode()

    publish_scheduled()
    assert client.get(guidance_page.url).status_code == 200

    publish_scheduled(later=2 * AN_HOUR)
    page = Page.objects.get(pk=guidance_page.pk)
    assert not page.live
    assert page.expired
    assert client.get(guidance_page.url).status_code == 404
