"""Every page type renders its content at the address a visitor would use."""

import pytest
from wagtail.models import Page

from pages.models import (
    CaseReviewLibraryPage,
    CaseReviewPage,
    ContinuumOfSupportPage,
    CoursePage,
    GuidancePage,
    HomePage,
    LocalGuidancePage,
    OtherAreasPage,
    ProceduresPage,
    ProtocolPage,
    SectionPage,
    SevenMinuteBriefingPage,
    TrainingPage,
    WhatsNewPage,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_intro_contact_panel_and_featured_sections(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "pages/home_page.html"
    html = response.content.decode()
    assert "<h1>North Somerset Safeguarding Children Partnership</h1>" in html
    assert "Concerned about a child?" in html
    assert 'href="tel:01632960001"' in html
    assert "Monday to Friday, 8am to 6pm, except bank holidays" in html
    for featured in ("People working with children", "Local protocols and guidance"):
        assert featured in html


def test_section_page_lists_its_published_children_with_summaries(client, section):
    response = client.get("/people-working-with-children/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "people who work with children and young people in any role" in html
    for child in section.get_children().live():
        assert child.title in html
        assert child.search_description.replace("'", "&#x27;") in html


def test_section_listing_leaves_out_drafts(client, section):
    draft = section.add_child(
        instance=GuidancePage(
            title="Unpublished draft guidance", search_description="Not ready.", live=False
        )
    )
    assert not draft.live
    assert (
        "Unpublished draft guidance"
        not in client.get("/people-working-with-children/").content.decode()
    )
    assert client.get(draft.url).status_code == 404


def test_guidance_page_renders_every_kind_of_block(client):
    response = client.get("/people-working-with-children/working-together-to-safeguard-children/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="statutory-duties">Statutory duties</h2>' in html
    assert "<cite>Children Act 1989</cite>, section 47(1)" in html
    assert 'cite="https://www.legislation.gov.uk/ukpga/1989/41/section/47"' in html
    assert '<nav class="related-links" aria-label="Related guidance">' in html
    assert 'href="/people-working-with-children/local-protocols-and-guidance/"' in html

    contact = client.get("/concerned-about-a-child/").content.decode()
    assert '<aside class="callout callout--information"' in contact
    assert "Contact Care Connect" in contact
    assert 'href="tel:01632960002"' in contact


def test_base_layout_has_skip_link_search_navigation_breadcrumbs_and_footer(client):
    html = client.get("/people-working-with-children/contextual-safeguarding/").content.decode()
    assert '<a class="skip-link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert '<nav class="primary-nav" aria-label="Main">' in html
    assert 'href="/people-working-with-children/" aria-current="true"' in html
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a href="/accessibility-statement/">Accessibility statement</a>' in html
    assert '<html lang="en-GB">' in html
    assert '<meta name="description" content="An approach to understanding' in html


def test_page_types_only_go_where_they_make_sense():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert set(HomePage.allowed_subpage_models()) == {
        SectionPage,
        GuidancePage,
        LocalGuidancePage,
        ProceduresPage,
        WhatsNewPage,
        OtherAreasPage,
        ContinuumOfSupportPage,
        TrainingPage,
        CaseReviewLibraryPage,
    }
    assert set(CaseReviewLibraryPage.allowed_subpage_models()) == {
        CaseReviewPage,
        SevenMinuteBriefingPage,
    }
    assert CaseReviewPage.allowed_parent_page_models() == [CaseReviewLibraryPage]
    assert SevenMinuteBriefingPage.allowed_parent_page_models() == [CaseReviewLibraryPage]
    assert OtherAreasPage.allowed_subpage_models() == []
    assert OtherAreasPage.max_count == 1
    assert set(SectionPage.allowed_subpage_models()) == set(HomePage.allowed_subpage_models())
    assert LocalGuidancePage.allowed_subpage_models() == [ProtocolPage]
    assert ProtocolPage.allowed_parent_page_models() == [LocalGuidancePage]
    assert ProtocolPage.allowed_subpage_models() == []
    assert ProceduresPage.allowed_subpage_models() == []
    assert ContinuumOfSupportPage.allowed_subpage_models() == []
    assert TrainingPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_parent_page_models() == [TrainingPage]
    assert CoursePage.allowed_subpage_models() == []
    assert set(SectionPage.allowed_parent_page_models()) == {HomePage, SectionPage}
    assert GuidancePage.allowed_subpage_models() == []
