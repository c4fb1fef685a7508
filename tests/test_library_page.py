"""The "Local protocols and guidance" library, as practitioners use it."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import DocumentStatus, ProtocolDocument
from pages.models import LibraryGrouping, LocalGuidancePage
from tests.factories import bulk_create_documents, create_document
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

LIBRARY = "/people-working-with-children/local-protocols-and-guidance/"


def listed_titles(html):
    return re.findall(r'<h3 class="document__title"><a href="[^"]+">([^<]+?) <span', html)


def test_each_document_shows_format_size_and_dated_event(client):
    html = client.get(LIBRARY).content.decode()
    rpd = ProtocolDocument.objects.get(title="Resolving Professional Differences Protocol")
    assert (
        f'<a href="{rpd.url}">Resolving Professional Differences Protocol '
        f'<span class="file-meta">(PDF, {rpd.file_size_label}, {rpd.page_count} pages)</span></a>'
    ) in html
    assert "Last checked by the partnership:</dt>" in html
    assert "Previously known as Escalation Process." in html
    assert '<dt>Published:</dt> <dd><time datetime="2021-03">March 2021</time></dd>' in html
    assert "(Word, " in html


def test_documents_are_grouped_by_type_in_a_fixed_order(client):
    html = client.get(LIBRARY).content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings[:4] == ["Protocol", "Practice guidance", "Toolkit", "One minute guide"]


def test_overdue_reviews_carry_a_clear_notice(client):
    html = client.get(LIBRARY).content.decode()
    rpd_entry = html.split("Resolving Professional Differences Protocol <span")[1].split("</li>")[0]
    assert "Review overdue." in rpd_entry
    assert "due for review by 1 April 2023" in rpd_entry


def test_withdrawn_and_superseded_documents_are_not_listed(client):
    titles = listed_titles(client.get(LIBRARY).content.decode())
    assert "Linked Professional Guidance" not in titles
    assert "Escalation Process" not in titles
    # Six protocols and guides, and the learning summaries of two case reviews.
    assert len(titles) == 8


def test_filter_by_type(client):
    titles = listed_titles(
        client.get(LIBRARY, {"document_type": "practice_guidance"}).content.decode()
    )
    assert sorted(titles) == [
        "Strategy discussions: practice guidance",
        "Working with non-compliance or disguised compliance by parents or carers",
    ]


def test_filter_by_audience_includes_documents_for_everyone(client):
    create_document("Schools safeguarding checklist", audience="education")
    create_document("GP safeguarding checklist", audience="health")
    titles = listed_titles(client.get(LIBRARY, {"audience": "education"}).content.decode())
    assert "Schools safeguarding checklist" in titles
    assert "GP safeguarding checklist" not in titles
    assert "Neglect Toolkit" in titles


def test_sort_by_title_and_by_date(client):
    by_title = listed_titles(client.get(LIBRARY, {"sort": "title"}).content.decode())
    assert by_title == sorted(by_title)
    by_date = listed_titles(client.get(LIBRARY, {"sort": "newest"}).content.decode())
    assert by_date[:6] == [
        "Child Safeguarding Practice Review: Sam (learning summary)",
        "Rapid review: Baby R (learning summary)",
        "Resolving Professional Differences Protocol",
        "Team Around the Family (TAF) one minute guide",
        "Private fostering arrangements: a quick guide",
        "Working with non-compliance or disguised compliance by parents or carers",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"document_type": "spreadsheet"},
        {"audience": "aliens"},
        {"sort": "price"},
        {"page": "many"},
        {"page": "9999"},
        {"page": "²"},
        {"page": "1" * 5000},
        {"document_type": ["protocol", "toolkit"]},
        {"sort": "<script>"},
    ],
)
def test_invalid_filter_values_are_ignored(client, query):
    response = client.get(LIBRARY, query)
    assert response.status_code == 200
    assert listed_titles(response.content.decode())


def test_the_filter_form_keeps_the_choice_and_works_without_javascript(client):
    html = client.get(LIBRARY, {"document_type": "toolkit"}).content.decode()
    assert '<form class="library-filters" method="get"' in html
    assert '<option value="toolkit" selected>Toolkit</option>' in html
    assert "1 document match your filters." in html
    assert '<a class="library-filters__clear"' in html


def test_editors_order_lists_documents_by_position(client):
    library = LocalGuidancePage.objects.get()
    library.grouping = LibraryGrouping.EDITORS_ORDER
    library.save_revision().publish()
    ProtocolDocument.objects.update(library_order=5)
    ProtocolDocument.objects.filter(title="Neglect Toolkit").update(library_order=2)
    ProtocolDocument.objects.filter(title__startswith="Strategy").update(library_order=1)
    titles = listed_titles(client.get(LIBRARY).content.decode())
    assert titles[:2] == ["Strategy discussions: practice guidance", "Neglect Toolkit"]


def test_withdrawn_document_link_reaches_its_entry_with_a_banner(client):
    withdrawn = ProtocolDocument.objects.get(title="Linked Professional Guidance")
    response = client.get(withdrawn.url)
    assert response.status_code == 302
    entry = client.get(response["Location"]).content.decode()
    assert "This document has been withdrawn" in entry
    assert f'href="{withdrawn.url}?retired=1"' in entry
    assert client.get(f"{withdrawn.url}?retired=1").status_code == 200


def test_superseded_document_points_to_its_replacement(client):
    old = ProtocolDocument.objects.get(title="Escalation Process")
    entry = client.get(f"{LIBRARY}{old.pk}/").content.decode()
    assert "This document has been replaced" in entry
    assert (
        f'<a href="{LIBRARY}{old.superseded_by_id}/">'
        "Resolving Professional Differences Protocol</a>" in entry
    )


def test_entry_offers_accessible_formats_and_flags_untagged_pdfs(client):
    untagged = ProtocolDocument.objects.get(title__startswith="Working with non-compliance")
    html = client.get(f"{LIBRARY}{untagged.pk}/").content.decode()
    assert "This PDF may not work well with screen readers" in html
    assert 'href="mailto:business.unit@example.org?subject=' in html
    tagged = ProtocolDocument.objects.get(title__startswith="Private fostering")
    assert "may not work well" not in client.get(f"{LIBRARY}{tagged.pk}/").content.decode()


def test_unknown_document_entry_is_404(client):
    assert client.get(f"{LIBRARY}999999/").status_code == 404
    assert client.get(f"{LIBRARY}not-a-number/").status_code == 404


def test_pagination_keeps_the_filters(client):
    bulk_create_documents(120, document_type="form", dated_event_on=datetime.date(2025, 1, 1))
    html = client.get(LIBRARY, {"document_type": "form"}).content.decode()
    assert "120 documents match your filters." in html
    assert 'href="?document_type=form&amp;page=2"' in html
    assert len(listed_titles(html)) == 100


def test_library_queries_do_not_grow_with_the_number_of_documents(client):
    bulk_create_documents(10, document_type="form")
    with_ten = count_queries(client, LIBRARY)
    bulk_create_documents(490, document_type="toolkit", status=DocumentStatus.UNDER_REVIEW)
    with_five_hundred = count_queries(client, LIBRARY)
    assert with_five_hundred == with_ten <= QUERY_BUDGET


def drawing_queries(client, page_number):
    """The queries of a request that draws the list (a page number not drawn yet), once
    what the process keeps is warm."""
    client.get(LIBRARY)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIBRARY, {"page": page_number}).status_code == 200
    return len(queries)


def test_drawing_the_list_costs_as_many_queries_with_ten_or_five_hundred_documents(client):
    # The other query counts measure a second request, which the list's cached fragment
    # answers without reading any document.
    bulk_create_documents(10, document_type="form")
    with_ten = drawing_queries(client, 2)
    bulk_create_documents(490, document_type="toolkit", status=DocumentStatus.UNDER_REVIEW)
    with_five_hundred = drawing_queries(client, 3)
    assert with_five_hundred == with_ten <= QUERY_BUDGET


def test_the_list_is_drawn_once_and_kept_until_something_changes(client):
    client.get(LIBRARY)
    with CaptureQueriesContext(connection) as queries:
        titles = listed_titles(client.get(LIBRARY).content.decode())
    assert len(titles) == 8
    assert not [query for query in queries if "documents_protocoldocument" in query["sql"]]

    create_document("Walrus enclosure protocol", document_type="protocol")
    assert "Walrus enclosure protocol" in listed_titles(client.get(LIBRARY).content.decode())


def test_a_document_falls_overdue_in_the_list_on_the_day_after_its_review_was_due(client):
    due = timezone.localdate() + datetime.timedelta(days=30)
    [document] = bulk_create_documents(1, document_type="form", review_due_override=due)

    def entry(html):
        return html.split(f"{document.title} <span")[1].split("</li>")[0]

    assert "Review overdue." not in entry(client.get(LIBRARY).content.decode())
    day_after = due + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=day_after):
        assert "Review overdue." in entry(client.get(LIBRARY).content.decode())


def test_entries_have_their_own_canonical_address_and_share_title(client):
    # (The demo's Resolving Professional Differences Protocol is an HTML protocol: its
    # entry leads to its page.)
    taf = ProtocolDocument.objects.get(title__startswith="Team Around the Family")
    html = client.get(f"{LIBRARY}{taf.pk}/").content.decode()
    assert f'<link rel="canonical" href="http://localhost{LIBRARY}{taf.pk}/">' in html
    assert f'<meta property="og:title" content="{taf.title}">' in html
    assert f'<meta name="description" content="{taf.summary.replace(chr(39), "&#x27;")}">' in html


def test_sitemap_lists_the_entries_of_documents_in_use(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for document in ProtocolDocument.objects.select_related("protocol_page"):
        entry = f"<loc>http://localhost{LIBRARY}{document.pk}/</loc>"
        if hasattr(document, "protocol_page"):
            # An HTML protocol is listed as its page, where its entry leads.
            assert entry not in sitemap
            assert f"<loc>http://localhost{document.protocol_page.url}</loc>" in sitemap
            continue
        assert (entry in sitemap) is (not document.is_retired), document.title
