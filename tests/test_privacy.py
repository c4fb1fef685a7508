"""An anonymous visitor leaves no trace in cookies."""

import pytest

from .public_pages import public_paths

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_get_no_cookies(client):
    with_cookies = []
    for path in public_paths():
        response = client.get(path)
        if response.has_header("Set-Cookie") or response.cookies:
            with_cookies.append(f"{path}: {sorted(response.cookies)}")
    assert not with_cookies, "\n".join(with_cookies)


def test_search_with_any_query_sets_no_cookie(client):
    for query in ["escalation", "a" * 500, "<script>", "'\""]:
        assert not client.get("/search/", {"q": query}).cookies
