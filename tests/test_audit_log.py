"""The audit log (Reports → Site history) records who submitted, approved and published a
page, who replaced a document's file and why, and who recorded a review; staff narrow it
by action, user and date."""

import csv
import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from documents.sample_files import make_pdf
from tests.editorial import REVIEWERS, logged_in, staff_member
from tests.factories import create_document, document_edit_data, replace_file
from tests.test_partnership_approval import act, submit

pytestmark = pytest.mark.django_db

SITE_HISTORY = reverse("wagtailadmin_reports:site_history")
TODAY = timezone.localdate()


def history(client, **filters):
    """Site history as its CSV export: one {heading: value} per entry, newest first."""
    response = client.get(SITE_HISTORY, {**filters, "export": "csv"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content)))


def filter_choices(client):
    return html.unescape(client.get(SITE_HISTORY).content.decode())


def test_submission_approval_and_publishing_are_logged(guidance_page, editor, approver):
    since = timezone.now()
    submit(editor, guidance_page)
    act(approver, guidance_page, "approve")

    entries = PageLogEntry.objects.filter(page=guidance_page, timestamp__gte=since)
    by_action = {entry.action: entry.user for entry in entries}
    assert by_action["wagtail.workflow.start"] == editor
    assert by_action["wagtail.workflow.approve"] == approver
    assert by_action["wagtail.publish"] == approver


def test_staff_filter_the_history_by_action_user_and_date(guidance_page, editor, approver):
    submit(editor, guidance_page)
    act(approver, guidance_page, "approve")
    client = logged_in(approver)

    approvals = history(client, action="wagtail.workflow.approve", user=approver.pk)
    assert [(row["Name"], row["User"]) for row in approvals] == [
        (guidance_page.title, approver.get_full_name() or approver.get_username())
    ]
    assert approvals[0]["Action type"] == "Workflow: approve task"

    by_editor = history(client, user=editor.pk)
    assert by_editor
    assert {row["Action type"] for row in by_editor} >= {"Workflow: start"}
    assert all(row["User"] == editor.first_name for row in by_editor)

    assert history(client, action="wagtail.publish", timestamp_from=TODAY.isoformat())
    tomorrow = TODAY + datetime.timedelta(days=1)
    assert not history(client, action="wagtail.publish", timestamp_from=tomorrow.isoformat())


def test_a_replaced_document_file_is_logged_with_its_reason(editor, approver):
    document = create_document("Escalation protocol")
    previous = document.filename
    client = logged_in(editor)
    response = replace_file(
        client,
        document,
        "new version.pdf",
        make_pdf("New version", pages=3),
        "Adds the new escalation contacts.",
    )
    assert response.status_code == 302
    # The replacement reaches practitioners, and the log, once an Approver approves it.
    replacements = ModelLogEntry.objects.filter(
        action="documents.file_replaced", object_id=str(document.pk)
    )
    assert not replacements.exists()
    logged_in(approver).post(
        reverse("documents_approval_decision", args=[document.pk]), {"decision": "approve"}
    )
    document.refresh_from_db()

    entry = replacements.get()
    assert entry.user == editor
    assert entry.data == {
        "previous_file": previous,
        "new_file": document.filename,
        "change_note": "Adds the new escalation contacts.",
    }

    for viewer in (editor, approver):
        client = logged_in(viewer)
        assert "Replace document file" in filter_choices(client)
        # Newest first: the demo protocol's PDFs replaced its files earlier.
        row = history(client, action="documents.file_replaced")[0]
        assert row["Name"] == "Escalation protocol"
        assert row["User"] == "Editor"
    page = logged_in(approver).get(SITE_HISTORY, {"action": "documents.file_replaced"})
    listed = html.unescape(page.content.decode())
    assert (
        f"Replaced the file {previous} with {document.filename}: "
        "Adds the new escalation contacts." in listed
    )


def test_a_document_saved_without_a_new_file_logs_no_replacement(editor):
    document = create_document("Escalation protocol")
    response = logged_in(editor).post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, title="Escalation protocol (2026)"),
    )
    assert response.status_code == 302
    # (The demo's HTML protocol's PDF replaced its first file, and is logged.)
    assert not ModelLogEntry.objects.filter(
        action="documents.file_replaced", object_id=str(document.pk)
    ).exists()


def test_document_reviews_are_logged_and_filterable(editor):
    document = create_document("Escalation protocol")
    reviewer = staff_member("reviewer", REVIEWERS)
    response = logged_in(reviewer).post(
        reverse("review_dates:mark_document_reviewed", args=[document.pk]),
        {"reviewed_on": TODAY.isoformat(), "outcome": "no_changes", "note": "Still right."},
    )
    assert response.status_code == 302

    client = logged_in(editor)
    assert "Record document review" in filter_choices(client)
    [row] = history(client, action="documents.review_recorded", user=reviewer.pk)
    assert (row["Name"], row["User"]) == ("Escalation protocol", "Reviewer")
