"""What tests build their own content from: pages, protocol documents with real files,
and HTML protocols, created as staff create them, so that no test depends on the demo
content's titles, slugs or addresses (the demo site stays underneath, as the audits of
every public page read it)."""

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.text import slugify
from wagtail.models import Collection, Site

from documents.models import ProtocolDocument
from documents.sample_files import make_docx, make_pdf
from documents.uploads import safe_file_name
from learning.models import Agency, LearningTheme
from pages.models import (
    CaseReviewLibraryPage,
    CaseReviewPage,
    ContinuumOfSupportPage,
    CourseLevel,
    CoursePage,
    GuidancePage,
    HomePage,
    LocalGuidancePage,
    ProtocolPage,
    SectionPage,
    SevenMinuteBriefingPage,
    TrainingPage,
)
from procedures.models import (
    ConsortiumPartnership,
    ProcedureChapter,
    ProcedureLink,
    ProcedureUpdate,
)
from search.models import PromotedResult
from sitewide.models import PartnershipSettings


def publish(page):
    """Publish `page` as an Approver does (a revision, then its publication); returns the
    page as the database now holds it."""
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)


def create_page(page_class, title, parent=None, live=True, **fields):
    """A page of `page_class` below `parent` (the home page by default), published unless
    `live` is False (then a draft that was never published). Its summary and slug come from
    its title unless given."""
    parent = parent or HomePage.objects.get()
    fields.setdefault("search_description", f"About {title}.")
    page = parent.add_child(instance=page_class(title=title, live=live, **fields))
    if live:
        return publish(page)
    page.save_revision()
    return page_class.objects.get(pk=page.pk)


def create_section(title="Test section", parent=None, **fields):
    """A section of the site (SectionPage), below the home page unless `parent` is given."""
    return create_page(SectionPage, title, parent, **fields)


def create_guidance_page(title="Test guidance", parent=None, paragraphs=(), **fields):
    """A guidance page whose body is `paragraphs` (HTML), in a new section unless `parent`
    is given."""
    body = [{"type": "paragraph", "value": html} for html in paragraphs]
    return create_page(
        GuidancePage, title, parent or create_section(f"Section for {title}"), body=body, **fields
    )


def create_document(title="Test protocol", pages=1, tagged=True, collection=None, **fields):
    return save_document(
        title,
        ContentFile(make_pdf(title, pages, tagged), name=safe_file_name(f"{title}.pdf")),
        collection,
        page_count=pages,
        accessibility_tagged=tagged,
        **fields,
    )


def save_document(title, file, collection=None, **fields):
    """A document (ProtocolDocument) of `file`, described as an upload is, in `collection`
    (the root collection unless given)."""
    document = ProtocolDocument(
        title=title,
        collection=collection or Collection.get_first_root_node(),
        file=file,
        **fields,
    )
    document.describe_file()
    document.save()
    return document


def bulk_create_documents(count, collection=None, **fields):
    """Many documents cheaply (no files written), for query-count tests."""
    collection = collection or Collection.get_first_root_node()
    documents = [
        ProtocolDocument(
            title=f"Bulk document {number:04d}",
            collection=collection,
            file=f"documents/bulk-{number:04d}.pdf",
            file_size=1024 * (number + 1),
            **fields,
        )
        for number in range(count)
    ]
    for document in documents:
        document.review_due = document.compute_review_due()
    return ProtocolDocument.objects.bulk_create(documents)


def document_edit_data(document, **changes):
    """The admin edit form's fields for a document as it stands, with `changes`."""
    data = {
        "title": document.title,
        "collection": document.collection_id,
        "summary": document.summary,
        "document_type": document.document_type,
        "audience": document.audience,
        "dated_event": document.dated_event,
        "status": document.status,
        "review_interval_months": document.review_interval_months,
        "library_order": document.library_order,
        "change_note": "",
    }
    data.update(changes)
    return data


