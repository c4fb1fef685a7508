"""Readers report what is wrong with a page or a document ("Report a problem with this
page"): the form and its defences, the report reaching the owner (review dates report,
reminder digest), the admin listing where staff mark reports dealt with, and the deletion of
readers' words after the retention period."""

import datetime
import io
import logging
import re
import time
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache.backends.dummy import DummyCache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Collection, CollectionViewRestriction, ModelLogEntry, PageViewRestriction

from feedback.models import ReaderReport, ReportReason
from tests.admin_reports import report_rows
from tests.editorial import REVIEWERS, logged_in, staff_member
from tests.factories import create_document
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

FORM_URL = "/feedback/"
OWNER = "owner@example.org"
DETAILS = "The phone number for the MASH in section 2 is out of date."


@pytest.fixture
def owned_page(guidance_page):
    guidance_page.owner_name = "Olive Owner"
    guidance_page.owner_email = OWNER
    guidance_page.last_reviewed_on = timezone.localdate()
    guidance_page.review_due_override = None
    guidance_page.save_revision().publish()
    guidance_page.refresh_from_db()
    return guidance_page


@pytest.fixture
def document(db):
    return create_document("Escalation protocol", owner_email=OWNER)


def token_in(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def later(seconds=10):
    """Sends the form as if the reader had taken `seconds` to fill it in."""
    now = time.time()
    return mock.patch("sitewide.anonymous_forms.time.time", return_value=now + seconds)


def send(client, query, token=None, *, after=10, **fields):
    """Opens the form for `query` and sends it back with `fields`, `after` seconds later."""
    shown = client.get(FORM_URL, query)
    assert shown.status_code == 200
    data = {"reason": ReportReason.WRONG, "details": DETAILS, "website": "", **fields}
    data["token"] = token or token_in(shown)
    with later(after):
        return client.post(f"{FORM_URL}?{urlencode(query)}", data)


def test_every_page_links_to_the_form_without_a_cookie(client, guidance_page, home):
    for page in (guidance_page, home):
        response = client.get(page.url)
        assert f'href="/feedback/?page={page.pk}">Report a problem with this page</a>' in (
            response.content.decode()
        )
        assert not response.cookies


def test_a_document_entry_links_to_the_form_for_the_document(client, document, library_page):
    response = client.get(f"{library_page.url}{document.pk}/")
    assert f'href="/feedback/?document={document.pk}"' in response.content.decode()
    assert not response.cookies


def test_the_form_page_warns_against_personal_details_sets_no_cookie_and_is_not_cached(
    client, guidance_page
):
    response = client.get(FORM_URL, {"page": guidance_page.pk})
    page = response.content.decode()
    assert "Do not include personal details" in page
    assert f'href="{guidance_page.url}">{guidance_page.title}</a>' in page
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]


def test_a_report_on_a_page_is_stored_for_the_page(client, owned_page):
    response = send(client, {"page": owned_page.pk}, reason=ReportReason.BROKEN_LINK)
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/sent/?page={owned_page.pk}"
    report = ReaderReport.objects.get()
    assert (report.page_id, report.document_id) == (owned_page.pk, None)
    assert report.reason == ReportReason.BROKEN_LINK
    assert report.details == DETAILS
    assert report.is_open

    thanks = client.get(response["Location"])
    assert "Thank you for your report" in thanks.content.decode()
    assert not thanks.cookies


def test_a_report_on_a_document_entry_is_stored_for_the_document(client, document, library_page):
    response = send(client, {"document": document.pk}, details="")
    assert response.status_code == 302
    report = ReaderReport.objects.get()
    assert (report.page_id, report.document_id) == (None, document.pk)
    assert report.details == ""
    sent = client.get(response["Location"]).content.decode()
    assert f'href="{library_page.url}{document.pk}/"' in sent


