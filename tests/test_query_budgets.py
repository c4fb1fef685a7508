"""Public pages render in a bounded number of queries, however big the site grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pages.models import GuidancePage

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 10
PUBLIC_URLS = [
    "/",
    "/people-working-with-children/",
    "/people-working-with-children/working-together-to-safeguard-children/",
    "/people-working-with-children/contextual-safeguarding/",
    "/people-working-with-children/local-protocols-and-guidance/",
    "/people-working-with-children/southwest-child-protection-procedures/",
    "/concerned-about-a-child/",
    "/accessibility-statement/",
    "/whats-new/",
    "/whats-new/feed/atom/",
    "/people-working-with-children/local-protocols-and-guidance/1/",
    "/search/?q=escalation",
    "/search/?q=safeguarding",
    "/no-such-page/",
]


def count_queries(client, url):
    client.get(url)  # warm per-process caches (site root paths, content types)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 404)
    return len(queries)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_stays_within_the_query_budget(client, url):
    assert count_queries(client, url) <= QUERY_BUDGET


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/people-working-with-children/",
        "/people-working-with-children/contextual-safeguarding/",
    ],
)
def test_menu_and_listings_cost_the_same_with_more_pages(client, home, section, url):
    before = count_queries(client, url)
    for number in range(8):
        home.add_child(
            instance=GuidancePage(
                title=f"Menu page {number}", search_description="In the menu.", show_in_menus=True
            )
        )
        section.add_child(
            instance=GuidancePage(title=f"Listed page {number}", search_description="Listed.")
        )
    after = count_queries(client, url)
    assert "Menu page 7" in client.get(url).content.decode()
    assert after == before
