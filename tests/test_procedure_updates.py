"""Recording an update of the shared procedures flags the local pages and documents that link
to the chapters it amended, until someone has checked them."""

import copy
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
from tests.factories import create_document, create_procedure_chapter, create_procedure_link
from tests.query_counts import count_queries

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_pages")]

REPORT_URL = "/admin/reports/checks-after-procedure-updates/"
TODAY = timezone.localdate()
A_MONTH_AGO = TODAY - datetime.timedelta(days=30)

# The test's own chapters of the procedures, in the editors' order (not their titles'), each
# with a link and the local documents related to it, which have never been reviewed.
MANUAL = {
    "Joint home visits": ("Planning a joint home visit", ["Joint visits: practice notes"]),
    "Holiday care arrangements": (
        "Children staying with holiday hosts",
        ["Holiday hosts: a quick guide"],
    ),
    "Early help referrals": ("Referring for early help", []),
    "Disagreeing with another agency": (
        "Escalating a disagreement",
        ["Escalating disagreements protocol"],
    ),
    "Review meetings": ("Review meetings with parents", ["Working with parents who disengage"]),
    "Home conditions": ("Assessing home conditions", []),
}
VISITS_PAGE = "Joint visits in our area"


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


@pytest.fixture(scope="module")
def shared_pages(shared_section, django_db_blocker):
    """`pages`, in the module's transaction (module_db), in its shared section."""
    with django_db_blocker.unblock():
        for order, (chapter_title, (link_title, document_titles)) in enumerate(MANUAL.items()):
            chapter = create_procedure_chapter(chapter_title, sort_order=order)
            documents = [create_document(title) for title in document_titles]
            create_procedure_link(link_title, chapter, documents=documents)
        ProcedureUpdate.objects.all().delete()
        procedures_page = ProceduresPage.objects.get()
        reviewed_a_month_ago(procedures_page)
        return {
            "visits": guidance_page_linking_to(
                shared_section, VISITS_PAGE, ["Planning a joint home visit"]
            ),
            "referrals": guidance_page_linking_to(
                shared_section, "Before you refer", ["Referring for early help"]
            ),
            "procedures": procedures_page,
        }


@pytest.fixture
def pages(db, shared_pages):
    """The test's own chapters of the procedures (MANUAL), and pages last reviewed a month
    ago: one linking to joint home visits, one to early help referrals, and the site's
    procedures page, which lists every link. Made once for the module; each test has its
    own copies."""
    return copy.deepcopy(shared_pages)