def test_bad_input_is_explained_and_nothing_typed_is_lost(client, guidance_page):
    response = send(client, {"page": guidance_page.pk}, reason="")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose what is wrong with this page." in page
    assert DETAILS in page
    assert page.count('name="token"') == 1

    too_long = "x" * 1201
    response = send(client, {"page": guidance_page.pk}, details=too_long)
    page = response.content.decode()
    assert "Keep it to 1200 characters or fewer (you have 1201)." in page
    assert too_long in page
    assert re.search(r'value="wrong" id="id_reason_0"[^>]* checked>', page)
    assert not ReaderReport.objects.exists()


def test_a_form_sent_too_fast_is_refused_and_kept(client, guidance_page):
    response = send(client, {"page": guidance_page.pk}, after=1)
    page = response.content.decode()
    assert "That was sent very quickly. Check your report and send it again." in page
    assert DETAILS in page
    assert not ReaderReport.objects.exists()
    # The form comes back with a new token, so sending it again (later) works.
    with later(10):
        resent = client.post(
            f"{FORM_URL}?page={guidance_page.pk}",
            {"reason": ReportReason.WRONG, "details": DETAILS, "token": token_in(response)},
        )
    assert resent.status_code == 302
    assert ReaderReport.objects.count() == 1


def test_a_stale_forged_or_misdirected_token_is_refused(client, guidance_page, document):
    forged = send(client, {"page": guidance_page.pk}, token="not-a-token")
    assert "Something went wrong with this form" in forged.content.decode()

    other = client.get(FORM_URL, {"document": document.pk})
    misdirected = send(client, {"page": guidance_page.pk}, token=token_in(other))
    assert "This form was for another page" in misdirected.content.decode()

    stale = send(
        client, {"page": guidance_page.pk}, after=settings.FEEDBACK_FORM_MAX_AGE_SECONDS + 5
    )
    assert "This form was open for too long" in stale.content.decode()
    assert not ReaderReport.objects.exists()


def test_a_filled_in_trap_is_thanked_but_not_stored(client, guidance_page, settings):
    response = send(client, {"page": guidance_page.pk}, website="https://spam.example")
    assert response.status_code == 302
    # However often, and however quickly: a robot learns nothing from the answer.
    settings.FEEDBACK_THROTTLE_COUNT = 0
    again = send(client, {"page": guidance_page.pk}, after=0, website="https://spam.example")
    assert again.status_code == 302
    assert not ReaderReport.objects.exists()


def test_reports_are_throttled_per_address_and_per_ipv6_64(client, guidance_page, settings):
    settings.FEEDBACK_THROTTLE_COUNT = 2
    query = {"page": guidance_page.pk}

    def send_from(address):
        shown = client.get(FORM_URL, query, REMOTE_ADDR=address)
        with later():
            return client.post(
                f"{FORM_URL}?page={guidance_page.pk}",
                {"reason": ReportReason.WRONG, "details": DETAILS, "token": token_in(shown)},
                REMOTE_ADDR=address,
            )

    for _ in range(2):
        assert send_from("192.0.2.1").status_code == 302
    throttled = send_from("192.0.2.1")
    assert throttled.status_code == 429
    assert "Try again later." in throttled.content.decode()
    assert DETAILS in throttled.content.decode()
    assert send_from("192.0.2.2").status_code == 302

    assert send_from("2001:db8:1:2::1").status_code == 302
    assert send_from("2001:db8:1:2:ffff::9").status_code == 302
    assert send_from("2001:db8:1:2:abcd::5").status_code == 429
    assert send_from("2001:db8:1:3::1").status_code == 302
    assert ReaderReport.objects.count() == 6


