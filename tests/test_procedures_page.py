"""The Southwest Child Protection Procedures page and the procedure links block, as
practitioners see them, and as partnership staff change them through the snippets."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocumentStatus, ProtocolDocument
from pages.models import GuidancePage, ProceduresPage
from procedures.models import ConsortiumPartnership, ProcedureChapter, ProcedureLink

pytestmark = pytest.mark.django_db

PROCEDURES = "/people-working-with-children/southwest-child-protection-procedures/"
SWCPP = "https://www.proceduresonline.com/swcpp/"
PARTNERSHIPS = [
    "Devon",
    "Plymouth",
    "Cornwall",
    "Torbay",
    "Somerset",
    "South Gloucestershire",
    "Wiltshire",
    "Bath and North East Somerset",
    "North Somerset",
    "Swindon",
    "Gloucestershire",
    "Bristol",
]


def page_html(client, url=PROCEDURES):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def chapters_on(html):
    """{chapter heading: [(link text, address), …]} in the order shown."""
    sections = re.findall(
        r'<section class="procedure-chapter"[^>]*>\s*<h3 id="[^"]+">([^<]+)</h3>(.*?)</section>',
        html,
        re.S,
    )
    return {
        heading: re.findall(r'<li><a href="([^"]+)">([^<]+)</a>', body)
        for heading, body in sections
    }


def test_links_are_listed_by_chapter_in_the_editors_order(client):
    chapters = chapters_on(page_html(client))
    assert list(chapters) == [
        "Referrals",
        "Strategy discussions",
        "Child protection conferences",
        "Resolving professional differences",
        "Private fostering",
        "Neglect",
    ]
    assert chapters["Strategy discussions"] == [
        (f"{SWCPP}p_strategy_disc.html", "Strategy discussions"),
        (f"{SWCPP}p_s47_enquiries.html", "Section 47 enquiries"),
    ]
    assert sum(len(links) for links in chapters.values()) == ProcedureLink.objects.count()


def test_each_link_shows_its_local_note_and_documents_in_use(client):
    html = page_html(client)
    strategy = html[html.index('id="chapter-') :]
    strategy = strategy[strategy.index(">Strategy discussions</h3>") :]
    strategy = strategy[: strategy.index("</section>")]
    assert "how to prepare and what is expected of everyone who attends" in strategy
    guidance = ProtocolDocument.objects.get(title="Strategy discussions: practice guidance")
    assert (
        f'Local guidance: <a href="{guidance.url}">Strategy discussions: practice guidance '
        f'<span class="file-meta">(PDF, {guidance.file_size_label})</span></a>'
    ) in strategy

    guidance.status = DocumentStatus.WITHDRAWN
    guidance.save()
    assert "Strategy discussions: practice guidance" not in page_html(client)


def test_the_chapters_are_read_once_per_content_version(client):
    first = page_html(client)
    with CaptureQueriesContext(connection) as queries:
        again = page_html(client)
    assert chapters_on(again) == chapters_on(first) != {}
    assert not [query for query in queries if "procedures_procedurelink" in query["sql"]]


def test_the_twelve_partnerships_are_listed_with_this_partnership_marked(client):
    html = page_html(client)
    partnerships = html[html.index('<ul class="partnership-list">') :]
    partnerships = partnerships[: partnerships.index("</ul>")]
    names = re.findall(r'<a href="https://[^"]+">([^<]+)</a>', partnerships)
    assert names == PARTNERSHIPS
    assert partnerships.count("(this partnership)") == 1
    assert (
        '<strong><a href="https://nsscp.co.uk/">North Somerset</a> (this partnership)</strong>'
        in partnerships
    )


def test_the_update_dates_and_local_guidance_show(client):
    html = page_html(client)
    assert "<dt>Procedures last updated</dt><dd>1 July 2026</dd>" in html
    assert "<dt>Next update due</dt><dd>January 2027</dd>" in html
    assert (
        '<a href="/people-working-with-children/local-protocols-and-guidance/">'
        "Local protocols and guidance</a>: Local practice guidance"
    ) in html
    assert f'<a href="{SWCPP}">Southwest Child Protection Procedures</a>' in html


def test_only_one_partnership_can_be_this_sites(admin_client):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_consortiumpartnership:add"),
        {
            "name": "Dorset",
            "website": "https://www.dorsetcouncil.gov.uk/",
            "is_this_partnership": "on",
            "front_door_opening_periods-count": 0,
        },
    )
    assert response.status_code == 200
    assert "Another partnership is already marked as this site&#x27;s." in response.content.decode()
    assert not ConsortiumPartnership.objects.filter(name="Dorset").exists()


@pytest.fixture
def page_cache_on():
    """Anonymous pages cached as in production, so the edits must also invalidate it."""
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield
    cache.clear()


PUBLISH = {"action-publish": "action-publish"}


def link_form(link, **changes):
    values = {
        "title": link.title,
        "url": link.url,
        "chapter": link.chapter_id,
        "note": link.note,
        "related_documents": [document.pk for document in link.related_documents.all()],
    }
    return {**values, **PUBLISH, **changes}


def test_publishing_snippets_in_the_admin_changes_the_page(client, admin_client, page_cache_on):
    assert client.get(PROCEDURES)["X-Page-Cache"] == "miss"
    assert client.get(PROCEDURES)["X-Page-Cache"] == "hit"

    link = ProcedureLink.objects.get(title="Private fostering")
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedurelink:edit", args=[link.pk]),
        link_form(link, title="Private fostering arrangements", url=f"{SWCPP}p_priv_fost.html"),
    )
    assert response.status_code == 302
    html = page_html(client)
    assert f'<li><a href="{SWCPP}p_priv_fost.html">Private fostering arrangements</a>' in html

    # Related documents are saved after the link itself: the page must show them too.
    toolkit = ProtocolDocument.objects.get(title="Neglect Toolkit")
    admin_client.post(
        reverse("wagtailsnippets_procedures_procedurelink:edit", args=[link.pk]),
        link_form(link, related_documents=[toolkit.pk]),
    )
    fostering = page_html(client).split(">Private fostering</h3>")[1].split("</section>")[0]
    assert "Neglect Toolkit" in fostering

    partnership = ConsortiumPartnership.objects.get(name="Bristol")
    admin_client.post(
        reverse("wagtailsnippets_procedures_consortiumpartnership:edit", args=[partnership.pk]),
        {
            "name": "Bristol (Keeping Bristol Safe)",
            "website": partnership.website,
            "front_door_opening_periods-count": 0,
            **PUBLISH,
        },
    )
    assert "Bristol (Keeping Bristol Safe)</a>" in page_html(client)

    chapter = ProcedureChapter.objects.get(title="Neglect")
    admin_client.post(
        reverse("wagtailsnippets_procedures_procedurechapter:edit", args=[chapter.pk]),
        {"title": "Neglect and child poverty", **PUBLISH},
    )
    assert ">Neglect and child poverty</h3>" in page_html(client)


def test_the_procedure_links_block_on_a_guidance_page(client):
    html = page_html(client, "/concerned-about-a-child/")
    block = html[html.index('<nav class="related-links procedure-links"') :]
    block = block[: block.index("</nav>")]
    assert 'aria-label="What the procedures say about referrals"' in block
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', block) == [
        (f"{SWCPP}p_referrals.html", "Making referrals to children&#x27;s social care"),
        (f"{SWCPP}p_info_sharing.html", "Information sharing"),
    ]
    assert "call Care Connect for advice first" in block

    ProcedureLink.objects.get(title="Information sharing").delete()
    assert "Information sharing" not in page_html(client, "/concerned-about-a-child/")


def test_a_guidance_page_can_place_procedure_links(admin_client, section):
    links = ProcedureLink.objects.filter(chapter__title="Child protection conferences")
    page = GuidancePage(
        title="Core groups in North Somerset",
        search_description="How core groups work here.",
        body=[("procedure_links", {"heading": "The procedures", "links": list(links)})],
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    html = page_html(admin_client, page.url)
    for link in links:
        assert f'<a href="{link.url}">{link.title}</a>' in html


def test_editors_set_the_dates_and_the_library_on_the_page(admin_client):
    page = ProceduresPage.objects.get()
    form = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    for field in ("procedures_updated_on", "next_update_due", "local_guidance_page"):
        assert f'name="{field}"' in form