def record_update(admin_client, chapter_titles, published_on=TODAY):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedureupdate:add"),
        {
            "published_on": published_on.isoformat(),
            "chapters": [
                chapter.pk for chapter in ProcedureChapter.objects.filter(title__in=chapter_titles)
            ],
            "summary": "Joint visits now need a second worker.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def flagged(client):
    """{title: [type, last reviewed, chapters]} for each row of the report."""
    return {row[0]: row[1:4] for row in report_rows(client.get(REPORT_URL))}


def test_recording_an_update_flags_what_links_to_its_chapters(admin_client, pages):
    assert flagged(admin_client) == {}
    record_update(admin_client, ["Joint home visits"])

    rows = flagged(admin_client)
    assert set(rows) == {
        VISITS_PAGE,
        pages["procedures"].title,
        "Joint visits: practice notes",
    }
    assert rows[VISITS_PAGE][0] == "Page"
    assert rows[VISITS_PAGE][2].startswith("Joint home visits Updated")
    assert rows["Joint visits: practice notes"][0] == "Document"
    # Never reviewed and undated: it cannot have been checked against the update.
    assert rows["Joint visits: practice notes"][1] == "Never reviewed"


def test_only_the_amended_chapters_it_links_to_are_named(admin_client, pages):
    record_update(admin_client, ["Joint home visits", "Holiday care arrangements"])
    rows = flagged(admin_client)
    assert rows[VISITS_PAGE][2].startswith("Joint home visits Updated")
    assert rows[pages["procedures"].title][2].startswith(
        "Joint home visits, Holiday care arrangements Updated"
    )
    assert "Holiday hosts: a quick guide" in rows
    assert "Before you refer" not in rows


def test_what_was_reviewed_since_the_update_is_not_flagged(admin_client, admin_user, pages):
    ProtocolDocument.objects.filter(title="Joint visits: practice notes").update(
        last_reviewed_on=TODAY
    )
    ProtocolDocument.objects.filter(title="Escalating disagreements protocol").update(
        last_reviewed_on=None, dated_event_on=TODAY
    )
    ProtocolDocument.objects.filter(title="Working with parents who disengage").update(
        last_reviewed_on=TODAY - datetime.timedelta(days=1), dated_event_on=TODAY
    )
    pages["procedures"].record_review(admin_user, TODAY, ReviewOutcome.NO_CHANGES)
    record_update(
        admin_client,
        ["Joint home visits", "Disagreeing with another agency", "Review meetings"],
    )
    rows = flagged(admin_client)
    assert set(rows) == {
        VISITS_PAGE,
        # The last review counts, not a later date shown to readers.
        "Working with parents who disengage",
    }


def test_recording_the_pages_review_clears_its_flag_and_its_warning(
    admin_client, admin_user, pages
):
    record_update(admin_client, ["Joint home visits"])
    page = pages["visits"]
    edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    warning = admin_client.get(edit_url).content.decode()
    assert (
        f"The Southwest Child Protection Procedures were updated on {TODAY:%-d %B %Y}, amending "
        "Joint home visits, which this page links to. The page was last reviewed on "
        f"{A_MONTH_AGO:%-d %B %Y}: check it against the new procedures. "
        "Then record its review: set its “Last reviewed” date (Settings tab) and publish it."
    ) in html.unescape(warning)
    assert f'href="{REPORT_URL}"' in warning

    # Publishing the page again is not a review of it.
    page.save_revision().publish()
    assert VISITS_PAGE in flagged(admin_client)

    page.record_review(admin_user, TODAY, ReviewOutcome.NO_CHANGES)
    assert VISITS_PAGE not in flagged(admin_client)
    assert "were updated on" not in admin_client.get(edit_url).content.decode()


def test_pages_not_linking_to_the_amended_chapters_get_no_warning(admin_client, pages):
    record_update(admin_client, ["Joint home visits"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[pages["referrals"].pk])
    assert "were updated on" not in admin_client.get(edit_url).content.decode()


def test_recording_a_document_review_clears_its_flag(admin_client, pages, django_user_model):
    record_update(admin_client, ["Joint home visits"])
    guidance = ProtocolDocument.objects.get(title="Joint visits: practice notes")
    assert guidance.title in flagged(admin_client)
    guidance.record_review(
        django_user_model.objects.get(username="admin"), TODAY, ReviewOutcome.NO_CHANGES
    )
    assert guidance.title not in flagged(admin_client)


def test_an_earlier_update_still_flags_what_was_not_reviewed_since(admin_client, pages):
    record_update(
        admin_client, ["Holiday care arrangements"], published_on=TODAY - datetime.timedelta(40)
    )
    record_update(admin_client, ["Joint home visits"])
    rows = flagged(admin_client)
    # The procedures page was reviewed between the two updates.
    assert rows[pages["procedures"].title][2].startswith("Joint home visits Updated")
    assert "Holiday hosts: a quick guide" in rows


def csv_rows(response):
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def test_the_export_lists_the_same_checks(admin_client, pages):
    record_update(admin_client, ["Joint home visits"])
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
    assert by_title[VISITS_PAGE][1:] == [
        "Page",
        A_MONTH_AGO.isoformat(),
        "Joint home visits",
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


def test_the_report_costs_the_same_however_many_checks_are_due(admin_client, pages, section):
    # Each reader and address counted before and after the same 20 more are due: the pages
    # and documents are made once for all six.
    readers = {
        "Reviewers": logged_in(staff_member("reviewer", REVIEWERS)),
        "Reviewers and Editors": logged_in(staff_member("editor", REVIEWERS, EDITORS)),
        "superuser": admin_client,
    }
    urls = [REPORT_URL, f"{REPORT_URL}?export=csv"]
    record_update(admin_client, ["Joint home visits", "Holiday care arrangements"])
    before = {
        (reader, url): count_queries(client, url)
        for reader, client in readers.items()
        for url in urls
    }
    for number in range(10):
        guidance_page_linking_to(
            section, f"Another page {number}", ["Children staying with holiday hosts"]
        )
        document = ProtocolDocument.objects.create(title=f"Guide {number}", file="documents/x.pdf")
        link = ProcedureLink.objects.get(title="Children staying with holiday hosts")
        link.related_documents.add(document)
        link.save()
    for client in readers.values():
        assert len(flagged(client)) == 3 + 1 + 20
    after = {
        (reader, url): count_queries(client, url)
        for reader, client in readers.items()
        for url in urls
    }
    assert after == before


def test_the_procedures_page_warning_asks_for_its_update_dates(admin_client, pages):
    record_update(admin_client, ["Home conditions"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[pages["procedures"].pk])
    warning = html.unescape(admin_client.get(edit_url).content.decode())
    assert "amending Home conditions, which this page links to." in warning
    assert (
        "Then set the dates of the last and next updates and its “Last reviewed” date "
        "(Settings tab), and publish it." in warning
    )