def test_private_draft_and_missing_content_cannot_be_reported(
    client, guidance_page, document, section
):
    PageViewRestriction.objects.create(
        page=guidance_page, restriction_type=PageViewRestriction.LOGIN
    )
    private_collection = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=private_collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    document.collection = private_collection
    document.save()
    draft = section
    draft.unpublish()

    for query in (
        {"page": guidance_page.pk},
        {"document": document.pk},
        {"page": draft.pk},
        {"page": 999999},
        {"document": 999999},
        {"page": "x"},
        {},
    ):
        assert client.get(FORM_URL, query).status_code == 404
        assert (
            client.post(
                f"{FORM_URL}?{urlencode(query)}",
                {"reason": ReportReason.WRONG},
            ).status_code
            == 404
        )
    assert not ReaderReport.objects.exists()
    # Staff, whom the restrictions admit, may report on them.
    staff = logged_in(staff_member("sam", REVIEWERS))
    assert staff.get(FORM_URL, {"page": guidance_page.pk}).status_code == 200
    assert staff.get(FORM_URL, {"document": document.pk}).status_code == 200


def test_the_readers_words_are_never_logged(client, guidance_page, caplog):
    with caplog.at_level(logging.DEBUG):
        send(client, {"page": guidance_page.pk})
        send(client, {"page": guidance_page.pk}, reason="")
    assert DETAILS not in caplog.text


def report(subject, *, days_ago=0, **fields):
    key = "page" if hasattr(subject, "url_path") else "document"
    fields = {"reason": ReportReason.WRONG, "details": DETAILS, **fields}
    return ReaderReport.objects.create(
        **{key: subject}, received_at=timezone.now() - datetime.timedelta(days=days_ago), **fields
    )


def test_the_review_report_counts_each_items_open_reports(owned_page, document):
    reviewer = logged_in(staff_member("rita", REVIEWERS))
    report(owned_page)
    report(owned_page)
    report(owned_page, dealt_with_at=timezone.now())
    report(document)

    response = reviewer.get("/admin/reports/review-dates/", {"ordering": "-open_reports"})
    rows = report_rows(response)
    assert "Open reader reports" in response.content.decode()
    counts = {row[0]: row[6] for row in rows}
    assert counts[owned_page.title] == "2"
    assert counts[document.title] == "1"
    assert rows[0][0] == owned_page.title

    csv = reviewer.get("/admin/reports/review-dates/", {"export": "csv"})
    content = b"".join(csv.streaming_content).decode() if csv.streaming else csv.content.decode()
    assert "Open reader reports" in content.splitlines()[0]


def reminders():
    output = io.StringIO()
    call_command("send_review_reminders", stdout=output)
    return output.getvalue()


def test_the_owners_digest_lists_their_open_reports(owned_page, document):
    report(owned_page)
    report(owned_page)
    report(document, dealt_with_at=timezone.now())

    reminders()
    [digest] = [message for message in mail.outbox if message.to == [OWNER]]
    assert digest.subject == "Due for review: 0 overdue, 0 due soon; 2 reports from readers"
    assert owned_page.title in digest.body
    assert "2 open reports from readers" in digest.body
    assert f"{reverse('reader_reports:index')}?status=open" in digest.body
    # A dealt-with report does not bring its document into the digest; the words stay out.
    assert document.title not in digest.body
    assert DETAILS not in digest.body


def test_reports_dealt_with_leave_the_digest(owned_page):
    report(owned_page, dealt_with_at=timezone.now())
    reminders()
    assert not [message for message in mail.outbox if message.to == [OWNER]]


