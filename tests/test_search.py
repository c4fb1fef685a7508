"""Site search over published pages."""

import pytest

from pages.models import GuidancePage

pytestmark = pytest.mark.django_db


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
