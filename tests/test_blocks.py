"""StreamField blocks as practitioners see them."""

import pytest

from .embed_finders import youtube_answering

pytestmark = pytest.mark.django_db

VIDEO_PAGE = "/people-working-with-children/contextual-safeguarding/"


@pytest.fixture
def fake_youtube():
    with youtube_answering():
        yield


def test_video_degrades_to_a_plain_link_when_the_embed_cannot_be_fetched(client):
    html = client.get(VIDEO_PAGE).content.decode()
    assert "<iframe" not in html
    assert (
        '<a href="https://www.youtube.com/watch?v=V0lE-XENewM">'
        "Watch the video “What is Contextual Safeguarding?” on youtube.com</a>"
    ) in html


def test_video_offers_the_privacy_enhanced_player_when_the_embed_is_available(client, fake_youtube):
    html = client.get(VIDEO_PAGE).content.decode()
    # Nothing from YouTube until the visitor presses Play (static/js/video.js).
    assert "<iframe" not in html
    assert "ytimg.com" not in html
    assert 'data-video-player="https://www.youtube-nocookie.com/embed/V0lE-XENewM"' in html
    assert "(loads content from YouTube, which may set cookies)</button>" in html
    assert 'href="https://www.youtube.com/watch?v=V0lE-XENewM"' in html


def test_phone_numbers_are_tappable(client):
    html = client.get("/concerned-about-a-child/").content.decode()
    assert '<a href="tel:01632960001">01632 960 001</a>' in html


def test_rich_text_links_to_pages_resolve(client):
    html = client.get("/").content.decode()
    assert (
        '<a href="/people-working-with-children/continuum-of-support/">Continuum of Support</a>'
        in html
    )


def test_links_without_their_own_text_show_the_page_title(client):
    html = client.get(
        "/people-working-with-children/working-together-to-safeguard-children/"
    ).content.decode()
    assert (
        '<a href="/people-working-with-children/southwest-child-protection-procedures/">'
        "Southwest Child Protection Procedures</a>"
    ) in html


def make_image():
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PillowImage
    from wagtail.images import get_image_model

    buffer = BytesIO()
    PillowImage.new("RGB", (1600, 900), "#1d4f91").save(buffer, "PNG")
    return get_image_model().objects.create(
        title="Partners meeting", file=ImageFile(buffer, name="partners.png")
    )


def test_figures_use_responsive_renditions_with_dimensions(client, guidance_page):
    image = make_image()
    guidance_page.body.append(
        (
            "figure",
            {
                "image": {
                    "image": image,
                    "alt_text": "Partners around a table",
                    "decorative": False,
                },
                "caption": "The three safeguarding partners meet monthly.",
            },
        )
    )
    guidance_page.save_revision().publish()
    html = client.get(guidance_page.url).content.decode()
    img = html.split('<figure class="figure">')[1].split("</figure>")[0]
    assert 'alt="Partners around a table"' in img
    assert 'sizes="(min-width: 42rem) 42rem, 100vw"' in img
    assert "360w" in img and "1080w" in img
    assert 'width="360"' in img and 'height="202"' in img
    assert 'loading="lazy"' in img
    assert "<figcaption>The three safeguarding partners meet monthly.</figcaption>" in img


def test_moved_pages_keep_working_through_redirects(client, guidance_page, home):
    old_url = guidance_page.url
    guidance_page.move(home, pos="last-child")
    guidance_page.refresh_from_db()
    response = client.get(old_url)
    assert response.status_code in (301, 302)
    assert response["Location"].endswith(guidance_page.url)