def replace_file(client, document, name, content, note):
    """Replace a document's file through the admin edit form, as staff do."""
    return client.post(
        reverse("wagtaildocs:edit", args=[document.pk]),
        document_edit_data(document, file=SimpleUploadedFile(name, content), change_note=note),
    )


def publish_protocol(document, sections, title=None, change_note="", footnotes=None, page=None):
    """Publish `document` as an HTML protocol in the library (or `page` again, changed):
    `sections` are (heading, body HTML), as an Approver publishes them. Returns the page."""
    if page is None:
        library = LocalGuidancePage.objects.order_by("path").first()
        page = library.add_child(
            instance=ProtocolPage(
                title=title or document.title,
                search_description=f"How to use the {document.title}.",
                document=document,
                sections=[],
            )
        )
        page = ProtocolPage.objects.get(pk=page.pk)
    elif title:
        page.title = title
    existing = {block.value["heading"]: block.id for block in page.sections}
    # Raw stream data: a section keeps its block id through edits, as in the editor.
    page.sections = [
        {
            "type": "section",
            "value": {"heading": heading, "body": body},
            "id": existing.get(heading) or str(uuid.uuid4()),
        }
        for heading, body in sections
    ]
    if footnotes is not None:
        page.footnotes = [{"type": "footnote", "value": text} for text in footnotes]
    page.change_note = change_note
    return publish(page)


def create_procedure_chapter(title="Test chapter", **fields):
    """A chapter of the shared procedures manual (ProcedureChapter), published as an
    Approver publishes it. It has no position of its own, so it is listed after the
    chapters editors have ordered."""
    return publish(ProcedureChapter.objects.create(title=title, **fields))


def create_procedure_link(title="Test procedure link", chapter=None, documents=(), **fields):
    """A published link into the shared procedures manual (ProcedureLink), in `chapter` (a
    new one unless given), with `documents` as its related local documents. Its address
    comes from its title unless given."""
    fields.setdefault("url", f"https://procedures.example.org/{slugify(title)}.html")
    link = ProcedureLink(
        title=title, chapter=chapter or create_procedure_chapter(f"Chapter of {title}"), **fields
    )
    link.related_documents = list(documents)
    link.save()
    return publish(link)


def create_consortium_partnership(name="Test partnership", **fields):
    """A published partnership of the procedures consortium (ConsortiumPartnership). Its
    website comes from its name unless given."""
    fields.setdefault("website", f"https://{slugify(name)}.example.org/")
    return publish(ConsortiumPartnership.objects.create(name=name, **fields))


def create_promoted_result(terms, page=None, document=None, description=""):
    """A published "best bet" (PromotedResult): `page` or `document` shown first to
    searches for any of `terms` (comma-separated)."""
    return publish(
        PromotedResult.objects.create(
            terms=terms, page=page, document=document, description=description
        )
    )


def create_procedure_update(published_on, chapters=(), summary="Test update."):
    """A recorded update of the shared procedures (ProcedureUpdate) on `published_on`, which
    amended `chapters`."""
    update = ProcedureUpdate.objects.create(published_on=published_on, summary=summary)
    update.chapters.set(chapters)
    return update


def create_learning_theme(name="Test theme"):
    """A published theme of case reviews (LearningTheme), which readers filter them by."""
    return publish(LearningTheme.objects.create(name=name))


def create_agency(name="Test agency"):
    """A published agency (Agency) that takes part in case reviews and uses briefings."""
    return publish(Agency.objects.create(name=name))


def create_case_review_library(title="Case reviews", parent=None, **fields):
    """A published library of case reviews and 7-minute briefings (CaseReviewLibraryPage),
    below the home page unless `parent` is given."""
    return create_page(CaseReviewLibraryPage, title, parent, **fields)


