"""The Southwest Child Protection Procedures page and the procedure links block, as
practitioners see them, and as partnership staff change them through the snippets."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from documents.models import DocumentStatus
from pages.models import GuidancePage, LocalGuidancePage, ProceduresPage
from procedures.models import ConsortiumPartnership, ProcedureLink
from tests.factories import (
    create_consortium_partnership,
    create_document,
    create_page,
    create_procedure_chapter,
    create_procedure_link,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_section")]

PROCEDURES_SITE = "https://procedures.example.org/"
# The test's own chapters and their links, each in the editors' order, which is not the
# alphabet's.
MANUAL = {
    "Referring a family": [("Making a referral", "p_referral.html")],
    "Joint home visits": [
        ("Planning a joint visit", "p_joint_visit.html"),
        ("After a joint visit", "p_after_visit.html"),
    ],
    "Contact arrangements": [
        ("Supervised contact", "p_supervised_contact.html"),
        ("Contact centres", "p_contact_centres.html"),
    ],
}
# This partnership and the others, in the editors' order.
PARTNERSHIPS = ["Westmoor", "Riverside", "Eastvale", "Northdown"]
THIS_PARTNERSHIP = "Riverside"


@pytest.fixture
def procedures_page(section):
    """A procedures page of the test's own, with the dates of the procedures' updates and a
    library of local guidance."""
    library = create_page(LocalGuidancePage, "Home visit protocols", section)
    return create_page(
        ProceduresPage,
        "Shared child protection procedures",
        section,
        intro=f'<p>Read <a href="{PROCEDURES_SITE}">the shared procedures</a> first.</p>',
        procedures_updated_on=datetime.date(2030, 2, 3),
        next_update_due=datetime.date(2030, 8, 1),
        local_guidance_page=library,
    )


@pytest.fixture
def links():
    """{title: link} for the links of MANUAL, in chapters of their own."""
    links = {}
    for chapter_order, (chapter_title, chapter_links) in enumerate(MANUAL.items()):
        chapter = create_procedure_chapter(chapter_title, sort_order=chapter_order)
        for link_order, (title, address) in enumerate(chapter_links):
            links[title] = create_procedure_link(
                title, chapter, url=f"{PROCEDURES_SITE}{address}", sort_order=link_order
            )
    return links


@pytest.fixture
def partnerships():
    """The consortium's partnerships are these alone."""
    ConsortiumPartnership.objects.all().delete()
    return [
        create_consortium_partnership(
            name, sort_order=order, is_this_partnership=name == THIS_PARTNERSHIP
        )
        for order, name in enumerate(PARTNERSHIPS)
    ]


def chapter_section(html, title):
    """The part of the procedures page listing the chapter `title`'s links."""
    return html.split(f">{title}</h3>")[1].split("</section>")[0]


def page_html(client, url):
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


def test_links_are_listed_by_chapter_in_the_editors_order(client, procedures_page, links):
    chapters = chapters_on(page_html(client, procedures_page.url))
    assert [title for title in chapters if title in MANUAL] == list(MANUAL)
    assert chapters["Joint home visits"] == [
        (f"{PROCEDURES_SITE}p_joint_visit.html", "Planning a joint visit"),
        (f"{PROCEDURES_SITE}p_after_visit.html", "After a joint visit"),
    ]
    assert sum(len(links) for links in chapters.values()) == ProcedureLink.objects.count()


def test_each_link_shows_its_local_note_and_documents_in_use(client, procedures_page):
    chapter = create_procedure_chapter("Lone working")
    guidance = create_document("Lone working: practice notes")
    create_procedure_link(
        "Visiting alone",
        chapter,
        note="Tell the duty desk where you are going.",
        documents=[guidance],
    )
    lone_working = chapter_section(page_html(client, procedures_page.url), chapter.title)
    assert "Tell the duty desk where you are going." in lone_working
    assert (
        f'Local guidance: <a href="{guidance.url}">Lone working: practice notes '
        f'<span class="file-meta">(PDF, {guidance.file_size_label})</span></a>'
    ) in lone_working

    guidance.status = DocumentStatus.WITHDRAWN
    guidance.save()
    assert "Lone working: practice notes" not in page_html(client, procedures_page.url)


def test_the_chapters_are_read_once_per_content_version(client, procedures_page, links):
    first = page_html(client, procedures_page.url)
    with CaptureQueriesContext(connection) as queries:
        again = page_html(client, procedures_page.url)
    assert chapters_on(again) == chapters_on(first) != {}
    assert not [query for query in queries if "procedures_procedurelink" in query["sql"]]


def test_the_partnerships_are_listed_with_this_partnership_marked(
    client, procedures_page, partnerships
):
    html = page_html(client, procedures_page.url)
    listed = html[html.index('<ul class="partnership-list">') :]
    listed = listed[: listed.index("</ul>")]
    names = re.findall(r'<a href="https://[^"]+">([^<]+)</a>', listed)
    assert names == PARTNERSHIPS
    assert listed.count("(this partnership)") == 1
    this_partnership = ConsortiumPartnership.objects.get(name=THIS_PARTNERSHIP)
    assert (
        f'<strong><a href="{this_partnership.website}">{THIS_PARTNERSHIP}</a> '
        "(this partnership)</strong>"
    ) in listed


