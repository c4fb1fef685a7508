"""Every page type renders its content at the address a visitor would use."""

import pytest
from wagtail.models import Page

from pages.models import (
    CaseReviewLibraryPage,
    CaseReviewPage,
    ContinuumOfSupportPage,
    CoursePage,
    FeaturedSection,
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
from tests.factories import (
    create_contact_page,
    create_guidance_page,
    create_page,
    create_section,
    opening_period,
    publish,
    set_partnership_settings,
)

pytestmark = pytest.mark.django_db


def test_home_page_shows_intro_contact_panel_and_featured_sections(client, home):
    set_partnership_settings(
        partnership_name="Riverside Safeguarding Children Partnership",
        contact_phone="01632 960 555",
        opening_periods=[opening_period(range(4), "09:00", "17:00")],
        closed_on_bank_holidays=True,
    )
    featured = [create_section("Early help"), create_section("Fostering and adoption")]
    home.intro = "<p>Riverside keeps its children safe together.</p>"
    home.featured_sections = [FeaturedSection(page=page) for page in featured]
    publish(home)

    response = client.get("/")
    assert response.status_code == 200
    assert response.templates[0].name == "pages/home_page.html"
    html = response.content.decode()
    assert "<h1>Riverside Safeguarding Children Partnership</h1>" in html
    assert "Riverside keeps its children safe together." in html
    assert "Concerned about a child?" in html
    assert 'href="tel:01632960555"' in html
    assert "Monday to Thursday, 9am to 5pm, except bank holidays" in html
    for page in featured:
        assert f'<h3 class="card__title"><a href="{page.url}">{page.title}</a></h3>' in html


def test_section_page_lists_its_published_children_with_summaries(client, section):
    create_guidance_page(
        "Children missing from school",
        parent=section,
        search_description="What to do when a child's school place ends.",
    )
    create_guidance_page("Private fostering", parent=section)
    response = client.get(section.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Guidance for practitioners." in html
    children = section.get_children().live()
    assert len(children) == 2
    for child in children:
        assert child.title in html
        assert child.search_description.replace("'", "&#x27;") in html


def test_section_listing_leaves_out_drafts(client, section):
    draft = section.add_child(
        instance=GuidancePage(
            title="Unpublished draft guidance", search_description="Not ready.", live=False
        )
    )
    assert not draft.live
    assert "Unpublished draft guidance" not in client.get(section.url).content.decode()
    assert client.get(draft.url).status_code == 404


def test_guidance_page_renders_every_kind_of_block(client, section):
    linked = create_guidance_page("Sharing records safely", parent=section)
    page = create_page(
        GuidancePage,
        "Duties of the harbour authority",
        section,
        body=[
            {"type": "heading", "value": {"text": "Harbour duties", "level": "h2"}},
            {
                "type": "statute",
                "value": {
                    "quotation": "The harbour authority shall keep a register of moorings.",
                    "source": "Riverside Harbour Act 2030",
                    "section": "section 12(3)",
                    "url": "https://legislation.example.org/riverside-harbour-act/section/12",
                },
            },
            {
                "type": "related_links",
                "value": {
                    "heading": "Further harbour guidance",
                    "links": [{"page": linked.pk, "document": None, "url": "", "text": ""}],
                },
            },
        ],
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="harbour-duties">Harbour duties</h2>' in html
    assert "<cite>Riverside Harbour Act 2030</cite>, section 12(3)" in html
    assert 'cite="https://legislation.example.org/riverside-harbour-act/section/12"' in html
    assert '<nav class="related-links" aria-label="Further harbour guidance">' in html
    assert f'href="{linked.url}"' in html

    set_partnership_settings(out_of_hours_phone="01632 960 777")
    callout = {
        "type": "callout",
        "value": {
            "tone": "information",
            "heading": "Can your own service help?",
            "text": "<p>Ask the river wardens first.</p>",
        },
    }
    contact_page = create_contact_page(
        "Worried about a child on the river",
        section,
        heading="Contact the River Team",
        body=[callout],
    )
    contact = client.get(contact_page.url).content.decode()
    assert '<aside class="callout callout--information"' in contact
    assert "Contact the River Team" in contact
    assert 'href="tel:01632960777"' in contact


def test_base_layout_has_skip_link_search_navigation_breadcrumbs_and_footer(client, home):
    in_menus = create_section("Youth services", show_in_menus=True)
    page = create_guidance_page(
        "Detached youth work",
        parent=in_menus,
        search_description="An approach to meeting young people where they are.",
    )
    set_partnership_settings(
        accessibility_statement=create_guidance_page("How accessible this site is", parent=home)
    )
    html = client.get(page.url).content.decode()
    assert '<a class="skip-link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert 'role="search"' in html and 'name="q"' in html
    assert '<nav class="primary-nav" aria-label="Main">' in html
    assert f'href="{in_menus.url}" aria-current="true"' in html
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb">' in html
    assert '<a href="/how-accessible-this-site-is/">Accessibility statement</a>' in html
    assert '<html lang="en-GB">' in html
    assert (
        '<meta name="description" content="An approach to meeting young people where they are.">'
        in html
    )


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
