"""What search engines and shared links see: the sitemap, robots.txt, canonical addresses,
descriptions and Open Graph tags."""

from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from wagtail.models import PageViewRestriction

from pages.models import GuidancePage

from .conftest import page_at

pytestmark = pytest.mark.django_db

SITE = "http://localhost"  # the demo site's Wagtail Site record
SITEMAP_LOCATION = "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
GUIDANCE_PATH = "/people-working-with-children/working-together-to-safeguard-children/"


def head_of(client, path):
    return BeautifulSoup(client.get(path).content, "html.parser").head


def meta(head, property_name):
    tag = head.find("meta", property=property_name)
    return tag["content"] if tag else None


def test_sitemap_lists_published_public_pages_only(client, section):
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
    assert {f"{SITE}/", f"{SITE}{GUIDANCE_PATH}", f"{SITE}/accessibility-statement/"} <= locations
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


def test_pages_give_their_canonical_address_description_and_open_graph_tags(client):
    page = page_at(GUIDANCE_PATH)
    head = head_of(client, GUIDANCE_PATH)
    canonical = f"{SITE}{GUIDANCE_PATH}"
    assert head.find("link", rel="canonical")["href"] == canonical
    assert head.find("meta", attrs={"name": "description"})["content"] == page.search_description
    assert meta(head, "og:url") == canonical
    assert meta(head, "og:title") == page.title
    assert meta(head, "og:description") == page.search_description
    assert meta(head, "og:type") == "website"
    assert meta(head, "og:site_name") == "North Somerset Safeguarding Children Partnership"


def test_canonical_address_leaves_out_the_query_string(client):
    head = head_of(client, f"{GUIDANCE_PATH}?utm_source=newsletter")
    assert head.find("link", rel="canonical")["href"] == f"{SITE}{GUIDANCE_PATH}"


def test_seo_title_is_the_shared_title(client):
    page = page_at(GUIDANCE_PATH)
    page.seo_title = "Working Together 2023: what it means locally"
    page.save_revision().publish()
    assert meta(head_of(client, GUIDANCE_PATH), "og:title") == page.seo_title


def test_home_page_is_shared_under_the_partnerships_name(client):
    # Its title in the page tree is "Home".
    head = head_of(client, "/")
    assert meta(head, "og:title") == "North Somerset Safeguarding Children Partnership"
    assert head.find("link", rel="canonical")["href"] == f"{SITE}/"


@pytest.mark.parametrize("path", ["/search/?q=children", "/no-such-page/"])
def test_pages_outside_the_page_tree_claim_no_canonical_address(client, path):
    head = head_of(client, path)
    assert head.find("link", rel="canonical") is None
    assert meta(head, "og:url") is None
