"""Site search over published pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import ProtocolDocument
from pages.models import GuidancePage
from tests.factories import create_document

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
    html = client.get("/search/", {"q": "contextual"}).content.decode()
    assert 'href="/people-working-with-children/contextual-safeguarding/"' in html
    assert "harm young people experience outside their families" in html

    html = client.get("/search/", {"q": "statutory guidance"}).content.decode()
    assert "Working Together to Safeguard Children" in html


def test_search_finds_words_in_the_page_body(client):
    html = client.get("/search/", {"q": "gateway"}).content.decode()
    assert "Southwest Child Protection Procedures" in html


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
    by_title = client.get("/search/", {"q": "neglect toolkit"}).content.decode()
    assert "Neglect Toolkit" in by_title
    by_summary = client.get("/search/", {"q": "hostile threatening"}).content.decode()
    assert "Working with non-compliance or disguised compliance" in by_summary
    by_former_title = client.get("/search/", {"q": "escalation"}).content.decode()
    assert '">Resolving Professional Differences Protocol</a></h2>' in by_former_title
    assert "(PDF, " in by_former_title


def test_document_results_link_to_their_entries(client):
    rpd = ProtocolDocument.objects.get(title="Resolving Professional Differences Protocol")
    html = client.get("/search/", {"q": "resolving professional differences"}).content.decode()
    assert f'href="/people-working-with-children/local-protocols-and-guidance/{rpd.pk}/"' in html
    assert f'href="{rpd.url}"' in html


def test_the_library_is_found_once_until_the_content_changes(client, library_page):
    rpd = ProtocolDocument.objects.get(title="Resolving Professional Differences Protocol")
    query = {"q": "resolving professional differences"}
    client.get("/search/", query)
    with CaptureQueriesContext(connection) as queries:
        client.get("/search/", query)
    assert not [query for query in queries if "pages_localguidancepage" in query["sql"]]

    library_page.slug = "protocols"
    library_page.save_revision().publish()
    html = client.get("/search/", query).content.decode()
    assert f'href="/people-working-with-children/protocols/{rpd.pk}/"' in html


def test_withdrawn_and_superseded_documents_are_left_out_of_search(client):
    assert (
        "Linked Professional Guidance"
        not in client.get("/search/", {"q": "covid pandemic linked professionals"}).content.decode()
    )
    html = client.get("/search/", {"q": "escalation process"}).content.decode()
    assert '">Escalation Process</a></h2>' not in html


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
    html = client.get("/search/", {"q": "Escalation"}).content.decode()
    recommended = html.index('<h2 id="promoted-heading">Recommended</h2>')
    assert html.index("Resolving Professional Differences Protocol", recommended) < html.index(
        'class="search-count"'
    )
    assert "The Escalation Process is now the Resolving Professional Differences Protocol." in html


def test_promotions_match_whole_words_only(client):
    assert (
        "promoted-heading"
        in client.get("/search/", {"q": "how do I refer a child"}).content.decode()
    )
    assert "promoted-heading" not in client.get("/search/", {"q": "referee"}).content.decode()


def test_promotions_of_unpublished_pages_are_hidden(client):
    from pages.models import GuidancePage

    GuidancePage.objects.get(slug="concerned-about-a-child").unpublish()
    assert "promoted-heading" not in client.get("/search/", {"q": "front door"}).content.decode()


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
