"""Page review dates, as on the NHS website: every content page shows readers when it was last
reviewed and when its next review is due; reviewers see pages beside documents in the
review dates report and record their reviews; editors set the dates and owner with the page."""

import datetime
import html
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry

from pages.models import (
    GuidancePage,
    HomePage,
    LocalGuidancePage,
    ProceduresPage,
    SectionPage,
    WhatsNewPage,
)
from reviews.models import PageReview
from tests.admin_reports import report_rows
from tests.editorial import (
    APPROVERS,
    EDITORS,
    REVIEWERS,
    edit_url,
    guidance_page_form,
    logged_in,
    staff_member,
)
from tests.factories import create_document, create_guidance_page, create_page, create_section
from tests.query_counts import count_queries
from tests.test_partnership_approval import act
from tests.test_review_report import REPORT_URL

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def page_cache_on():
    """Anonymous pages cached as in production: new review dates must still reach readers."""
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield


@pytest.fixture
def reviewer():
    return staff_member("reviewer", REVIEWERS)


def long_date(day):
    return f"{day.day} {day:%B %Y}"


def public_text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def review_line(page):
    return (
        f"Page last reviewed: {long_date(page.last_reviewed_on)} "
        f"Next review due: {long_date(page.review_due)}"
    )


def mark_reviewed_url(page):
    return reverse("review_dates:mark_page_reviewed", args=[page.pk])


@pytest.mark.parametrize(
    "model", [SectionPage, GuidancePage, LocalGuidancePage, ProceduresPage, WhatsNewPage]
)
def test_every_kind_of_content_page_shows_its_review_dates(client, model):
    page = create_page(
        model, f"A {model._meta.verbose_name} to review", last_reviewed_on=TODAY - 40 * DAY
    )
    assert page.last_reviewed_on and page.review_due
    assert review_line(page) in public_text(client, page)


def test_next_review_is_due_the_interval_after_the_last_unless_set_by_hand(guidance_page):
    guidance_page.last_reviewed_on = datetime.date(2025, 1, 31)
    guidance_page.review_interval_months = 13
    guidance_page.save()
    assert guidance_page.review_due == datetime.date(2026, 2, 28)

    guidance_page.review_due_override = datetime.date(2026, 1, 5)
    guidance_page.save()
    assert guidance_page.review_due == datetime.date(2026, 1, 5)

    guidance_page.review_due_override = None
    guidance_page.last_reviewed_on = None
    guidance_page.save()
    assert guidance_page.review_due is None


def test_a_page_never_reviewed_shows_no_dates(client, guidance_page):
    GuidancePage.objects.filter(pk=guidance_page.pk).update(last_reviewed_on=None, review_due=None)
    text = public_text(client, guidance_page)
    assert "Page last reviewed" not in text
    assert "Next review due" not in text


def test_editors_set_the_dates_and_owner_with_the_page_and_approvers_publish_them(
    client, guidance_page
):
    editor = staff_member("editor", EDITORS)
    approver = staff_member("approver", APPROVERS)
    data = guidance_page_form(
        guidance_page, "Checked against the latest statutory guidance.", "action-submit"
    )
    data.update(
        last_reviewed_on=(TODAY - DAY).isoformat(),
        review_interval_months="6",
        owner_team="Safeguarding in Education",
        owner_name="Designated Officer",
        owner_email="lado@example.org",
    )
    assert logged_in(editor).post(edit_url(guidance_page), data).status_code == 302
    # Not before an Approver approves.
    assert long_date(TODAY - DAY) not in public_text(client, guidance_page)

    act(approver, guidance_page, "approve")
    page = GuidancePage.objects.get(pk=guidance_page.pk)
    assert page.last_reviewed_on == TODAY - DAY
    assert page.review_due == TODAY - DAY + relativedelta(months=6)
    assert review_line(page) in public_text(client, page)

    rows = report_rows(logged_in(staff_member("reviewer", REVIEWERS)).get(REPORT_URL))
    row = {row[0]: row for row in rows}[page.title]
    assert row[2:4] == [
        "Guidance page",
        "Safeguarding in Education Designated Officer lado@example.org",
    ]


def test_pages_are_listed_with_documents_and_filtered_by_kind_and_type(reviewer):
    team = "Home visits team"
    section = create_section("Home visits", owner_team=team)
    guidance = create_guidance_page("Before a home visit", parent=section, owner_team=team)
    library = create_page(LocalGuidancePage, "Home visit forms", section, owner_team=team)
    create_guidance_page("After a home visit", parent=section, live=False, owner_team=team)
    documents = [create_document(title, owner_team=team) for title in ("Visit log", "Checklist")]

    client = logged_in(reviewer)

    def listed(**filters):
        return {row[0] for row in report_rows(client.get(REPORT_URL, {"owner": team, **filters}))}

    live_pages = {section.title, guidance.title, library.title}
    assert listed(kind="page") == live_pages
    assert listed(kind="document") == {document.title for document in documents}
    assert listed() == listed(kind="page") | listed(kind="document")
    assert listed(type="guidancepage") == {guidance.title}


