"""Recording an update of the shared procedures flags the local pages and documents that link
to the chapters it amended, until someone has checked them."""

import csv
import datetime
import html
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from documents.models import ProtocolDocument
from pages.models import GuidancePage, ProceduresPage
from procedures.models import ProcedureChapter, ProcedureLink, ProcedureUpdate
from reviews.models import ReviewOutcome
from tests.admin_reports import report_rows
from tests.editorial import EDITORS, REVIEWERS, logged_in, sign_in, staff_member
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/checks-after-procedure-updates/"
TODAY = timezone.localdate()
A_MONTH_AGO = TODAY - datetime.timedelta(days=30)


def guidance_page_linking_to(section, title, link_titles):
    links = list(ProcedureLink.objects.filter(title__in=link_titles))
    page = GuidancePage(
        title=title,
        search_description=f"{title}, locally.",
        body=[("procedure_links", {"heading": "The procedures", "links": links})],
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    reviewed_a_month_ago(page)
    return page


def reviewed_a_month_ago(page):
    type(page).objects.filter(pk=page.pk).update(last_reviewed_on=A_MONTH_AGO)
    page.refresh_from_db()


@pytest.fixture
def pages(section):
    """Pages last reviewed a month ago: one linking to strategy discussions, one to
    referrals, and the procedures page, which lists every link."""
    ProcedureUpdate.objects.all().delete()
    procedures_page = ProceduresPage.objects.get()
    reviewed_a_month_ago(procedures_page)
    return {
        "strategy": guidance_page_linking_to(
            section, "Strategy meetings in North Somerset", ["Strategy discussions"]
        ),
        "referrals": guidance_page_linking_to(
            section, "Before you refer", ["Making referrals to children's social care"]
        ),
        "procedures": procedures_page,
    }


def record_update(admin_client, chapter_titles, published_on=TODAY):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedureupdate:add"),
        {
            "published_on": published_on.isoformat(),
            "chapters": [
                chapter.pk for chapter in ProcedureChapter.objects.filter(title__in=chapter_titles)
            ],
            "summary": "Brought in line with Working Together.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def flagged(client):
    """{title: [type, last reviewed, chapters]} for each row of the report."""
    return {row[0]: row[1:4] for row in report_rows(client.get(REPORT_URL))}


def test_recording_an_update_flags_what_links_to_its_chapters(admin_client, pages):
    assert flagged(admin_client) == {}
    record_update(admin_client, ["Strategy discussions"])

    rows = flagged(admin_client)
    assert set(rows) == {
        "Strategy meetings in North Somerset",
        "Southwest Child Protection Procedures",
        "Strategy discussions: practice guidance",
    }
    assert rows["Strategy meetings in North Somerset"][0] == "Page"
    assert rows["Strategy meetings in North Somerset"][2].startswith("Strategy discussions Updated")
    assert rows["Strategy discussions: practice guidance"][0] == "Document"
    # Never reviewed and undated: it cannot have been checked against the update.
    assert rows["Strategy discussions: practice guidance"][1] == "Never reviewed"


def test_only_the_amended_chapters_it_links_to_are_named(admin_client, pages):
    record_update(admin_client, ["Strategy discussions", "Private fostering"])
    rows = flagged(admin_client)
    assert rows["Strategy meetings in North Somerset"][2].startswith("Strategy discussions Updated")
    assert rows["Southwest Child Protection Procedures"][2].startswith(
        "Strategy discussions, Private fostering Updated"
    )
    assert "Private fostering arrangements: a quick guide" in rows
    assert "Before you refer" not in rows


def test_what_was_reviewed_since_the_update_is_not_flagged(admin_client, admin_user, pages):
    ProtocolDocument.objects.filter(title="Strategy discussions: practice guidance").update(
        last_reviewed_on=TODAY
    )
    ProtocolDocument.objects.filter(title="Resolving Professional Differences Protocol").update(
        last_reviewed_on=None, dated_event_on=TODAY
    )
    ProtocolDocument.objects.filter(title__startswith="Working with non-compliance").update(
        last_reviewed_on=TODAY - datetime.timedelta(days=1), dated_event_on=TODAY
    )
    pages["procedures"].record_review(admin_user, TODAY, ReviewOutcome.NO_CHANGES)
    record_update(
        admin_client,
        [
            "Strategy discussions",
            "Resolving professional differences",
            "Child protection conferences",
        ],
    )
    rows = flagged(admin_client)
    assert set(rows) == {
        "Strategy meetings in North Somerset",
        # The last review counts, not a later date shown to readers.
        "Working with non-compliance or disguised compliance by parents or carers",
    }


def test_recording_the_pages_review_clears_its_flag_and_its_warning(
    admin_client, admin_user, pages
):
    record_update(admin_client, ["Strategy discussions"])
    page = pages["strategy"]
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    warning = admin_client.get(edit_url).content.decode()
    assert (
        f"The Southwest Child Protection Procedures were updated on {TODAY:%-d %B %Y}, amending "
        "Strategy discussions, which this page links to. The page was last reviewed on "
        f"{A_MONTH_AGO:%-d %B %Y}: check it against the new procedures. "
        "Then record its review: set its “Last reviewed” date (Settings tab) and publish it."
    ) in html.unescape(warning)
    assert f'href="{REPORT_URL}"' in warning

    # Publishing the page again is not a review of it.
    page.save_revision().publish()
    assert "Strategy meetings in North Somerset" in flagged(admin_client)

    page.record_review(admin_user, TODAY, ReviewOutcome.NO_CHANGES)
    assert "Strategy meetings in North Somerset" not in flagged(admin_client)
    assert "were updated on" not in admin_client.get(edit_url).content.decode()


def test_pages_not_linking_to_the_amended_chapters_get_no_warning(admin_client, pages):
    record_update(admin_client, ["Strategy discussions"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[pages["referrals"].pk])
    assert "were updated on" not in admin_client.get(edit_url).content.decode()


def test_recording_a_document_review_clears_its_flag(admin_client, pages, django_user_model):
    record_update(admin_client, ["Strategy discussions"])
    guidance = ProtocolDocument.objects.get(title="Strategy discussions: practice guidance")
    assert guidance.title in flagged(admin_client)
    guidance.record_review(
        django_user_model.objects.get(username="admin"), TODAY, ReviewOutcome.NO_CHANGES
    )
    assert guidance.title not in flagged(admin_client)


def test_an_earlier_update_still_flags_what_was_not_reviewed_since(admin_client, pages):
    record_update(admin_client, ["Private fostering"], published_on=TODAY - datetime.timedelta(40))
    record_update(admin_client, ["Strategy discussions"])
    rows = flagged(admin_client)
    # The procedures page was reviewed between the two updates.
    assert rows["Southwest Child Protection Procedures"][2].startswith("Strategy discussions Upd")
    assert "Private fostering arrangements: a quick guide" in rows


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_export_lists_the_same_checks(admin_client, pages):
    record_update(admin_client, ["Strategy discussions"])
    rows = csv_rows(admin_client.get(REPORT_URL, {"export": "csv"}))
    assert rows[0] == [
        "Title",
        "Page or document",
        "Last reviewed",
        "Amended chapters it links to",
        "Updates since its review",
    ]
    assert sorted(row[0] for row in rows[1:]) == sorted(flagged(admin_client))
    by_title = {row[0]: row for row in rows[1:]}
    assert by_title["Strategy meetings in North Somerset"][1:] == [
        "Page",
        A_MONTH_AGO.isoformat(),
        "Strategy discussions",
        TODAY.isoformat(),
    ]


def test_only_staff_with_the_permission_see_the_report(client, django_user_model, pages):
    assert client.get(REPORT_URL)["Location"].startswith(reverse("wagtailadmin_login"))

    editor = django_user_model.objects.create_user("editor", "", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    sign_in(client, editor)
    assert client.get(REPORT_URL)["Location"] == reverse("wagtailadmin_home")
    assert "checks-after-procedure-updates" not in client.get("/admin/").content.decode()

    checkers = Group.objects.create(name="Procedure checkers")
    checkers.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_procedure_checks"),
    )
    editor.groups.add(checkers)
    sign_in(client, django_user_model.objects.get(pk=editor.pk))
    assert client.get(REPORT_URL).status_code == 200
    assert "checks-after-procedure-updates" in client.get("/admin/").content.decode()


@pytest.mark.parametrize("url", [REPORT_URL, f"{REPORT_URL}?export=csv"])
@pytest.mark.parametrize("roles", [[REVIEWERS], [REVIEWERS, EDITORS], "superuser"])
def test_the_report_costs_the_same_however_many_checks_are_due(
    admin_client, pages, section, url, roles
):
    client = admin_client if roles == "superuser" else logged_in(staff_member("staff", *roles))
    record_update(admin_client, ["Strategy discussions", "Private fostering"])
    before = count_queries(client, url)
    for number in range(10):
        guidance_page_linking_to(section, f"Another page {number}", ["Private fostering"])
        document = ProtocolDocument.objects.create(title=f"Guide {number}", file="documents/x.pdf")
        link = ProcedureLink.objects.get(title="Private fostering")
        link.related_documents.add(document)
        link.save()
    assert len(flagged(client)) == 3 + 1 + 20
    assert count_queries(client, url) == before


def test_the_procedures_page_warning_asks_for_its_update_dates(admin_client, pages):
    record_update(admin_client, ["Neglect"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[pages["procedures"].pk])
    warning = html.unescape(admin_client.get(edit_url).content.decode())
    assert "amending Neglect, which this page links to." in warning
    assert (
        "Then set the dates of the last and next updates and its “Last reviewed” date "
        "(Settings tab), and publish it." in warning
    )
