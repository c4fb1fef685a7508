"""Public pages render in a bounded number of queries, however big the site grows."""

import datetime

import pytest
from django.utils import timezone

from pages.models import (
    CourseLevel,
    CoursePage,
    CourseSession,
    GuidancePage,
    LocalGuidancePage,
    OtherAreasPage,
    ProceduresPage,
    TrainingAudience,
    TrainingPage,
    WhatsNewPage,
)
from procedures.models import ConsortiumPartnership, ProcedureChapter, ProcedureLink
from tests.factories import (
    create_agency,
    create_briefing,
    create_case_review,
    create_case_review_library,
    create_contact_page,
    create_continuum_page,
    create_course,
    create_document,
    create_guidance_page,
    create_learning_theme,
    create_page,
    create_procedure_chapter,
    create_procedure_link,
    create_promoted_result,
    create_section,
    publish,
    publish_protocol,
)
from tests.query_counts import QUERY_BUDGET, count_queries

pytestmark = pytest.mark.django_db

PROCEDURES = "https://procedures.example.org/"
# Audiences of the training page's own, with the level of training each should reach.
AUDIENCES = [
    ("Youth workers", CourseLevel.MULTI_AGENCY),
    ("Pharmacy teams", CourseLevel.LEVEL_3),
    ("Sports coaches", CourseLevel.SINGLE_AGENCY),
    ("School nurses", CourseLevel.LEVEL_2),
]


def section_page():
    section = create_section("Working with families", intro="<p>Guidance for families.</p>")
    for title in ("Visiting a family at home", "Recording a home visit"):
        create_guidance_page(title, parent=section)
    return section


def guidance_with_blocks():
    """A guidance page made of the blocks guidance is most often made of."""
    advice = '<p>Read <a href="https://advice.example.org/">the advice line</a> first.</p>'
    statute = {
        "quotation": "The authority shall make such enquiries as they consider necessary.",
        "source": "Children Act 1989",
        "section": "section 47",
        "url": "https://legislation.example.org/children-act/section/47",
    }
    research = {"page": None, "document": None, "url": "https://research.example.org/"}
    body = [
        {"type": "heading", "value": "Before you visit"},
        {"type": "paragraph", "value": advice},
        {"type": "statute", "value": statute},
        {"type": "related_links", "value": {"heading": "Related links", "links": [research]}},
    ]
    return create_page(GuidancePage, "Visiting a family at home", body=body)


def video_page():
    video = {"video": "https://www.youtube.com/watch?v=Wa1ru5On1ce", "title": "A home visit"}
    document = create_document("Home visit checklist")
    body = [
        {"type": "paragraph", "value": "<p>What a good home visit looks like.</p>"},
        {"type": "video", "value": video},
        {
            "type": "related_links",
            "value": {
                "heading": "Related links",
                "links": [{"page": None, "document": document.pk, "url": "", "text": ""}],
            },
        },
    ]
    return create_page(GuidancePage, "Home visits on film", body=body)


def statement_page():
    """A page of text: headings, paragraphs and a list, as statements and notices are."""
    return create_guidance_page(
        "How we look after your information",
        paragraphs=[
            "<h2>What we keep</h2><p>Only what we need to help a child.</p>",
            "<ul><li>Your name</li><li>Your email address</li></ul>",
            '<p>Ask <a href="mailto:data@example.org">our data officer</a> about it.</p>',
        ],
    )


def procedure_links(chapter_title, documents=()):
    """Two procedure links in a new chapter, each with `documents`."""
    chapter = create_procedure_chapter(chapter_title)
    return [
        create_procedure_link(
            f"{chapter_title}, part {number}",
            chapter,
            url=f"{PROCEDURES}p_{chapter.pk}_{number}.html",
            note="Ring the duty desk before you go.",
            documents=documents,
        )
        for number in (1, 2)
    ]


def library_page():
    create_document("Home visit checklist", document_type="protocol")
    return create_page(
        LocalGuidancePage, "Home visit protocols", intro="<p>Protocols for home visits.</p>"
    )


def library_entry():
    document = create_document("Lone working protocol", document_type="protocol")
    return f"{library_page().url}{document.pk}/"


def procedures_page():
    procedure_links("Home visits", documents=[create_document("Home visits: practice notes")])
    return create_page(
        ProceduresPage,
        "Shared child protection procedures",
        intro=f'<p>Read <a href="{PROCEDURES}">the shared procedures</a> first.</p>',
        procedures_updated_on=datetime.date(2030, 2, 3),
        next_update_due=datetime.date(2030, 8, 1),
        local_guidance_page=library_page(),
    )


