"""One date format across the admin, which the date fields read back as they show it; and
the favicon every browser asks for."""

import datetime

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from tests.factories import create_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def shown(day):
    return f"{day:%d} {day:%B %Y}"


@pytest.fixture
def document():
    return create_document("Walrus sighting protocol", dated_event_on=datetime.date(2021, 3, 4))


def test_the_review_form_and_the_document_form_show_dates_alike(admin_client, document):
    review_form = admin_client.get(
        reverse("review_dates:mark_document_reviewed", args=[document.pk])
    ).content.decode()
    assert f'name="reviewed_on" value="{shown(TODAY)}"' in review_form
    edit_form = admin_client.get(reverse("wagtaildocs:edit", args=[document.pk])).content.decode()
    assert f'name="dated_event_on" value="{shown(document.dated_event_on)}"' in edit_form


@pytest.mark.parametrize(
    "typed", ["01 November 2026", "1 November 2026", "01/11/2026", "2026-11-01"]
)
def test_a_date_is_read_back_as_shown_or_typed(admin_client, document, typed):
    response = admin_client.post(
        reverse("review_dates:mark_document_reviewed", args=[document.pk]),
        {"reviewed_on": typed, "outcome": "no_changes"},
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.last_reviewed_on == datetime.date(2026, 11, 1)


def test_favicon_is_a_real_icon_cached_by_browsers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    with Image.open(finders.find("favicon.ico")) as icon:
        assert icon.format == "ICO"
