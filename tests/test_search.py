"""Site search over published pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import DocumentStatus
from pages.models import GuidancePage
from tests.factories import create_document, create_guidance_page, create_promoted_result

pytestmark = pytest.mark.django_db


def add_matches(section, word, documents=0, pages=0):
    """Published documents ("<word> protocol N") and pages ("<word> page N") found by
    searching for `word`."""
    for number in range(documents):
        create_document(f"{word} protocol {number}", summary=f"About {word}.")
    for number in range(pages):
        section.add_child(
            instance=GuidancePage(title=f"{word} page {number}", search_description=f"{word}.")
        )


def test_search_finds_published_pages_by_title_and_summary(client):
    page = create_guidance_page(
        "Harbourside outreach visits",
        search_description="How detached youth workers record a lantern night contact.",
    )
    html = client.get("/search/", {"q": "harbourside"}).content.decode()
    assert f'href="{page.url}"' in html
    assert "How detached youth workers record a lantern night contact." in html

    html = client.get("/search/", {"q": "lantern night"}).content.decode()
    assert "Harbourside outreach visits" in html


def test_search_finds_words_in_the_page_body(client):
    create_guidance_page(
        "Ferry crossing checks",
        paragraphs=["<p>Hand the quayside gateway form to the duty officer.</p>"],
    )
    html = client.get("/search/", {"q": "quayside"}).content.decode()
    assert "Ferry crossing checks" in html


def test_search_leaves_out_unpublished_pages(client, section):
    section.add_child(
        instance=GuidancePage(title="Secret draft zebra", search_description="Draft.", live=False)
    )
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "Secret draft zebra" not in html
    assert "No results for “zebra”" in html


def test_search_results_are_paginated(client, section):
    for number in range(12):
        section.add_child(
            instance=GuidancePage(
                title=f"Pagination walrus {number}", search_description="About walruses."
            )
        )
    first = client.get("/search/", {"q": "walrus"}).content.decode()
    assert "12 results for “walrus”" in first
    assert first.count('class="search-results__title"') == 10
    assert 'rel="next"' in first
    second = client.get("/search/", {"q": "walrus", "page": 2}).content.decode()
    assert second.count('class="search-results__title"') == 2
    beyond = client.get("/search/", {"q": "walrus", "page": 99})
    assert beyond.status_code == 200
    assert "Page 2 of 2" in beyond.content.decode()
    bad = client.get("/search/", {"q": "walrus", "page": "x"})
    assert bad.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!",
        '"',
        "'",
        "(",
        "AND OR NOT",
        "*",
        "-",
        "a" * 5000,
        "enfant protégé",
        "儿童保护",
        "🙂",
        "%",
        "\\",
        "NEAR(",
        "children:",
        "\x00",
    ],
)
def test_odd_queries_give_a_normal_page(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<h1>Search</h1>" in response.content.decode()


def test_query_is_echoed_safely(client):
    html = client.get("/search/", {"q": '<script>alert("x")</script>'}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_empty_search_shows_the_form_only(client):
    html = client.get("/search/").content.decode()
    assert 'id="search-page-query"' in html
    assert "result" not in html.split("<h1>Search</h1>")[1].split("</form>")[1]


def test_search_finds_documents_by_title_summary_and_former_title(client):
    create_document("Tidepool Assessment Toolkit")
    create_document(
        "Evasive Parents Guide", summary="When parents are hostile or threatening at the heron."
    )
    create_document("Kestrel Differences Protocol", former_titles="Osprey Dispute Route")
    by_title = client.get("/search/", {"q": "tidepool toolkit"}).content.decode()
    assert "Tidepool Assessment Toolkit" in by_title
    by_summary = client.get("/search/", {"q": "hostile heron"}).content.decode()
    assert "Evasive Parents Guide" in by_summary
    by_former_title = client.get("/search/", {"q": "osprey"}).content.decode()
    assert '">Kestrel Differences Protocol</a></h2>' in by_former_title
    assert "(PDF, " in by_former_title


def test_document_results_link_to_their_entries(client, library_page):
    document = create_document("Kestrel Differences Protocol")
    html = client.get("/search/", {"q": "kestrel differences"}).content.decode()
    assert f'href="{library_page.url}{document.pk}/"' in html
    assert f'href="{document.url}"' in html


def test_the_library_is_found_once_until_the_content_changes(client, library_page):
    document = create_document("Kestrel Differences Protocol")
    query = {"q": "kestrel differences"}
    client.get("/search/", query)
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", query)
    assert not [query for query in queries if "pages_localguidancepage" in query["sql"]]

    library_page.slug = "protocols"
    library_page.save_revision().publish()
    html = client.get("/search/", query).content.decode()
    assert f'href="{library_page.get_parent().url}protocols/{document.pk}/"' in html


def test_withdrawn_and_superseded_documents_are_left_out_of_search(client):
    current = create_document("Kestrel Disagreement Protocol")
    create_document("Kestrel Lockdown Guidance", status=DocumentStatus.WITHDRAWN)
    create_document(
        "Kestrel Dispute Route", status=DocumentStatus.SUPERSEDED, superseded_by=current
    )
    html = client.get("/search/", {"q": "kestrel"}).content.decode()
    assert '">Kestrel Disagreement Protocol</a></h2>' in html
    assert "Kestrel Lockdown Guidance" not in html
    assert "Kestrel Dispute Route" not in html


def test_documents_and_pages_paginate_as_one_list(client, section):
    add_matches(section, "Capybara", documents=7, pages=6)
    first = client.get("/search/", {"q": "capybara"}).content.decode()
    assert "13 results for “capybara”" in first
    assert first.count("Capybara protocol") == 7 * 2  # title and the download link's hidden text
    assert first.count("Capybara page") == 3
    second = client.get("/search/", {"q": "capybara", "page": 2}).content.decode()
    assert second.count("Capybara page") == 3
    assert "Capybara protocol" not in second


def test_promoted_results_come_first(client):
    document = create_document("Kestrel Differences Protocol", former_titles="Osprey Route")
    create_promoted_result(
        terms="osprey, osprey route",
        document=document,
        description="The Osprey Route is now the Kestrel Differences Protocol.",
    )
    html = client.get("/search/", {"q": "Osprey"}).content.decode()
    recommended = html.index('<h2 id="promoted-heading">Recommended</h2>')
    assert html.index("Kestrel Differences Protocol", recommended) < html.index(
        'class="search-count"'
    )
    assert "The Osprey Route is now the Kestrel Differences Protocol." in html


def test_promotions_match_whole_words_only(client, guidance_page):
    create_promoted_result(terms="moor, moorland walk", page=guidance_page)
    assert (
        "promoted-heading"
        in client.get("/search/", {"q": "who to call on the moor"}).content.decode()
    )
    assert "promoted-heading" not in client.get("/search/", {"q": "moorhen"}).content.decode()


def test_promotions_of_unpublished_pages_are_hidden(client, guidance_page):
    create_promoted_result(terms="lighthouse", page=guidance_page)
    assert "promoted-heading" in client.get("/search/", {"q": "lighthouse"}).content.decode()
    guidance_page.unpublish()
    assert "promoted-heading" not in client.get("/search/", {"q": "lighthouse"}).content.decode()


def test_results_that_fit_in_three_pages_are_not_counted_separately(client, section):
    # Each set is read once for its first three pages; counting it again would build its
    # full-text query a second time.
    for number in range(25):
        section.add_child(
            instance=GuidancePage(title=f"Read-ahead walrus {number}", search_description="Walrus.")
        )
    client.get("/search/", {"q": "walrus"})
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/search/", {"q": "walrus"}).content.decode()
    assert "25 results for “walrus”" in html
    assert "Page 1 of 3" in html
    assert not [query for query in queries if "COUNT(" in query["sql"]]


def test_results_beyond_three_pages_are_counted_and_reached(client, section):
    add_matches(section, "Narwhal", documents=2, pages=31)
    first = client.get("/search/", {"q": "narwhal"}).content.decode()
    assert "33 results for “narwhal”" in first
    assert "Page 1 of 4" in first
    last = client.get("/search/", {"q": "narwhal", "page": 4}).content.decode()
    assert last.count('class="search-results__title"') == 3
    assert "Narwhal protocol" not in last
