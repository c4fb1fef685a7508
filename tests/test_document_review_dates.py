"""Review status and next due date at the edges."""

import datetime

import pytest

from documents.models import DocumentStatus, ProtocolDocument
from reviews.models import ReviewStatus
from tests.factories import create_document

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 21)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2021, 4, 1), 24, datetime.date(2023, 4, 1)),
        (datetime.date(2024, 1, 31), 1, datetime.date(2024, 2, 29)),
        (datetime.date(2023, 1, 31), 1, datetime.date(2023, 2, 28)),
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2024, 2, 29), 48, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
    ],
)
def test_next_due_keeps_the_day_of_the_month_or_the_months_last_day(day, months, expected):
    doc = document(last_reviewed_on=day, review_interval_months=months)
    assert doc.review_due == expected


def document(**fields):
    doc = ProtocolDocument(title="Doc", **fields)
    doc.review_due = doc.compute_review_due()
    return doc


def test_next_due_is_the_interval_after_the_last_review():
    doc = document(last_reviewed_on=datetime.date(2021, 4, 1), review_interval_months=24)
    assert doc.review_due == datetime.date(2023, 4, 1)


def test_next_due_falls_back_to_the_dated_event():
    doc = document(dated_event_on=datetime.date(2019, 5, 1), review_interval_months=36)
    assert doc.review_due == datetime.date(2022, 5, 1)


def test_an_override_wins():
    doc = document(
        last_reviewed_on=datetime.date(2021, 4, 1),
        review_interval_months=24,
        review_due_override=datetime.date(2027, 1, 31),
    )
    assert doc.review_due == datetime.date(2027, 1, 31)


def test_leap_day_review_rolls_to_the_end_of_february():
    doc = document(last_reviewed_on=datetime.date(2024, 2, 29), review_interval_months=12)
    assert doc.review_due == datetime.date(2025, 2, 28)


@pytest.mark.parametrize(
    ("review_due", "expected"),
    [
        (TODAY - datetime.timedelta(days=1), ReviewStatus.OVERDUE),
        (TODAY, ReviewStatus.DUE_SOON),
        (TODAY + datetime.timedelta(days=1), ReviewStatus.DUE_SOON),
        (TODAY + datetime.timedelta(days=90), ReviewStatus.DUE_SOON),
        (TODAY + datetime.timedelta(days=91), ReviewStatus.CURRENT),
        (None, ReviewStatus.NO_REVIEW_DATE),
    ],
)
def test_review_status_edges(review_due, expected):
    doc = document(review_due_override=review_due)
    assert doc.review_status_on(TODAY) == expected


@pytest.mark.parametrize("status", [DocumentStatus.SUPERSEDED, DocumentStatus.WITHDRAWN])
def test_retired_documents_are_never_due(status):
    doc = document(review_due_override=TODAY - datetime.timedelta(days=400), status=status)
    assert doc.review_status_on(TODAY) == ReviewStatus.RETIRED


def test_no_review_date_without_any_date():
    assert document().review_status_on(TODAY) == ReviewStatus.NO_REVIEW_DATE


def test_database_annotation_agrees_with_the_model():
    cases = {
        "yesterday": TODAY - datetime.timedelta(days=1),
        "today": TODAY,
        "tomorrow": TODAY + datetime.timedelta(days=1),
        "later": TODAY + datetime.timedelta(days=200),
        "none": None,
    }
    for title, due in cases.items():
        create_document(title=f"Edge {title}", review_due_override=due)
    create_document(
        title="Edge withdrawn", review_due_override=TODAY, status=DocumentStatus.WITHDRAWN
    )
    annotated = ProtocolDocument.objects.filter(title__startswith="Edge ").with_review_status(TODAY)
    for doc in annotated:
        assert doc.review_status == doc.review_status_on(TODAY), doc.title


def test_saving_keeps_the_stored_due_date_in_step():
    doc = create_document(last_reviewed_on=datetime.date(2025, 1, 10), review_interval_months=12)
    assert ProtocolDocument.objects.get(pk=doc.pk).review_due == datetime.date(2026, 1, 10)
    doc.review_interval_months = 6
    doc.save(update_fields=["review_interval_months"])
    assert ProtocolDocument.objects.get(pk=doc.pk).review_due == datetime.date(2025, 7, 10)


def test_recording_a_review_rolls_the_due_date_forward(django_user_model):
    reviewer = django_user_model.objects.create_user("reviewer")
    doc = create_document(
        last_reviewed_on=datetime.date(2021, 4, 1),
        review_interval_months=24,
        review_due_override=datetime.date(2026, 1, 1),
    )
    doc.record_review(reviewer, TODAY, "no_changes", "Checked against the procedures.")
    doc.refresh_from_db()
    assert doc.last_reviewed_on == TODAY
    assert doc.review_due_override is None
    assert doc.review_due == datetime.date(2028, 11, 21)
    review = doc.reviews.get()
    assert (review.reviewer, review.outcome, review.note) == (
        reviewer,
        "no_changes",
        "Checked against the procedures.",
    )
