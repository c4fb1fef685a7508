"""A document in a private collection (a view restriction on the collection or on any
collection above it) is kept from everyone the restriction refuses: not only its file, but
its title and summary wherever the site lists documents, and its entry, which answers as
the file does."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client, override_settings
from django.urls import reverse
from wagtail.models import Collection, CollectionViewRestriction

from pages.models import ProceduresPage
from procedures.models import ProcedureChapter, ProcedureLink
from search.models import PromotedResult
from tests.editorial import logged_in, staff_member
from tests.factories import bulk_create_documents, create_document, create_page
from tests.query_counts import count_queries

pytestmark = pytest.mark.django_db

TITLE = "Walrus rota protocol"


@pytest.fixture
def listings(library_page, whats_new_page):
    """The addresses of the pages that list documents: the library, "What's new" and a
    procedures page, which lists each procedure link's documents."""
    procedures_page = create_page(ProceduresPage, "Walrus keepers' procedures")
    return {
        "library": library_page.url,
        "whats new": whats_new_page.url,
        "procedures": procedures_page.url,
    }


@pytest.fixture
def staff_collection(db):
    return Collection.get_first_root_node().add_child(name="Staff only")


@pytest.fixture
def rota_collection(staff_collection):
    # Below the collection that will be restricted: the ancestor's restriction covers it.
    return staff_collection.add_child(name="Rotas")


@pytest.fixture
def private_document(rota_collection):
    document = create_document(
        TITLE,
        collection=rota_collection,
        summary="Who is on call at the walrus enclosure.",
        former_titles="Tusk duty list",
    )
    link = ProcedureLink.objects.create(
        title="Allegations against staff",
        url="https://www.proceduresonline.com/swcpp/p_alleg_staff.html",
        chapter=ProcedureChapter.objects.create(title="Walrus chapter"),
    )
    link.related_documents.add(document)
    link.save()  # a parental many-to-many relation is written when its link is saved
    PromotedResult.objects.create(terms="tusk", document=document, description="Promoted.")
    return document


def restrict(collection, restriction_type=CollectionViewRestriction.LOGIN, **fields):
    return CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=restriction_type, **fields
    )


@pytest.fixture
def entry_url(library_page):
    """The address of a document's entry in the library."""
    return lambda document: f"{library_page.url}{document.pk}/"


@pytest.fixture
def places(listings, entry_url):
    """Everywhere the public sees a document listed, as (address, query)."""

    def places_of(document):
        return [
            (listings["library"], {}),
            (entry_url(document), {}),
            ("/search/", {"q": "walrus"}),
            ("/search/", {"q": "tusk"}),
            (listings["whats new"], {}),
            (f"{listings['whats new']}feed/rss/", {}),
            (f"{listings['whats new']}feed/atom/", {}),
            (listings["procedures"], {}),
            ("/sitemap.xml", {}),
        ]

    return places_of


@pytest.fixture
def shows(entry_url):
    """Whether a page shows a client the document's title or a link to its entry."""

    def page_shows(client, url, query, document):
        response = client.get(url, query)
        content = response.content.decode()
        return response.status_code == 200 and (TITLE in content or entry_url(document) in content)

    return page_shows


@override_settings(PAGE_CACHE_SECONDS=600)
def test_a_document_below_a_restricted_collection_is_listed_nowhere(
    client, staff_collection, private_document, places, shows
):
    # Seen, and cached, while the collection is public.
    for url, query in places(private_document):
        assert shows(client, url, query, private_document), (url, query)

    restrict(staff_collection)
    shown = [
        (url, query)
        for url, query in places(private_document)
        if shows(client, url, query, private_document)
    ]
    assert not shown
    for url, query in places(private_document):
        assert "Tusk duty list" not in client.get(url, query).content.decode()


def test_its_entry_sends_visitors_to_sign_in_as_its_file_does(client, staff_collection, entry_url):
    document = create_document(TITLE, collection=staff_collection)
    restrict(staff_collection)
    sign_in_pages = set()
    for url in (entry_url(document), document.url):
        response = client.get(url)
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert parse_qs(location.query)["next"] == [url]
        sign_in_pages.add(location.path)
    assert sign_in_pages == {reverse("wagtailcore_login")}


