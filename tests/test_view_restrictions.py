"""A page an editor restricts (login, password, groups) leaves public view at once, though
the paths restrictions cover are remembered between requests to spare every page a query."""

from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from pages.models import FeaturedSection, GuidancePage
from search.models import PromotedResult
from sitewide.page_cache import VERSION_KEY, page_cache, page_cache_version
from tests.editorial import logged_in, staff_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

DUMMY_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def staff_page(section):
    page = section.add_child(
        instance=GuidancePage(title="Staff rota walrus", search_description="For staff only.")
    )
    page.save_revision().publish()
    return page


def restrict(page):
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


def shows_staff_page(client, url, **query):
    return "Staff rota walrus" in client.get(url, query).content.decode()


@override_settings(PAGE_CACHE_SECONDS=600)
def test_restricting_a_page_takes_effect_on_the_next_request(client, staff_page):
    child = staff_page.add_child(
        instance=GuidancePage(title="Rota detail", search_description="Below the rota.")
    )
    assert client.get(staff_page.url).status_code == 200  # remembered as public, and cached
    assert client.get(child.url).status_code == 200

    restriction = restrict(staff_page)
    for page in (staff_page, child):
        response = client.get(page.url)
        assert response.status_code == 302
        assert "/login/" in response["Location"]

    restriction.delete()
    assert client.get(staff_page.url).status_code == 200


def test_restricted_pages_are_left_out_of_listings_search_and_whats_new(
    client, staff_page, section, whats_new_page
):
    places = [
        (section.url, {}),
        ("/search/", {"q": "walrus"}),
        (whats_new_page.url, {}),
    ]
    for url, query in places:
        assert shows_staff_page(client, url, **query), url

    restrict(staff_page)
    for url, query in places:
        assert not shows_staff_page(client, url, **query), url


def test_an_alias_of_a_restricted_page_is_restricted(client, home, staff_page):
    alias = staff_page.create_alias(parent=home, update_slug="rota-alias")
    assert client.get(alias.url).status_code == 200
    restrict(staff_page)
    assert client.get(alias.url).status_code == 302


def test_a_page_no_restriction_covers_does_not_look_restrictions_up(client, guidance_page):
    client.get(guidance_page.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(guidance_page.url).status_code == 200
    assert not [query for query in queries if "pageviewrestriction" in query["sql"]]


@override_settings(CACHES=DUMMY_CACHE)
def test_nothing_is_remembered_while_the_cache_keeps_nothing(client, staff_page):
    # With Redis out of reach no process could hear of a change, so each request reads
    # the restrictions afresh. bulk_create sends no signal: only a fresh read sees it.
    assert page_cache_version() is None
    assert client.get(staff_page.url).status_code == 200
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=staff_page, restriction_type=PageViewRestriction.LOGIN)]
    )
    assert client.get(staff_page.url).status_code == 302


def test_a_page_request_reads_the_content_version_from_the_cache_once(client, guidance_page):
    # The restriction check uses the version the request already read: with Redis,
    # another read would be another round trip on every page.
    client.get(guidance_page.url)
    cache = page_cache()
    with mock.patch.object(cache, "get", wraps=cache.get) as reads:
        assert client.get(guidance_page.url).status_code == 200
    assert [call.args[0] for call in reads.call_args_list].count(VERSION_KEY) == 1


def test_view_restrictions_are_wagtails_own_for_every_page_aliases_and_all(
    home, section, staff_page
):
    """BasePage.get_view_restrictions only skips the query where no restriction can apply;
    wherever one might, the answer must be Wagtail's own."""
    child = staff_page.add_child(
        instance=GuidancePage(title="Rota detail", search_description="Below the rota.")
    )
    staff_page.create_alias(parent=home, update_slug="rota-alias", recursive=True)
    section.create_alias(parent=staff_page, update_slug="section-alias")
    restrict(staff_page)
    restrict(child)

    pages = list(Page.objects.specific().exclude(depth=1))
    assert sum(page.alias_of_id is not None for page in pages) >= 3
    for page in pages:
        ours = set(page.get_view_restrictions().values_list("pk", flat=True))
        wagtails = set(Page.get_view_restrictions(page).values_list("pk", flat=True))
        assert ours == wagtails, page.url_path


@pytest.fixture
def menu_page(home):
    page = home.add_child(
        instance=GuidancePage(
            title="Walrus staff room", search_description="For staff only.", show_in_menus=True
        )
    )
    page.save_revision().publish()
    return page


def shows_menu_page(client, url, **query):
    return "Walrus staff room" in client.get(url, query).content.decode()


def test_a_restricted_page_leaves_the_menu_featured_sections_and_promoted_results(
    client, home, menu_page, guidance_page
):
    FeaturedSection.objects.create(home_page=home, page=menu_page, description="Featured.")
    PromotedResult.objects.create(terms="tusk", page=menu_page, description="Promoted.")
    places = [("/", {}), (guidance_page.url, {}), ("/search/", {"q": "tusk"})]
    for url, query in places:
        assert shows_menu_page(client, url, **query), url

    restrict(menu_page)
    for url, query in places:
        assert not shows_menu_page(client, url, **query), url


def test_the_cached_menu_differs_between_visitors_and_the_staff_who_may_open_the_page(
    client, home, menu_page, guidance_page
):
    FeaturedSection.objects.create(home_page=home, page=menu_page, description="Featured.")
    restrict(menu_page)
    staff = logged_in(staff_member("reader"))
    for url in ("/", guidance_page.url):
        assert not shows_menu_page(client, url), url  # the menu is cached for visitors
        assert shows_menu_page(staff, url), url  # and not shown to staff short
        assert not shows_menu_page(client, url), url  # nor staff's shown to visitors


def test_a_visitor_who_gave_the_password_sees_the_page_in_the_menu(
    client, menu_page, guidance_page
):
    restriction = PageViewRestriction.objects.create(
        page=menu_page, restriction_type=PageViewRestriction.PASSWORD, password="tusks"
    )
    assert not shows_menu_page(client, guidance_page.url)
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, menu_page.pk]),
        {"password": "tusks", "return_url": menu_page.url},
    )
    assert shows_menu_page(client, guidance_page.url)
    assert not shows_menu_page(Client(), guidance_page.url)


def test_a_group_restricted_page_is_listed_for_its_group_only(menu_page, guidance_page):
    keepers = Group.objects.create(name="Walrus keepers")
    restriction = PageViewRestriction.objects.create(
        page=menu_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(keepers)
    assert not shows_menu_page(logged_in(staff_member("outsider")), guidance_page.url)
    assert shows_menu_page(logged_in(staff_member("keeper", "Walrus keepers")), guidance_page.url)


def test_staff_who_may_open_a_restricted_page_find_it_in_listings_and_search(staff_page, section):
    restrict(staff_page)
    staff = logged_in(staff_member("reader"))
    for url, query in [(section.url, {}), ("/search/", {"q": "walrus"})]:
        assert shows_staff_page(staff, url, **query), url
