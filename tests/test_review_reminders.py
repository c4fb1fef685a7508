"""send_review_reminders: one daily digest per owner of pages and documents, run from cron."""

import datetime
import io
import smtplib
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from documents.models import DocumentStatus, ProtocolDocument
from reviews.models import ReviewReminder
from reviews.schedule import needing_review
from tests.factories import create_guidance_page

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)
SOON = datetime.timedelta(days=settings.DOCUMENT_REVIEW_DUE_SOON_DAYS)
OLIVE = "olive@example.org"
DEV = "dev@example.org"


def make_document(title, review_due, owner_email="", **fields):
    return ProtocolDocument.objects.create(
        title=title,
        file="documents/reminder-test.pdf",
        review_due_override=review_due,
        owner_email=owner_email,
        **fields,
    )


@pytest.fixture
def documents():
    return {
        "overdue": make_document("Olive's overdue protocol", TODAY - DAY, OLIVE),
        "due today": make_document("Olive's guide due today", TODAY, "Olive@Example.org"),
        "current": make_document("Olive's current toolkit", TODAY + SOON + DAY, OLIVE),
        "undated": make_document("Olive's undated form", None, OLIVE),
        "withdrawn": make_document(
            "Olive's withdrawn leaflet", TODAY - DAY, OLIVE, status=DocumentStatus.WITHDRAWN
        ),
        "superseded": make_document(
            "Olive's superseded protocol", TODAY, OLIVE, status=DocumentStatus.SUPERSEDED
        ),
        "dev's": make_document("Dev's guidance due soon", TODAY + SOON, DEV),
        "unassigned": make_document("Nobody's overdue procedure", TODAY - 30 * DAY),
    }


def send_reminders():
    output = io.StringIO()
    call_command("send_review_reminders", stdout=output)
    return output.getvalue()


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_each_owner_gets_one_digest_of_their_documents_needing_review(documents):
    send_reminders()

    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients))

    [olive] = emails_to(OLIVE)
    assert olive.subject == "Due for review: 1 overdue, 1 due soon"
    assert olive.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Olive's overdue protocol" in olive.body
    assert "Olive's guide due today" in olive.body
    for not_due in ("current", "undated", "withdrawn", "superseded"):
        assert documents[not_due].title not in olive.body
    assert "Dev's guidance" not in olive.body

    overdue = documents["overdue"]
    edit_url = f"{settings.WAGTAILADMIN_BASE_URL}{reverse('wagtaildocs:edit', args=[overdue.pk])}"
    assert edit_url in olive.body
    assert f"Overdue: review was due {(TODAY - DAY).day} {TODAY - DAY:%B %Y}" in olive.body
    body = olive.body
    assert body.index("Olive's overdue protocol") < body.index("Olive's guide due today")

    [dev] = emails_to(DEV)
    assert dev.subject == "Due for review: 0 overdue, 1 due soon"
    assert "Dev's guidance due soon" in dev.body
    assert "Overdue" not in dev.body


def test_unassigned_documents_are_reported_not_skipped(documents):
    output = send_reminders()
    due = TODAY - 30 * DAY
    assert (
        f"Unassigned (no owner's email): Nobody's overdue procedure (Other): Overdue, "
        f"due {due.day} {due:%B %Y}." in output
    )
    assert not any("Nobody's overdue procedure" in message.body for message in mail.outbox)


def test_summary_line(documents):
    output = send_reminders()
    owners = {item.owner_email.lower() for item in needing_review() if item.owner_email}
    unassigned = [item.title for item in needing_review() if not item.owner_email]
    assert "Nobody's overdue procedure" in unassigned
    assert f"Reminded {OLIVE} about 2 item(s)." in output
    assert output.splitlines()[-1] == (
        f"Review reminders: {len(owners)} sent, 0 already sent today, "
        f"{len(unassigned)} unassigned item(s)."
    )


def test_a_second_run_the_same_day_sends_nothing(documents):
    send_reminders()
    sent = len(mail.outbox)
    output = send_reminders()
    assert len(mail.outbox) == sent
    assert f"Already reminded {OLIVE} today." in output
    assert f"Review reminders: 0 sent, {sent} already sent today" in output


def test_the_next_day_sends_again(documents):
    send_reminders()
    sent = len(mail.outbox)
    ReviewReminder.objects.update(sent_on=F("sent_on") - DAY)
    send_reminders()
    assert len(mail.outbox) == 2 * sent
    assert len(emails_to(OLIVE)) == 2
    assert ReviewReminder.objects.filter(owner_email=OLIVE, sent_on=TODAY).exists()


def test_a_failed_email_is_not_recorded_so_the_next_run_retries(documents):
    with (
        mock.patch(
            "reviews.management.commands.send_review_reminders.send_mail",
            side_effect=smtplib.SMTPException("mail server down"),
        ),
        pytest.raises(smtplib.SMTPException),
    ):
        send_reminders()
    assert not ReviewReminder.objects.exists()

    send_reminders()
    assert len(emails_to(OLIVE)) == 1


def test_pages_are_in_their_owners_digests_with_documents(documents, guidance_page):
    guidance_page.owner_email = OLIVE
    guidance_page.review_due_override = TODAY + DAY
    guidance_page.save_revision().publish()
    send_reminders()

    [olive] = emails_to(OLIVE)
    assert olive.subject == "Due for review: 1 overdue, 2 due soon"
    assert f"- {guidance_page.title} (Guidance page)" in olive.body
    edit_url = reverse("wagtailadmin_pages:edit", args=[guidance_page.pk])
    assert f"{settings.WAGTAILADMIN_BASE_URL}{edit_url}" in olive.body
    assert "- Olive's overdue protocol (Other)" in olive.body


def test_pages_overdue_for_review_reach_their_owners(section):
    owners = {"Visiting a family at home": "pat@example.org", "Recording a home visit": OLIVE}
    for number, (title, owner_email) in enumerate(owners.items()):
        create_guidance_page(
            title,
            parent=section,
            owner_email=owner_email,
            review_due_override=TODAY - (30 + 60 * number) * DAY,
        )
    send_reminders()
    overdue_pages = [
        item
        for item in needing_review()
        if item.is_page and item.review_status == "overdue" and item.title in owners
    ]
    assert len(overdue_pages) == len(owners)
    for item in overdue_pages:
        [digest] = emails_to(item.owner_email)
        assert f"- {item.title} ({item.type_label})" in digest.body
        due = item.review_due
        assert f"Overdue: review was due {due.day} {due:%B %Y}" in digest.body
