"""An anonymous visitor's browser talks to this site only, until they choose otherwise."""

import re
from urllib.parse import urlsplit

import pytest

from tests.embed_finders import youtube_answering

from .browsing import Tab

pytestmark = pytest.mark.django_db

VIDEO_PAGE = "/people-working-with-children/contextual-safeguarding/"


def test_public_pages_make_no_requests_to_other_sites(site_audit):
    requests = site_audit.requests_elsewhere()
    assert not requests, "\n".join(requests)


@pytest.fixture
def video_page_html(client):
    """The video page as the site renders it when YouTube answers. The live server's
    finder is offline, so the tab is given this instead."""
    with youtube_answering():
        return client.get(VIDEO_PAGE).content.decode()


@pytest.fixture
def axe_tab(browser, site_url):
    tab = Tab(browser, site_url, axe=True)
    yield tab
    tab.close()


def test_video_loads_nothing_from_youtube_until_the_visitor_plays_it(axe_tab, video_page_html):
    tab = axe_tab
    tab.stand_in_for(tab.site_url + VIDEO_PAGE, video_page_html)
    tab.open(VIDEO_PAGE)
    play = tab.page.get_by_role("button", name=re.compile(r"^Play video"))
    assert "loads content from YouTube, which may set cookies" in play.inner_text()
    violations = tab.axe_violations()
    assert not violations, [violation["id"] for violation in violations]
    assert not tab.outside_requests

    with tab.page.expect_request(lambda request: "youtube" in request.url) as player_request:
        play.click()
    assert player_request.value.url.startswith(
        "https://www.youtube-nocookie.com/embed/V0lE-XENewM?"
    )
    player = tab.page.locator(".video__player iframe")
    assert player.get_attribute("title") == "What is Contextual Safeguarding?"
    assert tab.page.evaluate("document.activeElement === document.querySelector('iframe')")
    assert {urlsplit(url).hostname for url in tab.outside_requests} <= {"www.youtube-nocookie.com"}


def test_without_javascript_the_video_is_a_link(browser, site_url, video_page_html):
    tab = Tab(browser, site_url, java_script_enabled=False)
    tab.stand_in_for(site_url + VIDEO_PAGE, video_page_html)
    tab.open(VIDEO_PAGE)
    assert not tab.page.get_by_role("button", name=re.compile(r"^Play video")).is_visible()
    link = tab.page.get_by_role("link", name="Watch the video “What is Contextual Safeguarding?”")
    assert link.get_attribute("href") == "https://www.youtube.com/watch?v=V0lE-XENewM"
    assert not tab.outside_requests
    tab.close()
