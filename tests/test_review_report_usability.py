"""What made the reviewers' reports hard to read or use: counts run together, a footer
counting pages as documents, filters lost after recording a review, and a check that read
"7 years ago" for a document never reviewed."""

import datetime
import re
from pathlib import Path
from urllib.parse import quote

import pytest
import wagtail
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from reviews.schedule import combine, schedule_parts
from tests.admin_reports import report_rows
from tests.factories import create_document, create_procedure_link

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/review-dates/"
CHECKS_URL = "/admin/reports/checks-after-procedure-updates/"
TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=3650)
WAGTAIL_CSS = (Path(wagtail.__file__).parent / "admin/static/wagtailadmin/css/core.css").read_text()


@pytest.fixture
def reviewer_client(client, django_user_model):
    user = django_user_model.objects.create_user("reviewer", "reviewer@example.org", "pw")
    user.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(user)
    return client


def test_dashboard_counts_use_only_styles_wagtail_has(reviewer_client):
    page = reviewer_client.get("/admin/").content.decode()
    panel = page[page.index('id="review-dates-section"') :]
    panel = panel[: panel.index("</section>")]
    classes = {name for names in re.findall(r'class="([^"]+)"', panel) for name in names.split()}
    utilities = {name for name in classes if name.startswith("w-") and "--" not in name}
    missing = {name for name in utilities if f".{name}" not in WAGTAIL_CSS}
    assert "w-gap-8" in utilities
    assert not missing, f"styles Wagtail does not have, so the counts run together: {missing}"


@pytest.fixture
def overdue_document():
    """A document overdue for review before anything else on the site."""
    return create_document("Lone working on home visits", review_due_override=LONG_AGO)


def test_the_footer_counts_pages_and_documents(reviewer_client, guidance_page, overdue_document):
    rows = list(combine(schedule_parts()))
    kinds = {row["kind"] for row in rows}
    assert kinds == {"page", "document"}
    html = reviewer_client.get(REPORT_URL).content.decode()
    footer = html[html.index('class="pagination__end"') :][:200]
    assert f"{len(rows)} pages and documents" in footer


def test_recording_a_review_returns_to_the_filtered_report(reviewer_client, overdue_document):
    filtered = f"{REPORT_URL}?review_status=overdue&kind=document"
    html = reviewer_client.get(filtered).content.decode()
    mark_url = reverse("review_dates:mark_document_reviewed", args=[overdue_document.pk])
    link = re.search(rf'href="({re.escape(mark_url)}[^"]*)"', html).group(1).replace("&amp;", "&")
    assert link == f"{mark_url}?next={quote(filtered, safe='')}"

    form = reviewer_client.get(link).content.decode()
    assert f'action="{link.replace("&", "&amp;")}"' in form
    response = reviewer_client.post(
        link, {"reviewed_on": TODAY.isoformat(), "outcome": "no_changes"}
    )
    assert response["Location"] == filtered


@pytest.mark.parametrize("next_url", ["https://elsewhere.example/", "/admin/pages/", "//evil/"])
def test_only_the_report_is_a_place_to_return_to(reviewer_client, overdue_document, next_url):
    mark_url = reverse("review_dates:mark_document_reviewed", args=[overdue_document.pk])
    response = reviewer_client.post(
        f"{mark_url}?next={quote(next_url, safe='')}",
        {"reviewed_on": TODAY.isoformat(), "outcome": "no_changes"},
    )
    assert response["Location"] == REPORT_URL


def test_a_document_never_reviewed_says_so_in_the_checks(admin_client):
    document = create_document(
        "Joint visits: practice notes", dated_event_on=TODAY.replace(year=TODAY.year - 7)
    )
    link = create_procedure_link("Planning a joint visit", documents=[document])
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedureupdate:add"),
        {
            "published_on": TODAY.isoformat(),
            "chapters": [link.chapter.pk],
            "summary": "Joint visits now need a second worker.",
        },
    )
    assert response.status_code == 302
    rows = {row[0]: row for row in report_rows(admin_client.get(CHECKS_URL))}
    assert rows[document.title][2] == "Never reviewed"
    assert "years ago" not in admin_client.get(CHECKS_URL).content.decode()