def test_its_entry_asks_for_the_collection_password_as_its_file_does(
    client, staff_collection, library_page, entry_url, shows
):
    document = create_document(TITLE, collection=staff_collection)
    restriction = restrict(
        staff_collection, CollectionViewRestriction.PASSWORD, password="walrus-pass"
    )
    response = client.get(entry_url(document))
    assert response.status_code == 200
    assert TITLE not in response.content.decode()
    assert reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]) in (
        response.content.decode()
    )
    assert "no-cache" in response["Cache-Control"]

    passed = client.post(
        reverse("wagtaildocs_authenticate_with_password", args=[restriction.pk]),
        {"password": "walrus-pass", "return_url": entry_url(document)},
    )
    assert passed["Location"] == entry_url(document)
    assert TITLE in client.get(entry_url(document)).content.decode()
    assert shows(client, library_page.url, {}, document)


def test_a_group_restriction_shows_the_document_to_its_group_only(
    staff_collection, library_page, entry_url, shows
):
    document = create_document(TITLE, collection=staff_collection)
    rota_keepers = Group.objects.create(name="Rota keepers")
    restrict(staff_collection, CollectionViewRestriction.GROUPS).groups.add(rota_keepers)
    outsider = logged_in(staff_member("outsider"))
    keeper = logged_in(staff_member("keeper", "Rota keepers"))

    assert not shows(outsider, library_page.url, {}, document)
    assert outsider.get(entry_url(document)).status_code == 302
    assert shows(keeper, library_page.url, {}, document)
    assert shows(keeper, entry_url(document), {}, document)


@pytest.mark.parametrize("listing", ["procedures", "library"])
def test_a_listing_drawn_for_a_group_shows_its_restricted_document_to_no_one_else(
    staff_collection, private_document, listings, shows, listing
):
    # The procedures page's chapters and the library's list are cached fragments: the
    # group's copy must reach no one else.
    rota_keepers = Group.objects.create(name="Rota keepers")
    restrict(staff_collection, CollectionViewRestriction.GROUPS).groups.add(rota_keepers)
    keeper = logged_in(staff_member("keeper", "Rota keepers"))
    outsider = logged_in(staff_member("outsider"))
    url = listings[listing]

    assert shows(keeper, url, {}, private_document)
    assert not shows(outsider, url, {}, private_document)
    assert not shows(Client(), url, {}, private_document)
    assert shows(keeper, url, {}, private_document)


def test_staff_signed_in_still_find_documents_restricted_to_signed_in_users(
    staff_collection, private_document, library_page, entry_url, shows
):
    restrict(staff_collection)
    staff = logged_in(staff_member("reader"))
    for url, query in [
        (library_page.url, {}),
        (entry_url(private_document), {}),
        ("/search/", {"q": "tusk"}),
    ]:
        assert shows(staff, url, query, private_document), (url, query)


@override_settings(PAGE_CACHE_SECONDS=600)
def test_moving_a_collection_below_a_restricted_one_hides_its_documents(
    client, staff_collection, library_page, entry_url, shows
):
    public = Collection.get_first_root_node().add_child(name="Public rotas")
    document = create_document(TITLE, collection=public)
    restrict(staff_collection)
    assert shows(client, library_page.url, {}, document)  # and cached

    admin = staff_member("admin")
    admin.is_superuser = True
    admin.save()
    response = logged_in(admin).post(
        reverse("wagtailadmin_collections:edit", args=[public.pk]),
        {"name": "Public rotas", "parent": staff_collection.pk},
    )
    assert response.status_code == 302
    public.refresh_from_db()
    assert public.get_parent() == staff_collection
    assert not shows(client, library_page.url, {}, document)
    assert client.get(entry_url(document)).status_code == 302


@override_settings(PAGE_CACHE_SECONDS=600)
def test_lifting_the_restriction_brings_the_document_back(
    client, staff_collection, library_page, shows
):
    document = create_document(TITLE, collection=staff_collection)
    restriction = restrict(staff_collection)
    assert not shows(client, library_page.url, {}, document)
    restriction.delete()
    assert shows(client, library_page.url, {}, document)


@pytest.mark.parametrize("listing", ["library", "search", "whats new", "procedures"])
def test_private_documents_cost_no_query_each(client, staff_collection, listings, listing):
    url = {**listings, "search": "/search/?q=bulk"}[listing]
    restrict(staff_collection)
    before = count_queries(client, url)
    bulk_create_documents(30, collection=staff_collection)
    assert count_queries(client, url) == before
