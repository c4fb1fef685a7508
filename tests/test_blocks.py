"""StreamField blocks as practitioners see them."""

import pytest
from django.test import override_settings
from wagtail.embeds.finders import get_finders

pytestmark = pytest.mark.django_db

VIDEO_PAGE = "/people-working-with-children/contextual-safeguarding/"


@pytest.fixture
def fake_youtube():
    get_finders.cache_clear()
    with override_settings(
        WAGTAILEMBEDS_FINDERS=[{"class": "tests.embed_finders.FakeYouTubeFinder"}]
    ):
        yield
    get_finders.cache_clear()


def test_video_degrades_to_a_plain_link_when_the_embed_cannot_be_fetched(client):
    html = client.get(VIDEO_PAGE).content.decode()
    assert "<iframe" not in html
    assert (
        '<a href="https://www.youtube.com/watch?v=V0lE-XENewM">'
        "Watch the video “What is Contextual Safeguarding?” on youtube.com</a>"
    ) in html


def test_video_shows_the_player_when_the_embed_is_available(client, fake_youtube):
    html = client.get(VIDEO_PAGE).content.decode()
    assert '<div class="video__player">' in html
    assert "youtube.com/embed/V0lE-XENewM" in html
    assert 'href="https://www.youtube.com/watch?v=V0lE-XENewM"' in html


def test_phone_numbers_are_tappable(client):
    html = client.get("/concerned-about-a-child/").content.decode()
    assert '<a href="tel:01632960001">01632 960 001</a>' in html


def test_rich_text_links_to_pages_resolve(client):
    html = client.get("/").content.decode()
    assert '<a href="/concerned-about-a-child/">Continuum of Support</a>' in html
