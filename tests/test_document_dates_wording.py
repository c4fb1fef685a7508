"""One statement of a document's dates, the same on its entry, in the library and in search:
when it was published or last revised, when the partnership last checked it, and when its
next check is due. A register's "Reviewed April 2021" is the partnership's check, so it
never sits beside a newer recorded review as a second, contradicting date."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from documents.models import DatedEvent
from tests.factories import create_document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def dates_shown(html, title):
    """The dates block of the document's item on a page: each line as its text."""
    start = html.index(title)
    block = html[html.index('<dl class="document-dates">', start) :]
    block = block[: block.index("</dl>")]
    return [re.sub(r"<[^>]+>", "", line).strip() for line in re.findall(r"<div>(.*?)</div>", block)]


def everywhere(client, library, document):
    return {
        "entry": dates_shown(client.get(f"{library.url}{document.pk}/").content.decode(), "<h1>"),
        "library": dates_shown(client.get(library.url).content.decode(), f">{document.title} <"),
        "search": dates_shown(
            client.get("/search/", {"q": "Wombat"}).content.decode(), f">{document.title}<"
        ),
    }


def test_a_recorded_review_replaces_the_registers_review_everywhere(
    client, django_user_model, library_page
):
    document = create_document(
        "Wombat escalation protocol",
        dated_event=DatedEvent.REVIEWED,
        dated_event_on=datetime.date(2021, 4, 1),
    )
    before = everywhere(client, library_page, document)
    assert set(map(tuple, before.values())) == {
        ("Last checked by the partnership: 1 April 2021", "Next check due: April 2023")
    }

    reviewer = django_user_model.objects.create_user("reviewer", "r@example.org", "pw")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(reviewer)
    client.post(
        reverse("review_dates:mark_document_reviewed", args=[document.pk]),
        {"reviewed_on": TODAY.isoformat(), "outcome": "no_changes"},
    )
    client.logout()
    document.refresh_from_db()
    after = everywhere(client, library_page, document)
    expected = (
        f"Last checked by the partnership: {TODAY.day} {TODAY:%B %Y}",
        f"Next check due: {document.review_due:%B %Y}",
    )
    assert set(map(tuple, after.values())) == {expected}
    for html in (
        client.get(library_page.url).content.decode(),
        client.get(f"{library_page.url}{document.pk}/").content.decode(),
    ):
        assert "April 2021" not in html[html.index("Wombat escalation protocol") :][:3000]


def test_a_published_or_revised_document_says_so_beside_its_check(client, library_page):
    document = create_document(
        "Wombat transfer toolkit",
        dated_event=DatedEvent.UPDATED,
        dated_event_on=datetime.date(2025, 6, 1),
        last_reviewed_on=datetime.date(2026, 1, 15),
    )
    shown = everywhere(client, library_page, document)
    assert set(map(tuple, shown.values())) == {
        (
            "Last revised: June 2025",
            "Last checked by the partnership: 15 January 2026",
            f"Next check due: {document.review_due:%B %Y}",
        )
    }
