"""Request ids (partnership_site.middleware.RequestIdMiddleware) and the admin's previews.

Wagtail renders a preview by passing a request it makes up through the middleware, inside
the admin's own request. The middleware knows that request by Wagtail's `is_dummy` flag,
which Wagtail sets for middleware but does not document: this test fails if it changes."""

import pytest

from partnership_site.logs import request_id

pytestmark = pytest.mark.django_db


def test_a_preview_keeps_the_id_of_the_admin_request_that_makes_it(guidance_page, rf, settings):
    settings.MIDDLEWARE = ["partnership_site.middleware.RequestIdMiddleware", *settings.MIDDLEWARE]
    admin_request = rf.get(f"/admin/pages/{guidance_page.pk}/edit/preview/")
    request_id.set("id-of-the-admin-request")
    try:
        response = guidance_page.make_preview_request(admin_request)
        assert response.status_code == 200
        assert guidance_page.title in response.content.decode()
        assert "X-Request-ID" not in response
        assert request_id.get() == "id-of-the-admin-request"
    finally:
        request_id.set(None)


def test_other_requests_get_an_id_of_their_own(client, settings):
    settings.MIDDLEWARE = ["partnership_site.middleware.RequestIdMiddleware", *settings.MIDDLEWARE]
    first, second = client.get("/"), client.get("/")
    assert first["X-Request-ID"] != second["X-Request-ID"]
