"""What search engines and shared links see: the sitemap, robots.txt, canonical addresses,
descriptions and Open Graph tags."""

from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from pages.models import GuidancePage
from tests.factories import create_guidance_page, set_partnership_settings

pytestmark = pytest.mark.django_db

SITE = "http://localhost"  # the demo site's Wagtail Site record
SITEMAP_LOCATION = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
PARTNERSHIP = "Riverside Safeguarding Children Partnership"


@pytest.fixture(autouse=True)
def partnership(db):
    return set_partnership_settings(partnership_name=PARTNERSHIP)


def head_of(client, path):
    return BeautifulSoup(client.get(path).content, "html.parser").head


def meta(head, property_name):
    tag = head.find("meta", property=property_name)
    return tag["content"] if tag else None


def test_sitemap_lists_published_public_pages_only(client, section, guidance_page):
    draft = section.add_child(
        instance=GuidancePage(title="Draft", search_description="Not yet.", live=False)
    )
    private = section.add_child(
        instance=GuidancePage(title="Staff only", search_description="Private.")
    )
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = {
        loc.text for loc in ElementTree.fromstring(response.content).iter(SITEMAP_LOCATION)
    }
    assert {f"{SITE}/", f"{SITE}{section.url}", f"{SITE}{guidance_page.url}"} <= locations
    assert draft.get_full_url() not in locations
    assert private.get_full_url() not in locations


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_admin_and_search(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines
    assert "Disallow: /search/" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines


def test_pages_give_their_canonical_address_description_and_open_graph_tags(client, section):
    page = create_guidance_page(
        "Children missing from education",
        parent=section,
        search_description="What schools do when a pupil stops attending.",
    )
    head = head_of(client, page.url)
    canonical = f"{SITE}{section.url}children-missing-from-education/"
    assert head.find("link", rel="canonical")["href"] == canonical
    description = "What schools do when a pupil stops attending."
    assert head.find("meta", attrs={"name": "description"})["content"] == description
    assert meta(head, "og:url") == canonical
    assert meta(head, "og:title") == "Children missing from education"
    assert meta(head, "og:description") == description
    assert meta(head, "og:type") == "website"
    assert meta(head, "og:site_name") == PARTNERSHIP


def test_canonical_address_leaves_out_the_query_string(client, guidance_page):
    head = head_of(client, f"{guidance_page.url}?utm_source=newsletter")
    assert head.find("link", rel="canonical")["href"] == f"{SITE}{guidance_page.url}"


def test_seo_title_is_the_shared_title(client, guidance_page):
    guidance_page.seo_title = "Sharing information: what it means locally"
    guidance_page.save_revision().publish()
    assert (
        meta(head_of(client, guidance_page.url), "og:title")
        == "Sharing information: what it means locally"
    )


def test_home_page_is_shared_under_the_partnerships_name(client):
    # Its title in the page tree is "Home".
    head = head_of(client, "/")
    assert meta(head, "og:title") == PARTNERSHIP
    assert head.find("link", rel="canonical")["href"] == f"{SITE}/"


@pytest.mark.parametrize("path", ["/search/?q=children", "/no-such-page/"])
def test_pages_outside_the_page_tree_claim_no_canonical_address(client, path):
    head = head_of(client, path)
    assert head.find("link", rel="canonical") is None
    assert meta(head, "og:url") is None