def contact_page():
    """A page on whom to call about a child, with the procedures on referrals."""
    links = {
        "heading": "What the procedures say",
        "links": [link.pk for link in procedure_links("Referring a family")],
    }
    return create_contact_page(
        "Worried about a child?", body=[{"type": "procedure_links", "value": links}]
    )


def continuum_page():
    levels = [
        {
            "name": "Thriving",
            "indicators": [{"domain": "child", "text": "Growing and learning as expected"}],
        },
        {
            "name": "Urgent protection",
            "colour": "red",
            "contact": "front-door",
            "indicators": [
                {"domain": "child", "text": "Says they are being hurt at home"},
                {"domain": "family", "text": "A parent is unable to keep them safe"},
            ],
        },
    ]
    return create_continuum_page(levels, "Levels of need")


def training_page():
    """The site's training page (there can be only one), with the audiences of AUDIENCES
    added."""
    page = TrainingPage.objects.get()
    for name, level in AUDIENCES:
        page.audiences.add(TrainingAudience(name=name, expected_level=level))
    return publish(page)


def audiences(training):
    return [TrainingAudience.objects.get(page=training, name=name) for name, _ in AUDIENCES]


def course_page():
    training = training_page()
    starts = timezone.now() + datetime.timedelta(days=10)
    return create_course(
        "Working across agencies",
        parent=training,
        audiences=audiences(training)[:2],
        booking_url="https://training.example.org/courses/across-agencies",
        sessions=[
            CourseSession(
                starts_at=starts + datetime.timedelta(days=day),
                ends_at=starts + datetime.timedelta(days=day, hours=3),
                venue="Quayside Centre, 4 Harbour Street, Northtown",
            )
            for day in (0, 14)
        ],
    )


def training_answer():
    training = course_page().get_parent().specific
    audience, role = audiences(training)[:2]
    return f"{training.url}?audience={audience.pk}&level=multi-agency&role={role.pk}"


def case_review_library():
    """A library with a case review, its report and its 7-minute briefing. Returns the
    library, the review, the briefing, and the review's theme and agency."""
    library = create_case_review_library("Learning from reviews")
    theme = create_learning_theme("Unseen adults")
    agency = create_agency("Harbourside health visiting")
    briefing = create_briefing(library, "Seeing the adults around a baby", themes=[theme])
    review = create_case_review(
        library,
        "Practice review: Child K",
        age_group="12-plus",
        themes=[theme],
        agencies=[agency],
        report=create_document("Practice review: Child K"),
        briefing=briefing,
    )
    return library, review, briefing, theme, agency


def filtered_case_reviews():
    library, _review, _briefing, theme, agency = case_review_library()
    return f"{library.url}?age=12-plus&theme={theme.pk}&agency={agency.pk}"


def protocol_page():
    """An HTML protocol published twice: it has versions 1 and 2."""
    document = create_document("Disagreeing with another agency", document_type="protocol")
    why = ("Why", "<p>Agencies sometimes see a child's risks differently.</p>")
    page = publish_protocol(document, [why, ("How", "<p>Talk to the worker first.</p>")])
    return publish_protocol(
        document,
        [why, ("How", "<p>Talk to the worker, then to their manager.</p>")],
        page=page,
        change_note="A second stage added.",
    )


def whats_new_page():
    create_guidance_page("Changes to home visits", change_note="Two workers on every visit.")
    return create_page(WhatsNewPage, "Latest changes")


def search_with_a_best_bet():
    document = create_document("Lone working protocol", document_type="protocol")
    create_promoted_result("lone working", document=document)
    create_guidance_page("Working alone safely", paragraphs=["<p>Lone working for staff.</p>"])
    return "/search/?q=lone+working"


def search_with_many_results():
    section = create_section("Harbourside")
    for number in range(12):
        create_guidance_page(
            f"Harbourside visits {number}",
            parent=section,
            paragraphs=["<p>Visiting families in Harbourside.</p>"],
        )
    create_document("Harbourside visits log")
    return "/search/?q=harbourside"


