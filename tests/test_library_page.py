"""The "Local protocols and guidance" library, as practitioners use it."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import Approval, DatedEvent, DocumentStatus, DocumentType, ProtocolDocument
from pages.models import LibraryGrouping
from tests.factories import (
    bulk_create_documents,
    create_document,
    create_word_document,
    publish_protocol,
    set_partnership_settings,
)
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(library_page):
    """The site's library, listing only the documents the test adds: the demo's documents
    are held back as awaiting approval."""
    ProtocolDocument.objects.update(approval=Approval.AWAITING)
    return library_page


def listed_titles(html):
    return re.findall(r'<h3 class="document__title"><a href="[^"]+">([^<]+?) <span', html)


def listed_entry(html, title):
    """The document's item in the list."""
    return html.split(f"{title} <span")[1].split("</li>")[0]


def test_each_document_shows_format_size_and_dated_event(client, library_page):
    protocol = create_document(
        "Walrus escalation protocol",
        pages=6,
        document_type=DocumentType.PROTOCOL,
        dated_event=DatedEvent.REVIEWED,
        dated_event_on=datetime.date(2021, 4, 1),
        former_titles="Walrus escalation process",
    )
    create_document(
        "Tusk care one minute guide",
        document_type=DocumentType.ONE_MINUTE_GUIDE,
        dated_event=DatedEvent.PUBLISHED,
        dated_event_on=datetime.date(2021, 3, 1),
    )
    create_word_document("Blubber checks toolkit", document_type=DocumentType.TOOLKIT)
    html = client.get(library_page.url).content.decode()
    assert (
        f'<a href="{protocol.url}">Walrus escalation protocol '
        f'<span class="file-meta">(PDF, {protocol.file_size_label}, 6 pages)</span></a>'
    ) in html
    protocol_entry = listed_entry(html, "Walrus escalation protocol")
    assert "Last checked by the partnership:</dt>" in protocol_entry
    assert "Previously known as Walrus escalation process." in protocol_entry
    assert (
        '<dt>Published:</dt> <dd><time datetime="2021-03">March 2021</time></dd>'
        in listed_entry(html, "Tusk care one minute guide")
    )
    assert 'Blubber checks toolkit <span class="file-meta">(Word, ' in html


def test_documents_are_grouped_by_type_in_a_fixed_order(client, library_page):
    # Added in the reverse of the order they are listed in.
    for document_type in reversed(DocumentType.values):
        create_document(f"Walrus {document_type} document", document_type=document_type)
    headings = re.findall(r"<h2>([^<]+)</h2>", client.get(library_page.url).content.decode())
    assert headings[:7] == [
        "Protocol",
        "Practice guidance",
        "Toolkit",
        "One minute guide",
        "Quick guide",
        "Form or template",
        "Other",
    ]


def test_overdue_reviews_carry_a_clear_notice(client, library_page):
    create_document(
        "Walrus escalation protocol",
        last_reviewed_on=datetime.date(2021, 4, 1),
        review_interval_months=24,
    )
    html = client.get(library_page.url).content.decode()
    entry = listed_entry(html, "Walrus escalation protocol")
    assert "Review overdue." in entry
    assert "due for review by 1 April 2023" in entry


def test_withdrawn_and_superseded_documents_are_not_listed(client, library):
    current = create_document("Walrus escalation protocol")
    create_document("Walrus linked professionals guidance", status=DocumentStatus.WITHDRAWN)
    create_document(
        "Walrus escalation process", status=DocumentStatus.SUPERSEDED, superseded_by=current
    )
    titles = listed_titles(client.get(library.url).content.decode())
    assert "Walrus linked professionals guidance" not in titles
    assert "Walrus escalation process" not in titles
    assert titles == ["Walrus escalation protocol"]


def test_filter_by_type(client, library):
    create_document("Walrus strategy discussions", document_type=DocumentType.PRACTICE_GUIDANCE)
    create_document("Walrus non-compliance", document_type=DocumentType.PRACTICE_GUIDANCE)
    create_document("Walrus neglect toolkit", document_type=DocumentType.TOOLKIT)
    titles = listed_titles(
        client.get(library.url, {"document_type": "practice_guidance"}).content.decode()
    )
    assert sorted(titles) == ["Walrus non-compliance", "Walrus strategy discussions"]


