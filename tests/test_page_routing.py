"""HomePage.route finds pages from their remembered addresses: it must answer as Wagtail's own
routing does, page for page, and fail safe when the tree changes under it."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from wagtail.models import Page

from pages.models import GuidancePage, HomePage, LocalGuidancePage, WhatsNewPage
from tests.factories import create_guidance_page, create_page, create_section

pytestmark = pytest.mark.django_db


def components(page, home):
    return [part for part in page.url_path.removeprefix(home.url_path).split("/") if part]


def described(route_result):
    """A route's page and what it is served with (a routable page's view by its name)."""
    return (
        route_result.page.pk,
        [getattr(arg, "__name__", arg) for arg in route_result.args],
        route_result.kwargs,
    )


def test_every_page_is_routed_as_wagtails_own_routing_routes_it(home):
    outer = create_section("Routing outer section")
    inner = create_section("Routing inner section", parent=outer)
    built = [
        outer,
        inner,
        create_guidance_page("Deep guidance", parent=inner),
        create_page(LocalGuidancePage, "Routing library", inner),
        create_page(WhatsNewPage, "Routing changes", outer),
    ]
    request = RequestFactory().get("/")
    pages = Page.objects.descendant_of(home).live().specific()
    assert {page.pk for page in built} <= {page.pk for page in pages}
    for page in pages:
        path = components(page, home)
        assert described(home.route(request, path)) == described(Page.route(home, request, path)), (
            page.url_path
        )


def test_a_page_deleted_after_the_addresses_were_read_is_not_found(client, home, guidance_page):
    url = guidance_page.url
    assert client.get(url).status_code == 200
    stale_addresses = home.addresses_below()
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(HomePage, "addresses_below", lambda self: stale_addresses)
        Page.objects.filter(pk=guidance_page.pk).delete()
        assert client.get(url).status_code == 404


def test_a_page_type_with_its_own_routes_decides_what_lies_below_it(home):
    """Wagtail's walk lets a routable page answer a sub-path before a child page of the
    same name; so must the shortcut."""
    whats_new = create_page(WhatsNewPage, "Latest changes")
    child = whats_new.add_child(
        instance=GuidancePage(title="Feed", slug="feed", search_description="A child page.")
    )
    request = RequestFactory().get("/")
    path = [*components(whats_new, home), "feed", "rss"]

    result = home.route(request, path)

    assert result.page.pk == whats_new.pk
    assert result.page.pk == Page.route(home, request, path).page.pk
    assert home.route(request, components(child, home)).page.pk == child.pk


def test_an_address_below_no_page_is_not_found(home):
    with pytest.raises(Http404):
        home.route(RequestFactory().get("/"), ["no-such-section", "no-such-page"])