# What each kind of public page is, built for the test: it returns the address to visit.
PUBLIC_PAGES = {
    "home page": lambda: "/",
    "section": lambda: section_page().url,
    "guidance page": lambda: guidance_with_blocks().url,
    "guidance page with a video": lambda: video_page().url,
    "library": lambda: library_page().url,
    "procedures page": lambda: procedures_page().url,
    "continuum of support": lambda: continuum_page().url,
    "training page": lambda: training_page().url,
    "training page answering": training_answer,
    "training calendar": lambda: f"{training_page().url}calendar/",
    "course": lambda: course_page().url,
    "case review library": lambda: case_review_library()[0].url,
    "case review library filtered": filtered_case_reviews,
    "case review": lambda: case_review_library()[1].url,
    "7-minute briefing": lambda: case_review_library()[2].url,
    "whom to call": lambda: contact_page().url,
    "page of text": lambda: statement_page().url,
    "other areas": lambda: OtherAreasPage.objects.get().url,
    "what's new": lambda: whats_new_page().url,
    "what's new feed": lambda: f"{whats_new_page().url}feed/atom/",
    "library entry": library_entry,
    "protocol": lambda: protocol_page().url,
    "protocol version": lambda: protocol_page().version_url(1),
    "protocol comparison": lambda: protocol_page().comparison_url(1, 2),
    "search with a best bet": search_with_a_best_bet,
    "search with many results": search_with_many_results,
    "alerts": lambda: "/alerts/",
    "alerts check your email": lambda: "/alerts/check-your-email/",
}


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_public_page_stays_within_the_query_budget(
    client, django_capture_on_commit_callbacks, page
):
    # What publishing leaves until the transaction commits (a protocol's PDF) is done too.
    with django_capture_on_commit_callbacks(execute=True):
        url = PUBLIC_PAGES[page]()
    assert count_queries(client, url) <= QUERY_BUDGET


def test_unknown_address_stays_within_the_query_budget(client):
    assert count_queries(client, "/no-such-page/", status=404) <= QUERY_BUDGET


@pytest.mark.parametrize("page", ["home page", "section", "guidance page"])
def test_menu_and_listings_cost_the_same_with_more_pages(
    client, home, section, guidance_page, page
):
    url = {"home page": "/", "section": section.url, "guidance page": guidance_page.url}[page]
    before = count_queries(client, url)
    for number in range(8):
        home.add_child(
            instance=GuidancePage(
                title=f"Menu page {number}", search_description="In the menu.", show_in_menus=True
            )
        )
        section.add_child(
            instance=GuidancePage(title=f"Listed page {number}", search_description="Listed.")
        )
    after = count_queries(client, url)
    assert "Menu page 7" in client.get(url).content.decode()
    assert after == before


def test_procedure_links_cost_the_same_however_many_there_are(client):
    procedures = procedures_page().url
    page = contact_page()
    guidance = page.url
    before = {url: count_queries(client, url) for url in (procedures, guidance)}

    chapter = ProcedureChapter.objects.create(title="Allegations against staff and volunteers")
    documents = [create_document(f"Allegations guide {number}") for number in range(3)]
    links = []
    for number in range(25):
        link = ProcedureLink.objects.create(
            title=f"Procedure {number}",
            url=f"https://procedures.example.org/p_{number}.html",
            chapter=chapter,
        )
        link.related_documents.set(documents[: number % 4])
        link.save()
        links.append(link)
    for number in range(10):
        ConsortiumPartnership.objects.create(
            name=f"Partnership {number}", website=f"https://partnership{number}.example.org/"
        )
    page = GuidancePage.objects.get(pk=page.pk)
    page.body.append(("procedure_links", {"heading": "More procedures", "links": links}))
    page.save_revision().publish()

    after = {url: count_queries(client, url) for url in (procedures, guidance)}
    assert "Procedure 24" in client.get(guidance).content.decode()
    html = client.get(procedures).content.decode()
    assert "Procedure 24" in html and "Partnership 9" in html
    assert after == before
    assert max(after.values()) <= QUERY_BUDGET


def test_training_costs_the_same_however_many_courses_and_sessions(client):
    training = training_page()
    course_audiences = audiences(training)
    role = course_audiences[0]
    urls = [
        training.url,
        f"{training.url}?role={role.pk}",
        f"{training.url}calendar/",
    ]
    before = {url: count_queries(client, url) for url in urls}
    starts = timezone.now() + datetime.timedelta(days=3)
    for number in range(8):
        course = CoursePage(
            title=f"Course {number}",
            search_description="A course.",
            level=role.expected_level,
            length="2 hours",
            description="<p>A course.</p>",
        )
        course.audiences = course_audiences[: number % 4 + 1]
        course.sessions = [
            CourseSession(
                starts_at=starts + datetime.timedelta(days=day),
                ends_at=starts + datetime.timedelta(days=day, hours=2),
                online=True,
            )
            for day in range(3)
        ]
        training.add_child(instance=course)
        course.save_revision().publish()
    after = {url: count_queries(client, url) for url in urls}
    assert "Course 7" in client.get(f"{training.url}?role={role.pk}").content.decode()
    assert after == before
