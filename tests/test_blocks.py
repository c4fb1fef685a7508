"""StreamField blocks as practitioners see them."""

import pytest

from pages.models import GuidancePage

from .embed_finders import youtube_answering
from .factories import create_contact_page, create_page, set_partnership_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

VIDEO = "https://www.youtube.com/watch?v=Wa1ru5On1ce"


@pytest.fixture
def fake_youtube():
    with youtube_answering():
        yield


@pytest.fixture
def video_page(section):
    video = {
        "video": VIDEO,
        "title": "Walruses on the ice",
        "description": "<p>A short film about walruses.</p>",
    }
    return create_page(
        GuidancePage, "Walrus film", parent=section, body=[{"type": "video", "value": video}]
    )


def test_video_degrades_to_a_plain_link_when_the_embed_cannot_be_fetched(client, video_page):
    html = client.get(video_page.url).content.decode()
    assert "<iframe" not in html
    assert f'<a href="{VIDEO}">Watch the video “Walruses on the ice” on youtube.com</a>' in html


def test_video_offers_the_privacy_enhanced_player_when_the_embed_is_available(
    client, video_page, fake_youtube
):
    html = client.get(video_page.url).content.decode()
    # Nothing from YouTube until the visitor presses Play (static/js/video.js).
    assert "<iframe" not in html
    assert "ytimg.com" not in html
    assert 'data-video-player="https://www.youtube-nocookie.com/embed/Wa1ru5On1ce"' in html
    assert "(loads content from YouTube, which may set cookies)</button>" in html
    assert f'href="{VIDEO}"' in html


def test_phone_numbers_are_tappable(client, section):
    set_partnership_settings(contact_phone="01632 960 777")
    rescue = {"type": "contact", "value": {"name": "Walrus rescue", "phone": "01632 960 778"}}
    page = create_contact_page("Walrus contacts", parent=section, body=[rescue])
    html = client.get(page.url).content.decode()
    assert '<a href="tel:01632960777">01632 960 777</a>' in html
    assert '<a href="tel:01632960778">01632 960 778</a>' in html


def test_rich_text_links_to_pages_resolve(client, guidance_page):
    set_partnership_settings(
        referral_route=f'<p>Read <a linktype="page" id="{guidance_page.pk}">when to share</a>.</p>'
    )
    html = client.get("/").content.decode()
    assert f'<a href="{guidance_page.url}">when to share</a>' in html


def test_links_without_their_own_text_show_the_page_title(client, section, guidance_page):
    link = {"page": guidance_page.pk, "document": None, "url": "", "text": ""}
    related = {"heading": "Related guidance", "links": [link]}
    body = [{"type": "related_links", "value": related}]
    page = create_page(GuidancePage, "Walrus reading list", parent=section, body=body)
    html = client.get(page.url).content.decode()
    assert f'<a href="{guidance_page.url}">{guidance_page.title}</a>' in html


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