def test_staff_list_reports_with_their_page_and_mark_them_dealt_with(owned_page, document):
    page_report = report(owned_page)
    report(document, reason=ReportReason.BROKEN_LINK)
    reviewer = staff_member("rita", REVIEWERS)
    client = logged_in(reviewer)

    listing = client.get("/admin/reader-reports/")
    rows = report_rows(listing)
    # Newest first, each with its page or document, and a button for what staff may do.
    assert [row[0] for row in rows] == [
        f"{document.title} Mark as dealt with Inspect",
        f"{owned_page.title} Mark as dealt with Inspect",
    ]
    assert [row[1] for row in rows] == ["Document", "Page"]
    assert rows[0][2] == ReportReason.BROKEN_LINK.label
    assert all(row[-1] == "Open" for row in rows)
    mark_url = reverse("reader_reports:dealt_with", args=[page_report.pk])
    assert mark_url in listing.content.decode()

    inspect = client.get(reverse("reader_reports:inspect", args=[page_report.pk])).content.decode()
    assert owned_page.title in inspect and DETAILS in inspect

    confirm = client.get(mark_url)
    assert DETAILS in confirm.content.decode()
    response = client.post(mark_url)
    assert response.status_code == 302
    page_report.refresh_from_db()
    assert not page_report.is_open
    assert page_report.dealt_with_by == reviewer
    entry = ModelLogEntry.objects.get(action="feedback.dealt_with")
    assert entry.user == reviewer
    assert DETAILS not in str(entry.data) and DETAILS not in entry.label

    rows = report_rows(client.get("/admin/reader-reports/"))
    assert rows[1][0] == f"{owned_page.title} Inspect"
    assert rows[1][-1] == "Dealt with"
    open_only = report_rows(client.get("/admin/reader-reports/", {"status": "open"}))
    assert [row[0] for row in open_only] == [f"{document.title} Mark as dealt with Inspect"]


def test_reports_are_read_only_and_for_staff_who_deal_with_them(owned_page, django_user_model):
    page_report = report(owned_page)
    outsider = logged_in(staff_member("oscar"))
    assert outsider.get("/admin/reader-reports/").status_code in (302, 403)
    assert outsider.post(
        reverse("reader_reports:dealt_with", args=[page_report.pk])
    ).status_code in (302, 403)
    page_report.refresh_from_db()
    assert page_report.is_open

    admin = logged_in(django_user_model.objects.create_superuser("ada", "ada@example.org", "pw"))
    # Wagtail sends whoever lacks a permission back to the dashboard.
    for url_name in ("add", "edit", "delete"):
        args = [] if url_name == "add" else [page_report.pk]
        refused = admin.post(reverse(f"reader_reports:{url_name}", args=args))
        assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert ReaderReport.objects.get() == page_report
    listing = admin.get("/admin/reader-reports/").content.decode()
    assert reverse("reader_reports:edit", args=[page_report.pk]) not in listing
    assert reverse("reader_reports:inspect", args=[page_report.pk]) in listing


def test_readers_words_are_deleted_after_the_retention_period(owned_page, settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    old = report(owned_page, days_ago=31)
    recent = report(owned_page, days_ago=29)
    output = io.StringIO()
    call_command("delete_expired_report_details", stdout=output)
    assert output.getvalue().strip() == "Deleted the details of 1 reader report(s)."
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.details, old.reason, old.is_open) == ("", ReportReason.WRONG, True)
    assert recent.details == DETAILS


def test_the_form_and_the_listing_keep_to_the_query_budget(client, owned_page, document):
    assert count_queries(client, f"{FORM_URL}?page={owned_page.pk}") <= QUERY_BUDGET
    assert count_queries(client, f"{FORM_URL}?document={document.pk}") <= QUERY_BUDGET

    reviewer = logged_in(staff_member("rita", REVIEWERS))
    for _ in range(3):
        report(owned_page)
        report(document)
    few = count_queries(reviewer, "/admin/reader-reports/")
    for _ in range(20):
        report(owned_page)
        report(document)
    # Wagtail's admin around the listing costs what it costs: the listing stays flat.
    assert count_queries(reviewer, "/admin/reader-reports/") == few


def test_reports_still_arrive_when_the_cache_is_unreachable(client, guidance_page, settings):
    settings.FEEDBACK_THROTTLE_COUNT = 1
    # What the Redis cache falls back to while Redis is down: it stores nothing.
    with mock.patch("sitewide.anonymous_forms.cache", DummyCache("unreachable", {})):
        for _ in range(2):
            assert send(client, {"page": guidance_page.pk}).status_code == 302
    assert ReaderReport.objects.count() == 2
