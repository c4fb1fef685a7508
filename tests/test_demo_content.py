"""The demo content: the seeds' facts, and idempotent loading."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from documents.models import ProtocolDocument, ProtocolVersion
from learning.models import LearningTheme
from pages.models import (
    CaseReviewPage,
    ContinuumOfSupportPage,
    FeaturedSection,
    HomePage,
    ProceduresPage,
    SevenMinuteBriefingPage,
)
from procedures.models import (
    ConsortiumPartnership,
    ProcedureChapter,
    ProcedureLink,
    ProcedureUpdate,
)
from reviews.models import ReviewStatus
from sitewide.models import PartnershipSettings

pytestmark = pytest.mark.django_db

# The twelve partnerships of the consortium, in the seeds' order.
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

EXPECTED_TREE = {
    "/home/": "HomePage",
    "/home/people-working-with-children/": "SectionPage",
    "/home/people-working-with-children/working-together-to-safeguard-children/": "GuidancePage",
    "/home/people-working-with-children/contextual-safeguarding/": "GuidancePage",
    "/home/people-working-with-children/local-protocols-and-guidance/": "LocalGuidancePage",
    "/home/people-working-with-children/local-protocols-and-guidance/"
    "resolving-professional-differences/": "ProtocolPage",
    "/home/people-working-with-children/southwest-child-protection-procedures/": "ProceduresPage",
    "/home/people-working-with-children/continuum-of-support/": "ContinuumOfSupportPage",
    "/home/concerned-about-a-child/": "GuidancePage",
    "/home/whats-new/": "WhatsNewPage",
    "/home/accessibility-statement/": "GuidancePage",
    "/home/privacy-notice/": "GuidancePage",
    "/home/child-lives-in-another-area/": "OtherAreasPage",
    "/home/people-working-with-children/training-and-events/": "TrainingPage",
    **{
        f"/home/people-working-with-children/training-and-events/{course}/": "CoursePage"
        for course in (
            "working-together-to-safeguard-children",
            "neglect-and-the-graded-care-profile",
            "safeguarding-for-health-staff-level-3",
            "introduction-to-safeguarding-for-volunteers",
        )
    },
    "/home/people-working-with-children/case-reviews/": "CaseReviewLibraryPage",
    "/home/people-working-with-children/case-reviews/seven-minute-briefing-hidden-men/": (
        "SevenMinuteBriefingPage"
    ),
    "/home/people-working-with-children/case-reviews/seven-minute-briefing-exploitation/": (
        "SevenMinuteBriefingPage"
    ),
    "/home/people-working-with-children/case-reviews/child-safeguarding-practice-review-sam/": (
        "CaseReviewPage"
    ),
    "/home/people-working-with-children/case-reviews/rapid-review-baby-r/": "CaseReviewPage",
    "/home/people-working-with-children/case-reviews/local-review-jade/": "CaseReviewPage",
}


def snapshot():
    return (
        sorted(Page.objects.values_list("url_path", "content_type__model", "live")),
        Revision.objects.count(),
        FeaturedSection.objects.count(),
        PartnershipSettings.objects.count(),
        Site.objects.count(),
        ProtocolDocument.objects.count(),
        list(
            ConsortiumPartnership.objects.values_list(
                "name", "is_this_partnership", "front_door_phone", "out_of_hours_phone"
            )
        ),
        list(ProcedureChapter.objects.values_list("title", flat=True)),
        list(ProcedureLink.objects.values_list("title", "chapter__title", "url")),
        ProcedureLink.related_documents.through.objects.count(),
        list(ProcedureUpdate.objects.values_list("published_on", "chapters__title")),
    )


def test_loading_twice_changes_nothing():
    before = snapshot()
    call_command("load_demo_content", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    assert snapshot() == before


def test_page_tree_matches_the_seeds():
    tree = {
        page.url_path: type(page).__name__ for page in Page.objects.filter(depth__gte=2).specific()
    }
    assert tree == EXPECTED_TREE
    assert all(Page.objects.filter(depth__gte=2).values_list("live", flat=True))
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    menu = list(site.root_page.get_children().in_menu().values_list("title", flat=True))
    assert menu == ["People working with children", "Concerned about a child", "What's new"]


def test_settings_carry_the_seeds_contact_facts():
    partnership = PartnershipSettings.objects.get()
    assert partnership.contact_team_name == "Care Connect"
    assert str(partnership.opening_hours) == "Monday to Friday, 8am to 6pm"
    assert partnership.closed_on_bank_holidays
    assert "Front Door" in partnership.referral_route
    assert partnership.accessibility_statement.slug == "accessibility-statement"
    assert partnership.privacy_notice.slug == "privacy-notice"


def test_contextual_safeguarding_page_has_the_video():
    page = Page.objects.get(slug="contextual-safeguarding").specific
    videos = [block.value for block in page.body if block.block_type == "video"]
    assert videos[0]["video"].url == "https://www.youtube.com/watch?v=V0lE-XENewM"


def test_demo_load_keeps_an_editors_change():
    page = Page.objects.get(slug="concerned-about-a-child").specific
    page.search_description = "Changed by an editor."
    page.save_revision().publish()
    call_command("load_demo_content", verbosity=0)
    page.refresh_from_db()
    assert page.search_description == "Changed by an editor."


def test_documents_carry_the_seeds_titles_and_dates():
    rpd = ProtocolDocument.objects.get(title="Resolving Professional Differences Protocol")
    assert (rpd.issued_label, f"{rpd.last_checked_on:%B %Y}") == ("", "April 2021")
    assert rpd.former_title_list == ["Escalation Process"]
    assert rpd.review_status_on() == ReviewStatus.OVERDUE
    taf = ProtocolDocument.objects.get(title__startswith="Team Around the Family")
    assert (taf.issued_label, f"{taf.dated_event_on:%B %Y}") == ("Published", "March 2021")
    assert ProtocolDocument.objects.get(title="Escalation Process").superseded_by == rpd
    assert ProtocolDocument.objects.filter(page_count__gt=0).count() == 9
    assert {d.file_extension for d in ProtocolDocument.objects.all()} == {"pdf", "docx"}
    for document in ProtocolDocument.objects.all():
        with document.open_file() as handle:
            assert handle.read(4) in (b"%PDF", b"PK\x03\x04")


def test_the_procedures_gateway_is_seeded():
    assert list(ConsortiumPartnership.objects.values_list("name", flat=True)) == PARTNERSHIPS
    assert ConsortiumPartnership.objects.get(is_this_partnership=True).name == "North Somerset"
    assert all(
        link.url.startswith("https://www.proceduresonline.com/swcpp/")
        for link in ProcedureLink.objects.all()
    )
    strategy = ProcedureLink.objects.get(title="Strategy discussions")
    assert strategy.related_documents.get().title == "Strategy discussions: practice guidance"
    update = ProcedureUpdate.objects.get()
    assert set(update.chapters.values_list("title", flat=True)) == {
        "Strategy discussions",
        "Child protection conferences",
        "Resolving professional differences",
    }
    page = ProceduresPage.objects.get()
    assert page.procedures_updated_on == update.published_on
    assert page.local_guidance_page.slug == "local-protocols-and-guidance"


def test_demo_pages_have_review_dates_and_owners_some_overdue():
    pages = [page for page in Page.objects.live().specific() if hasattr(page, "review_due")]
    # Less the home page and the HTML protocol, whose dates are its document's.
    assert len(pages) == len(EXPECTED_TREE) - 2
    assert all(page.last_reviewed_on and page.review_due and page.owner_email for page in pages)
    statuses = {page.review_status_on() for page in pages}
    assert {ReviewStatus.OVERDUE, ReviewStatus.CURRENT} <= statuses


def test_demo_load_gives_review_dates_only_to_pages_without_any():
    undated = Page.objects.get(slug="whats-new").specific
    type(undated).objects.filter(pk=undated.pk).update(
        last_reviewed_on=None, review_due=None, owner_team="", owner_name="", owner_email=""
    )
    owned = Page.objects.get(slug="contextual-safeguarding").specific
    owned.owner_email = "new.owner@example.org"
    owned.save_revision().publish()

    call_command("load_demo_content", verbosity=0)
    undated.refresh_from_db()
    owned.refresh_from_db()
    assert undated.last_reviewed_on and undated.owner_email == "business.unit@example.org"
    assert owned.owner_email == "new.owner@example.org"


def test_demo_load_gives_front_doors_only_to_partnerships_without_one():
    ConsortiumPartnership.objects.filter(name="Devon").update(
        front_door_name="",
        front_door_phone="",
        front_door_hours="",
        front_door_opening_periods=[],
        out_of_hours_phone="",
        front_door_website="",
        referral_route="",
    )
    ConsortiumPartnership.objects.filter(name="Bristol").update(front_door_phone="0117 903 6444")
    call_command("load_demo_content", verbosity=0)
    devon = ConsortiumPartnership.objects.get(name="Devon")
    assert devon.front_door_phone == "01632 960 101"
    assert devon.front_door_opening_hours is not None
    assert ConsortiumPartnership.objects.get(name="Bristol").front_door_phone == "0117 903 6444"


def test_case_reviews_are_seeded_with_their_themes_reports_and_briefings():
    sam = CaseReviewPage.objects.get(slug="child-safeguarding-practice-review-sam")
    assert sam.live and sam.review_type == "cspr" and sam.age_group == "12-plus"
    assert "Criminal exploitation" in [theme.name for theme in sam.themes.all()]
    assert "Police" in [agency.name for agency in sam.agencies.all()]
    assert sam.report.title == "Child Safeguarding Practice Review: Sam (learning summary)"
    assert sam.briefing.title == "Children drawn into criminal exploitation"
    assert SevenMinuteBriefingPage.objects.live().count() == 2
    assert all(LearningTheme.objects.values_list("live", flat=True))


def test_the_demo_protocol_has_two_versions_to_compare(client):
    rpd = ProtocolVersion.objects.filter(
        document__title="Resolving Professional Differences Protocol"
    ).order_by("number")
    assert [version.number for version in rpd] == [1, 2]
    html = client.get(rpd[1].comparison_url).content.decode()
    assert '<span class="diff-label">Removed:</span> Escalation Process</del>' in html
    assert '<span class="diff-label">Removed:</span> five' in html
    assert '<span class="diff-label">Added:</span> two' in html
    assert "Superseded: this is version 1" in client.get(rpd[0].get_absolute_url()).content.decode()


def test_the_concern_page_links_to_the_continuum_guide(client):
    guide = ContinuumOfSupportPage.objects.get()
    assert f'href="{guide.url}"' in client.get("/concerned-about-a-child/").content.decode()
