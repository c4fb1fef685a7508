"""Embed finders for tests, so that no test reaches YouTube."""

from contextlib import contextmanager

from django.test import override_settings
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders import get_finders
from wagtail.embeds.finders.base import EmbedFinder


class OfflineEmbedFinder(EmbedFinder):
    """Behaves as the oEmbed finder does when the provider cannot be reached."""

    def accept(self, url):
        return True

    def find_embed(self, url, max_width=None, max_height=None):
        raise EmbedNotFoundException(f"offline: {url}")


class FakeYouTubeFinder(EmbedFinder):
    """Answers as YouTube's oEmbed endpoint would, without the network."""

    def accept(self, url):
        return "youtube.com" in url

    def find_embed(self, url, max_width=None, max_height=None):
        video_id = url.rsplit("=", 1)[-1]
        return {
            "title": "What is Contextual Safeguarding?",
            "author_name": "Contextual Safeguarding",
            "provider_name": "YouTube",
            "type": "video",
            "thumbnail_url": f"https://i.ytimg.com/vi/{video_id}/hqdefault.jpg",
            "width": 480,
            "height": 270,
            "html": (
                f'<iframe width="480" height="270" src="https://www.youtube.com/embed/{video_id}" '
                'title="What is Contextual Safeguarding?" allowfullscreen></iframe>'
            ),
        }


@contextmanager
def youtube_answering():
    """Embeds found by FakeYouTubeFinder instead of the test settings' offline finder.
    Wagtail keeps the finders it has built: they are rebuilt on the way in and out."""
    get_finders.cache_clear()
    try:
        with override_settings(
            WAGTAILEMBEDS_FINDERS=[{"class": "tests.embed_finders.FakeYouTubeFinder"}]
        ):
            yield
    finally:
        get_finders.cache_clear()