def create_briefing(library, title="Test briefing", live=True, **fields):
    """A 7-minute briefing (SevenMinuteBriefingPage) in the case review `library`, published
    unless `live` is False; each of its seven parts is a sentence naming it unless given."""
    for part in SevenMinuteBriefingPage.PARTS:
        fields.setdefault(part, f"<p>The {part.replace('_', ' ')} part.</p>")
    return create_page(SevenMinuteBriefingPage, title, library, live=live, **fields)


def create_case_review(library, title="Test review", live=True, **fields):
    """A case review (CaseReviewPage) in `library`, published unless `live` is False: a
    Child Safeguarding Practice Review of a child under 5, published on 1 March 2026,
    unless given. `themes` and `agencies` are lists of LearningTheme and Agency."""
    fields.setdefault("review_type", "cspr")
    fields.setdefault("published_on", datetime.date(2026, 3, 1))
    fields.setdefault("age_group", "under-5")
    fields.setdefault("summary", "<p>What happened and what we learned.</p>")
    return create_page(CaseReviewPage, title, library, live=live, **fields)


def set_partnership_settings(**fields):
    """The default site's partnership settings (PartnershipSettings: its name, its contact
    teams and their hours) with `fields` changed, saved as staff save them in Settings."""
    partnership = PartnershipSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(partnership, name, value)
    partnership.save()
    return partnership


def create_continuum_page(levels, title="Test continuum of support", parent=None, **fields):
    """A published Continuum of Support guide (ContinuumOfSupportPage) with `levels`, lowest
    first: each a dict of a level's name, its indicators (dicts of text, domain and, if
    they apply at some ages only, age_groups) and, unless the defaults do, its colour,
    contact ("daytime-team" or "front-door"), description and what to do."""
    raw = [
        {
            "type": "level",
            "value": {
                "colour": "green",
                "contact": "daytime-team",
                "description": f"<p>What {level['name']} means.</p>",
                "what_to_do": f"<p>What to do at {level['name']}.</p>",
                **level,
            },
        }
        for level in levels
    ]
    # Through the blocks, not as raw data: each indicator then gets the identifier the
    # guide's addresses use, kept from revision to revision.
    stream_block = ContinuumOfSupportPage._meta.get_field("levels").stream_block
    blocks = [(block.block_type, block.value) for block in stream_block.to_python(raw)]
    return create_page(ContinuumOfSupportPage, title, parent, levels=blocks, **fields)


def create_course(title="Test course", sessions=(), parent=None, **fields):
    """A published course (CoursePage) on the site's one training page (or `parent`) with
    `sessions`, unsaved CourseSession objects: a half-day multi-agency course unless given.
    `audiences` are TrainingAudience objects of the training page."""
    fields.setdefault("level", CourseLevel.MULTI_AGENCY)
    fields.setdefault("length", "Half a day (3 hours)")
    fields.setdefault("description", f"<p>What {title} covers.</p>")
    return create_page(
        CoursePage, title, parent or TrainingPage.objects.get(), sessions=list(sessions), **fields
    )


def create_contact_page(title="Whom to call", parent=None, heading="Contact the team", body=()):
    """A published guidance page on whom to call about a child: the partnership's contact
    panel from Settings (a concerned_contact block) headed `heading`, then the raw blocks
    `body`; below the home page unless `parent` is given."""
    contact = {"type": "concerned_contact", "value": {"heading": heading}}
    return create_page(GuidancePage, title, parent, body=[contact, *body])


def opening_period(days, opens, closes):
    """One opening period, as the partnership's and the consortium partnerships' opening
    periods hold it (raw block data): `days` numbered from Monday as 0, `opens` and
    `closes` as "HH:MM"."""
    return {
        "type": "period",
        "value": {
            "days": [str(day) for day in days],
            "opens": f"{opens}:00",
            "closes": f"{closes}:00",
        },
    }


def create_word_document(title="Test form", collection=None, **fields):
    """A document (ProtocolDocument) whose file is a real Word document (.docx), which has
    no page count."""
    return save_document(
        title,
        ContentFile(make_docx(title), name=safe_file_name(f"{title}.docx")),
        collection,
        **fields,
    )
