"""Pages and document downloads are only read: other methods are refused with 405."""

import pytest
from wagtail.models import Page

from tests.factories import create_document

pytestmark = pytest.mark.django_db

UNSUPPORTED = ("trace", "options", "put", "patch", "delete")


@pytest.fixture
def page_paths():
    return [page.url for page in Page.objects.live().public().filter(depth__gt=1).specific()]


@pytest.mark.parametrize("method", UNSUPPORTED)
def test_pages_refuse_methods_other_than_get_and_head(client, page_paths, method):
    # Each page type, the home page and routable pages among them.
    for path in page_paths:
        response = getattr(client, method)(path)
        assert response.status_code == 405, (method, path, response.status_code)
        assert response["Allow"] == "GET, HEAD"
        assert b"<" not in response.content


def test_pages_still_answer_get_and_head(client, page_paths):
    for path in page_paths:
        assert client.get(path).status_code == 200, path
        assert client.head(path).status_code == 200, path


@pytest.mark.parametrize("method", UNSUPPORTED)
def test_document_downloads_refuse_methods_other_than_get_and_head(client, method):
    document = create_document("Escalation policy")
    response = getattr(client, method)(document.url)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.get(document.url).status_code == 200
    assert client.head(document.url).status_code == 200