def test_filter_by_audience_includes_documents_for_everyone(client, library_page):
    create_document("Schools safeguarding checklist", audience="education")
    create_document("GP safeguarding checklist", audience="health")
    create_document("Walrus neglect toolkit", audience="all")
    titles = listed_titles(client.get(library_page.url, {"audience": "education"}).content.decode())
    assert "Schools safeguarding checklist" in titles
    assert "GP safeguarding checklist" not in titles
    assert "Walrus neglect toolkit" in titles


def test_sort_by_title_and_by_date(client, library):
    newest_first = [
        ("Tusk care one minute guide", datetime.date(2026, 4, 14)),
        ("Blubber checks toolkit", datetime.date(2025, 11, 3)),
        ("Walrus escalation protocol", datetime.date(2021, 4, 1)),
        ("Flipper injuries quick guide", datetime.date(2021, 3, 1)),
        ("Kelp feeding practice guidance", datetime.date(2019, 7, 1)),
        ("Haul-out safety form", datetime.date(2019, 5, 1)),
        # Undated: last.
        ("Rookery visits guide", None),
    ]
    for title, dated_event_on in reversed(newest_first):
        create_document(title, dated_event_on=dated_event_on)
    by_title = listed_titles(client.get(library.url, {"sort": "title"}).content.decode())
    assert by_title == sorted(title for title, _date in newest_first)
    by_date = listed_titles(client.get(library.url, {"sort": "newest"}).content.decode())
    assert by_date == [title for title, _date in newest_first]


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
def test_invalid_filter_values_are_ignored(client, library_page, query):
    create_document("Walrus escalation protocol", document_type=DocumentType.PROTOCOL)
    response = client.get(library_page.url, query)
    assert response.status_code == 200
    assert listed_titles(response.content.decode())


def test_the_filter_form_keeps_the_choice_and_works_without_javascript(client, library):
    create_document("Walrus neglect toolkit", document_type=DocumentType.TOOLKIT)
    create_document("Walrus escalation protocol", document_type=DocumentType.PROTOCOL)
    html = client.get(library.url, {"document_type": "toolkit"}).content.decode()
    assert '<form class="library-filters" method="get"' in html
    assert '<option value="toolkit" selected>Toolkit</option>' in html
    assert "1 document match your filters." in html
    assert '<a class="library-filters__clear"' in html


def test_editors_order_lists_documents_by_position(client, library):
    library.grouping = LibraryGrouping.EDITORS_ORDER
    library.save_revision().publish()
    # An order that neither their types nor their titles would give.
    create_document("Aardvark escalation protocol", document_type="protocol", library_order=5)
    create_document("Walrus neglect toolkit", document_type="toolkit", library_order=2)
    create_document(
        "Walrus strategy discussions", document_type="practice_guidance", library_order=1
    )
    titles = listed_titles(client.get(library.url).content.decode())
    assert titles == [
        "Walrus strategy discussions",
        "Walrus neglect toolkit",
        "Aardvark escalation protocol",
    ]


def test_withdrawn_document_link_reaches_its_entry_with_a_banner(client, library_page):
    withdrawn = create_document(
        "Walrus linked professionals guidance", status=DocumentStatus.WITHDRAWN
    )
    response = client.get(withdrawn.url)
    assert response.status_code == 302
    entry = client.get(response["Location"]).content.decode()
    assert "This document has been withdrawn" in entry
    assert f'href="{withdrawn.url}?retired=1"' in entry
    assert client.get(f"{withdrawn.url}?retired=1").status_code == 200


def test_superseded_document_points_to_its_replacement(client, library_page):
    new = create_document("Walrus escalation protocol")
    old = create_document(
        "Walrus escalation process", status=DocumentStatus.SUPERSEDED, superseded_by=new
    )
    entry = client.get(f"{library_page.url}{old.pk}/").content.decode()
    assert "This document has been replaced" in entry
    assert f'<a href="{library_page.url}{new.pk}/">Walrus escalation protocol</a>' in entry


def test_entry_offers_accessible_formats_and_flags_untagged_pdfs(client, library_page):
    set_partnership_settings(accessible_format_email="walrus.formats@example.org")
    untagged = create_document("Walrus non-compliance guidance", tagged=False)
    html = client.get(f"{library_page.url}{untagged.pk}/").content.decode()
    assert "This PDF may not work well with screen readers" in html
    assert 'href="mailto:walrus.formats@example.org?subject=' in html
    tagged = create_document("Walrus fostering quick guide", tagged=True)
    assert "may not work well" not in client.get(f"{library_page.url}{tagged.pk}/").content.decode()