def test_the_update_dates_and_local_guidance_show(client, procedures_page):
    html = page_html(client, procedures_page.url)
    assert "<dt>Procedures last updated</dt><dd>3 February 2030</dd>" in html
    assert "<dt>Next update due</dt><dd>August 2030</dd>" in html
    library = procedures_page.local_guidance_page
    assert f'<a href="{library.url}">Home visit protocols</a>: About Home visit protocols.' in html
    assert f'<a href="{PROCEDURES_SITE}">the shared procedures</a>' in html


def test_only_one_partnership_can_be_this_sites(admin_client, partnerships):
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_consortiumpartnership:add"),
        {
            "name": "Lakeside",
            "website": "https://lakeside.example.org/",
            "is_this_partnership": "on",
            "front_door_opening_periods-count": 0,
        },
    )
    assert response.status_code == 200
    assert "Another partnership is already marked as this site&#x27;s." in response.content.decode()
    assert not ConsortiumPartnership.objects.filter(name="Lakeside").exists()


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


def test_publishing_snippets_in_the_admin_changes_the_page(
    client, admin_client, page_cache_on, procedures_page, links, partnerships
):
    url = procedures_page.url
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"

    link = links["Supervised contact"]
    response = admin_client.post(
        reverse("wagtailsnippets_procedures_procedurelink:edit", args=[link.pk]),
        link_form(
            link, title="Supervised contact visits", url=f"{PROCEDURES_SITE}p_supervised.html"
        ),
    )
    assert response.status_code == 302
    html = page_html(client, url)
    assert f'<li><a href="{PROCEDURES_SITE}p_supervised.html">Supervised contact visits</a>' in html

    # Related documents are saved after the link itself: the page must show them too.
    toolkit = create_document("Contact centre toolkit")
    admin_client.post(
        reverse("wagtailsnippets_procedures_procedurelink:edit", args=[link.pk]),
        link_form(link, related_documents=[toolkit.pk]),
    )
    contact = chapter_section(page_html(client, url), "Contact arrangements")
    assert "Contact centre toolkit" in contact

    partnership = ConsortiumPartnership.objects.get(name="Eastvale")
    admin_client.post(
        reverse("wagtailsnippets_procedures_consortiumpartnership:edit", args=[partnership.pk]),
        {
            "name": "Eastvale (Keeping Eastvale Safe)",
            "website": partnership.website,
            "front_door_opening_periods-count": 0,
            **PUBLISH,
        },
    )
    assert "Eastvale (Keeping Eastvale Safe)</a>" in page_html(client, url)

    chapter = link.chapter
    admin_client.post(
        reverse("wagtailsnippets_procedures_procedurechapter:edit", args=[chapter.pk]),
        {"title": "Contact and family time", **PUBLISH},
    )
    assert ">Contact and family time</h3>" in page_html(client, url)


def test_the_procedure_links_block_on_a_guidance_page(client, section):
    chapter = create_procedure_chapter("Home visits")
    planning = create_procedure_link(
        "Planning a home visit",
        chapter,
        url=f"{PROCEDURES_SITE}p_planning.html",
        note="Ring the duty desk before you go.",
    )
    recording = create_procedure_link(
        "Recording a visit", chapter, url=f"{PROCEDURES_SITE}p_record.html"
    )
    heading = "What the procedures say about home visits"
    body = [
        {
            "type": "procedure_links",
            "value": {"heading": heading, "links": [planning.pk, recording.pk]},
        }
    ]
    page = create_page(GuidancePage, "Before a home visit", section, body=body)

    html = page_html(client, page.url)
    block = html[html.index('<nav class="related-links procedure-links"') :]
    block = block[: block.index("</nav>")]
    assert f'aria-label="{heading}"' in block
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', block) == [
        (f"{PROCEDURES_SITE}p_planning.html", "Planning a home visit"),
        (f"{PROCEDURES_SITE}p_record.html", "Recording a visit"),
    ]
    assert "Ring the duty desk before you go." in block

    recording.delete()
    assert "Recording a visit" not in page_html(client, page.url)


def test_a_guidance_page_can_place_procedure_links(admin_client, section, links):
    chosen = ProcedureLink.objects.filter(chapter__title="Contact arrangements")
    page = GuidancePage(
        title="Contact arrangements in our area",
        search_description="How contact arrangements work here.",
        body=[("procedure_links", {"heading": "The procedures", "links": list(chosen)})],
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    html = page_html(admin_client, page.url)
    assert len(chosen) == 2
    for link in chosen:
        assert f'<a href="{link.url}">{link.title}</a>' in html


def test_editors_set_the_dates_and_the_library_on_the_page(admin_client, procedures_page):
    edit_url = reverse("wagtailadmin_pages:edit", args=[procedures_page.pk])
    form = admin_client.get(edit_url).content.decode()
    for field in ("procedures_updated_on", "next_update_due", "local_guidance_page"):
        assert f'name="{field}"' in form