def test_a_page_row_gives_its_review_facts(reviewer, guidance_page):
    guidance_page.last_reviewed_on = TODAY - 3650 * DAY
    guidance_page.save()
    page = GuidancePage.objects.get(pk=guidance_page.pk)
    rows = report_rows(
        logged_in(reviewer).get(REPORT_URL, {"kind": "page", "review_status": "overdue"})
    )
    row = {row[0]: row for row in rows}[page.title]
    shown = f"{page.review_due.day} {page.review_due:%b %Y}"
    assert row[1:3] == ["Overdue", "Guidance page"]
    assert row[3] == f"{page.owner_team} {page.owner_name} {page.owner_email}"
    assert row[5:] == [shown, "0", f"Mark as reviewed {page.title}"]


def test_unpublished_pages_are_not_on_the_schedule_and_cannot_be_reviewed(reviewer, guidance_page):
    client = logged_in(reviewer)
    guidance_page.unpublish()
    listed = {row[0] for row in report_rows(client.get(REPORT_URL, {"kind": "page"}))}
    assert guidance_page.title not in listed
    assert client.get(mark_reviewed_url(guidance_page)).status_code == 404
    # The home page has no review dates.
    assert client.get(mark_reviewed_url(HomePage.objects.get())).status_code == 404


def test_marking_a_page_as_reviewed_records_it_and_moves_the_dates_readers_see(
    client, reviewer, guidance_page
):
    public_text(client, guidance_page)  # cached for anonymous readers
    reviewed_on = TODAY - 2 * DAY
    response = logged_in(reviewer).post(
        mark_reviewed_url(guidance_page),
        {"reviewed_on": reviewed_on.isoformat(), "outcome": "no_changes", "note": "Still right."},
    )
    assert response.status_code == 302
    assert response["Location"] == REPORT_URL

    page = GuidancePage.objects.get(pk=guidance_page.pk)
    assert page.last_reviewed_on == reviewed_on
    assert page.review_due == reviewed_on + relativedelta(months=page.review_interval_months)
    review = PageReview.objects.get(page=page)
    assert (review.reviewer, review.outcome, review.note) == (
        reviewer,
        "no_changes",
        "Still right.",
    )
    entry = PageLogEntry.objects.get(action="pages.review_recorded")
    assert (entry.page_id, entry.user) == (page.pk, reviewer)
    assert entry.data["next_review_due"] == page.review_due.isoformat()

    assert review_line(page) in public_text(client, page)
    history = logged_in(reviewer).get(mark_reviewed_url(page)).content.decode()
    assert "Still current: no changes needed" in history
    assert "Reviewer" in history


def test_a_review_recorded_while_a_change_awaits_approval_survives_its_publication(
    client, reviewer, guidance_page
):
    editor = staff_member("editor", EDITORS)
    approver = staff_member("approver", APPROVERS)
    data = guidance_page_form(guidance_page, "A clearer first paragraph.", "action-submit")
    assert logged_in(editor).post(edit_url(guidance_page), data).status_code == 302

    logged_in(reviewer).post(
        mark_reviewed_url(guidance_page), {"reviewed_on": TODAY.isoformat(), "outcome": "updated"}
    )
    act(approver, guidance_page, "approve")

    page = GuidancePage.objects.get(pk=guidance_page.pk)
    assert page.last_reviewed_on == TODAY
    assert page.review_due == TODAY + relativedelta(months=page.review_interval_months)
    text = public_text(client, page)
    assert "A clearer first paragraph." in text
    assert review_line(page) in text


def test_page_reviews_appear_in_the_site_history(reviewer, guidance_page):
    logged_in(reviewer).post(
        mark_reviewed_url(guidance_page), {"reviewed_on": TODAY.isoformat(), "outcome": "updated"}
    )
    approver = logged_in(staff_member("approver", APPROVERS))
    history = approver.get(
        reverse("wagtailadmin_reports:site_history"), {"action": "pages.review_recorded"}
    )
    assert "Record page review" in html.unescape(history.content.decode())
    assert f"Reviewed on {long_date(TODAY)}: Updated" in history.content.decode()


def test_the_report_costs_the_same_however_many_pages_there_are(reviewer, section):
    client = logged_in(reviewer)
    before = count_queries(client, REPORT_URL)
    for number in range(15):
        page = GuidancePage(
            title=f"Extra guidance {number}",
            search_description="More guidance.",
            last_reviewed_on=TODAY - number * 30 * DAY,
            owner_team="Extra team",
        )
        section.add_child(instance=page)
        page.save_revision().publish()
    assert count_queries(client, REPORT_URL) == before
    assert count_queries(client, f"{REPORT_URL}?kind=page&owner=Extra+team") == before