def test_unknown_document_entry_is_404(client, library_page):
    assert client.get(f"{library_page.url}999999/").status_code == 404
    assert client.get(f"{library_page.url}not-a-number/").status_code == 404


def test_pagination_keeps_the_filters(client, library):
    bulk_create_documents(120, document_type="form", dated_event_on=datetime.date(2025, 1, 1))
    html = client.get(library.url, {"document_type": "form"}).content.decode()
    assert "120 documents match your filters." in html
    assert 'href="?document_type=form&amp;page=2"' in html
    assert len(listed_titles(html)) == 100


def test_library_queries_do_not_grow_with_the_number_of_documents(client, library_page):
    bulk_create_documents(10, document_type="form")
    with_ten = count_queries(client, library_page.url)
    bulk_create_documents(490, document_type="toolkit", status=DocumentStatus.UNDER_REVIEW)
    with_five_hundred = count_queries(client, library_page.url)
    assert with_five_hundred == with_ten <= QUERY_BUDGET


def drawing_queries(client, library, page_number):
    """The queries of a request that draws the list (a page number not drawn yet), once
    what the process keeps is warm."""
    client.get(library.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(library.url, {"page": page_number}).status_code == 200
    return len(queries)


def test_drawing_the_list_costs_as_many_queries_with_ten_or_five_hundred_documents(
    client, library_page
):
    # The other query counts measure a second request, which the list's cached fragment
    # answers without reading any document.
    bulk_create_documents(10, document_type="form")
    with_ten = drawing_queries(client, library_page, 2)
    bulk_create_documents(490, document_type="toolkit", status=DocumentStatus.UNDER_REVIEW)
    with_five_hundred = drawing_queries(client, library_page, 3)
    assert with_five_hundred == with_ten <= QUERY_BUDGET


def test_the_list_is_drawn_once_and_kept_until_something_changes(client, library):
    create_document("Walrus escalation protocol")
    create_document("Walrus neglect toolkit")
    client.get(library.url)
    with CaptureQueriesContext(connection) as queries:
        titles = listed_titles(client.get(library.url).content.decode())
    assert sorted(titles) == ["Walrus escalation protocol", "Walrus neglect toolkit"]
    assert not [query for query in queries if "documents_protocoldocument" in query["sql"]]

    create_document("Walrus enclosure protocol", document_type="protocol")
    assert "Walrus enclosure protocol" in listed_titles(client.get(library.url).content.decode())


def test_a_document_falls_overdue_in_the_list_on_the_day_after_its_review_was_due(
    client, library_page
):
    due = timezone.localdate() + datetime.timedelta(days=30)
    [document] = bulk_create_documents(1, document_type="form", review_due_override=due)

    def entry():
        return listed_entry(client.get(library_page.url).content.decode(), document.title)

    assert "Review overdue." not in entry()
    day_after = due + datetime.timedelta(days=1)
    with mock.patch("django.utils.timezone.localdate", return_value=day_after):
        assert "Review overdue." in entry()


def test_entries_have_their_own_canonical_address_and_share_title(client, library_page):
    document = create_document(
        "Walrus team around the family guide", summary="Who's in the team around a walrus."
    )
    html = client.get(f"{library_page.url}{document.pk}/").content.decode()
    entry = f"http://localhost{library_page.url}{document.pk}/"
    assert f'<link rel="canonical" href="{entry}">' in html
    assert f'<meta property="og:title" content="{document.title}">' in html
    assert '<meta name="description" content="Who&#x27;s in the team around a walrus.">' in html


def test_sitemap_lists_the_entries_of_documents_in_use(client, library_page):
    in_use = [
        create_document("Walrus escalation protocol"),
        create_document("Walrus neglect toolkit", status=DocumentStatus.UNDER_REVIEW),
    ]
    retired = [
        create_document("Walrus escalation process", status=DocumentStatus.SUPERSEDED),
        create_document("Walrus linked guidance", status=DocumentStatus.WITHDRAWN),
    ]
    protocol = publish_protocol(
        create_document("Walrus disagreements protocol"), [("Purpose", "<p>Agree.</p>")]
    )
    sitemap = client.get("/sitemap.xml").content.decode()

    def entry(document):
        return f"<loc>http://localhost{library_page.url}{document.pk}/</loc>"

    assert all(entry(document) in sitemap for document in in_use)
    assert not any(entry(document) in sitemap for document in retired)
    # An HTML protocol is listed as its page, where its entry leads.
    assert entry(protocol.document) not in sitemap
    assert f"<loc>http://localhost{protocol.url}</loc>" in sitemap
