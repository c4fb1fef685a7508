"""The "Exit this page" button on every public page, as the site serves it. Its
behaviour in a browser is tested in tests/browser/test_quick_exit.py."""

import pytest
from bs4 import BeautifulSoup

from sitewide.models import PartnershipSettings

from .public_pages import public_paths

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(site):
    return PartnershipSettings.for_site(site)


def exit_links(client, path):
    html = BeautifulSoup(client.get(path).content, "html.parser")
    return html.select("a[data-quick-exit]"), html.select("script[src*='quick-exit']")


def test_every_public_page_has_the_exit_button_first_after_the_skip_link(client):
    for path in public_paths():
        html = BeautifulSoup(client.get(path).content, "html.parser")
        first_links = html.body.find_all("a", limit=2)
        assert first_links[0]["class"] == ["skip-link"], path
        assert first_links[1].has_attr("data-quick-exit"), path
        assert first_links[1].get_text(" ", strip=True) == "Emergency Exit this page"
        assert first_links[1]["href"] == "https://www.bbc.co.uk/weather"
        assert first_links[1]["rel"] == ["nofollow", "noreferrer"]
        assert html.select_one("script[src*='quick-exit'][defer]"), path


def test_editors_choose_the_neutral_site(client, partnership):
    partnership.quick_exit_url = "https://www.example.com/recipes"
    partnership.save()
    links, _scripts = exit_links(client, "/")
    assert [link["href"] for link in links] == ["https://www.example.com/recipes"]


def test_editors_can_switch_it_off(client, partnership, guidance_page):
    partnership.quick_exit_enabled = False
    partnership.save()
    links, scripts = exit_links(client, guidance_page.url)
    assert not links
    assert not scripts


def test_no_inline_scripts_or_styles(client):
    # A Content-Security-Policy without 'unsafe-inline' is to come.
    for path in public_paths():
        html = BeautifulSoup(client.get(path).content, "html.parser")
        assert not html.select("script:not([src]), style, [style]"), path
        event_handlers = [
            name for tag in html.find_all(True) for name in tag.attrs if name.startswith("on")
        ]
        assert not event_handlers, path
