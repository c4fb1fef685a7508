"""Builds the demo partnership site from fixtures/demo_site.json.

Newcomers get it from `make run`; it is also what the browser and accessibility tests
browse. It only ever adds what is missing, so running it again changes nothing and an
editor's later changes to a demo page are kept.
"""

import datetime
import json
import re
import uuid

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from documents.models import ProtocolDocument, ProtocolVersion
from documents.sample_files import make_docx, make_pdf
from documents.uploads import check_contents, safe_file_name
from learning.models import Agency, LearningTheme
from pages.models import (
    CaseReviewLibraryPage,
    CaseReviewPage,
    ContinuumOfSupportPage,
    CoursePage,
    CourseSession,
    FeaturedSection,
    GuidancePage,
    HomePage,
    LocalGuidancePage,
    OtherAreasPage,
    ProceduresPage,
    ProtocolPage,
    SectionPage,
    SevenMinuteBriefingPage,
    TrainingAudience,
    TrainingPage,
    WhatsNewPage,
)
from procedures.models import (
    ConsortiumPartnership,
    ProcedureChapter,
    ProcedureLink,
    ProcedureUpdate,
)
from sitewide.models import PartnershipSettings

FIXTURE = settings.BASE_DIR / "fixtures" / "demo_site.json"
PAGE_TYPES = {
    "SectionPage": SectionPage,
    "GuidancePage": GuidancePage,
    "LocalGuidancePage": LocalGuidancePage,
    "ProceduresPage": ProceduresPage,
    "WhatsNewPage": WhatsNewPage,
    "OtherAreasPage": OtherAreasPage,
    "ContinuumOfSupportPage": ContinuumOfSupportPage,
    "TrainingPage": TrainingPage,
    "CoursePage": CoursePage,
    "CaseReviewLibraryPage": CaseReviewLibraryPage,
    "CaseReviewPage": CaseReviewPage,
    "SevenMinuteBriefingPage": SevenMinuteBriefingPage,
}
PAGE_REFERENCE = re.compile(r"^page:(.*)$")
PROCEDURE_LINK_REFERENCE = re.compile(r"^procedure-link:(.*)$")
RICH_TEXT_PAGE_LINK = re.compile(r'<a href="page:([^"]*)">')


class Command(BaseCommand):
    help = "Load the demo partnership site (pages and settings). Safe to run repeatedly."

    def handle(self, *args, **options):
        content = json.loads(FIXTURE.read_text(encoding="utf-8"))
        with transaction.atomic():
            self.home = self.ensure_home(content["home"])
            # Procedure links name documents, and pages choose procedure links.
            documents_added = self.ensure_documents(content["documents"])
            self.ensure_procedures(content["procedures"])
            self.ensure_learning(content["learning"])
            created = self.ensure_pages(content["pages"])
            self.ensure_review_dates(content["pages"], created)
            protocols = self.ensure_protocol_pages(content["protocol_pages"])
            if created:
                self.feature_sections(content["home"]["featured"])
            self.ensure_settings(content["partnership"])
            self.ensure_promoted_results(content["promoted_results"])
        if created or documents_added or protocols:
            call_command("update_index", verbosity=0)
        self.stdout.write(
            f"Demo content ready: {len(created) + len(protocols)} page(s) and "
            f"{documents_added} document(s) added."
        )

    def ensure_home(self, home_content):
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site and isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific

        root = Page.get_first_root_node()
        # Wagtail's first migration leaves a bare "Welcome" page as the site root.
        for welcome in root.get_children().filter(slug="home"):
            if welcome.specific_class is Page and not welcome.get_children().exists():
                welcome.delete()
        home = root.add_child(
            instance=HomePage(title=home_content["title"], slug="home", intro=home_content["intro"])
        )
        home.save_revision().publish()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        site.root_page = home
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        return home

    def ensure_pages(self, page_contents):
        """Create missing pages in two passes, so that pages can link to each other."""
        created = []
        for page_content in page_contents:
            parent_path, _, slug = page_content["path"].rpartition("/")
            parent = self.page_at(parent_path)
            if parent.get_children().filter(slug=slug).exists():
                continue
            model = PAGE_TYPES[page_content["type"]]
            page = model(
                title=page_content["title"],
                slug=slug,
                search_description=page_content["summary"],
                show_in_menus=page_content["show_in_menus"],
            )
            if model is CoursePage:
                # Required, so needed before the page is first saved.
                for field in ("level", "length", "description", "booking_url"):
                    setattr(page, field, page_content[field])
            # Required fields, and the briefings that reviews link, which come first.
            self.set_case_review_fields(page, page_content)
            parent.add_child(instance=page)
            created.append((page, page_content))

        for page, page_content in created:
            # Re-read: adding children changed numchild and path data on the stored row.
            page = type(page).objects.get(pk=page.pk)
            if "intro" in page_content:
                page.intro = self.resolve(page_content["intro"])
            if "grouping" in page_content:
                page.grouping = page_content["grouping"]
            if "body" in page_content:
                page.body = self.resolve(page_content["body"])
            if "levels" in page_content:
                # Through the blocks, not as raw data: each indicator then gets the
                # identifier the guide's addresses use, kept from revision to revision.
                page.levels = [
                    (level.block_type, level.value)
                    for level in page.levels.stream_block.to_python(page_content["levels"])
                ]
            for date_field in ("procedures_updated_on", "next_update_due"):
                if date_field in page_content:
                    setattr(page, date_field, datetime.date.fromisoformat(page_content[date_field]))
            if "local_guidance_page" in page_content:
                page.local_guidance_page_id = self.resolve(page_content["local_guidance_page"])
            if page_content["type"] == "TrainingPage":
                page.booking_system = page_content["booking_system"]
                page.audiences = [
                    TrainingAudience(**values) for values in page_content["audiences"]
                ]
            if page_content["type"] == "CoursePage":
                set_course(page, page_content)
            set_review_dates(page, page_content["review"])
            page.save_revision().publish()
        return created

    def ensure_protocol_pages(self, protocol_contents):
        """Publish the seed documents that are HTML protocols, one publication per version
        (so the comparison can be tried at once), each dated as in the seed. Returns the
        pages added."""
        created = []
        for content in protocol_contents:
            document = ProtocolDocument.objects.get(title=content["document"])
            if ProtocolPage.objects.filter(document=document).exists():
                continue
            library = self.page_at(content["library"].strip("/"))
            first = content["versions"][0]
            page = library.add_child(
                instance=ProtocolPage(
                    title=first["title"],
                    slug=content["slug"],
                    search_description=first["summary"],
                    document=document,
                )
            )
            for version in content["versions"]:
                page = ProtocolPage.objects.get(pk=page.pk)
                page.title = version["title"]
                page.search_description = version["summary"]
                # A section keeps its block id from version to version, as in the editor,
                # so the comparison matches it: the seed names each section by a key.
                page.sections = [
                    {
                        "type": "section",
                        "value": {"heading": section["heading"], "body": section["body"]},
                        "id": str(
                            uuid.uuid5(uuid.NAMESPACE_URL, f"{content['slug']}/{section['key']}")
                        ),
                    }
                    for section in version["sections"]
                ]
                page.footnotes = [
                    {"type": "footnote", "value": text} for text in version["footnotes"]
                ]
                page.change_note = version["change_note"]
                page.save_revision().publish()
                published_at = timezone.make_aware(
                    datetime.datetime.fromisoformat(version["published_on"])
                )
                ProtocolVersion.objects.filter(
                    pk=document.versions.order_by("-number").values("pk")[:1]
                ).update(published_at=published_at)
            created.append(page)
        return created

    def set_case_review_fields(self, page, page_content):
        """The fields of case reviews and 7-minute briefings, whose themes, agencies and
        reports the fixture names."""
        for part in SevenMinuteBriefingPage.PARTS:
            if part in page_content:
                setattr(page, part, self.resolve(page_content[part]))
        for field in ("review_type", "age_group"):
            if field in page_content:
                setattr(page, field, page_content[field])
        if "published_on" in page_content:
            page.published_on = datetime.date.fromisoformat(page_content["published_on"])
        if "review_summary" in page_content:
            page.summary = self.resolve(page_content["review_summary"])
        if "report" in page_content:
            page.report = ProtocolDocument.objects.get(title=page_content["report"])
        if "briefing" in page_content:
            page.briefing_id = self.resolve(page_content["briefing"])
        if "themes" in page_content:
            page.themes = LearningTheme.objects.filter(name__in=page_content["themes"])
        if "agencies" in page_content:
            page.agencies = Agency.objects.filter(name__in=page_content["agencies"])

    def ensure_learning(self, learning):
        """The themes and agencies case reviews are filtered by, published as an Approver
        would."""
        for model, names in ((LearningTheme, learning["themes"]), (Agency, learning["agencies"])):
            for name in names:
                model.objects.get_or_create(name=name)

    def ensure_review_dates(self, page_contents, created):
        """Give demo pages made before pages had review dates their dates and owners. A page
        with any of its own, or with unpublished changes an editor is working on, is left
        alone."""
        created_ids = {page.pk for page, _ in created}
        for page_content in page_contents:
            page = self.page_at(page_content["path"]).specific
            if page.pk in created_ids or page.has_unpublished_changes:
                continue
            if page.last_reviewed_on or page.owner_team or page.owner_name or page.owner_email:
                continue
            set_review_dates(page, page_content["review"])
            # Published as a revision, so that the next edit starts from these values.
            page.save_revision().publish()

    def feature_sections(self, featured):
        self.home.featured_sections.all().delete()
        for order, item in enumerate(featured):
            FeaturedSection.objects.create(
                home_page=self.home,
                page=self.page_at(PAGE_REFERENCE.match(item["page"]).group(1)),
                description=item["description"],
                sort_order=order,
            )

    def ensure_settings(self, values):
        partnership = PartnershipSettings.for_site(self.home.get_site())
        if partnership.partnership_name:
            # Sites made before the privacy notice existed get the demo's.
            if partnership.privacy_notice_id is None and "privacy_notice" in values:
                partnership.privacy_notice_id = self.resolve(values["privacy_notice"])
                partnership.save(update_fields=["privacy_notice"])
            return
        for field, value in self.resolve(values).items():
            if field in ("accessibility_statement", "privacy_notice"):
                setattr(partnership, f"{field}_id", value)
            else:
                setattr(partnership, field, value)
        partnership.save()

    def ensure_documents(self, document_contents):
        """Add the seed documents that are missing, each with a small real file."""
        added = 0
        by_title = {document.title: document for document in ProtocolDocument.objects.all()}
        for values in document_contents:
            if values["title"] in by_title:
                continue
            values = dict(values)
            file_spec = values.pop("file")
            superseded_by = values.pop("superseded_by", None)
            document = ProtocolDocument(
                **{
                    name: ProtocolDocument._meta.get_field(name).to_python(value)
                    for name, value in values.items()
                }
            )
            if superseded_by:
                document.superseded_by = by_title[superseded_by]
            if file_spec["format"] == "pdf":
                content = make_pdf(values["title"], file_spec["pages"], file_spec["tagged"])
            else:
                content = make_docx(values["title"], [values["summary"]])
            name = safe_file_name(f"{values['title']}.{file_spec['format']}")
            upload = ContentFile(content, name=name)
            facts = check_contents(upload)
            if facts:
                document.page_count = facts.page_count
                document.accessibility_tagged = facts.accessibility_tagged
            document.file = upload
            document.describe_file()
            document.save()
            by_title[document.title] = document
            added += 1
        return added

    def ensure_procedures(self, procedures):
        """Add the consortium's partnerships, the chapters and links into the shared
        procedures, and the recorded updates that are missing, found by name, title or date."""
        someone_is_this_partnership = ConsortiumPartnership.objects.filter(
            is_this_partnership=True
        ).exists()
        for order, values in enumerate(procedures["partnerships"]):
            partnership, _ = ConsortiumPartnership.objects.get_or_create(
                name=values["name"],
                defaults={
                    "website": values["website"],
                    "is_this_partnership": values.get("is_this_partnership", False)
                    and not someone_is_this_partnership,
                    "sort_order": order,
                },
            )
            # Placeholders, given only to a partnership with no front door of its own yet.
            front_door = values["front_door"]
            if not any(getattr(partnership, field) for field in front_door):
                for field, value in front_door.items():
                    setattr(partnership, field, value)
                partnership.save()

        documents = {document.title: document for document in ProtocolDocument.objects.all()}
        link_order = 0
        for chapter_order, chapter_values in enumerate(procedures["chapters"]):
            chapter, _ = ProcedureChapter.objects.get_or_create(
                title=chapter_values["title"], defaults={"sort_order": chapter_order}
            )
            for values in chapter_values["links"]:
                link, created = ProcedureLink.objects.get_or_create(
                    chapter=chapter,
                    title=values["title"],
                    defaults={
                        "url": values["url"],
                        "note": values["note"],
                        "sort_order": link_order,
                    },
                )
                if created:
                    # A parental relation: stored when the link is saved.
                    link.related_documents.set(documents[title] for title in values["documents"])
                    link.save()
                link_order += 1

        for values in procedures["updates"]:
            update, created = ProcedureUpdate.objects.get_or_create(
                published_on=datetime.date.fromisoformat(values["published_on"]),
                defaults={"summary": values["summary"]},
            )
            if created:
                update.chapters.set(ProcedureChapter.objects.filter(title__in=values["chapters"]))

    def ensure_promoted_results(self, promotions):
        # The search app depends on pages, not the reverse.
        PromotedResult = apps.get_model("site_search", "PromotedResult")
        if PromotedResult.objects.exists():
            return
        for values in self.resolve(promotions):
            PromotedResult.objects.create(
                terms=values["terms"],
                page_id=values.get("page"),
                document=ProtocolDocument.objects.filter(title=values.get("document")).first(),
                description=values["description"],
            )

    def page_at(self, path):
        """The page at a path below the home page ('' is the home page itself)."""
        url_path = f"{self.home.url_path}{path}/" if path else self.home.url_path
        return Page.objects.get(url_path=url_path)

    def resolve(self, value):
        """Replace 'page:<path>' references with page ids, and rich-text links to them, and
        'procedure-link:<title>' references with procedure link ids."""
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, str):
            if match := PAGE_REFERENCE.match(value):
                return self.page_at(match.group(1)).pk
            if match := PROCEDURE_LINK_REFERENCE.match(value):
                return ProcedureLink.objects.get(title=match.group(1)).pk
            return RICH_TEXT_PAGE_LINK.sub(
                lambda link: f'<a linktype="page" id="{self.page_at(link.group(1)).pk}">', value
            )
        return value


def set_review_dates(page, review):
    page.last_reviewed_on = datetime.date.fromisoformat(review["last_reviewed_on"])
    page.review_interval_months = review["review_interval_months"]
    for field in ("owner_team", "owner_name", "owner_email"):
        setattr(page, field, review[field])


def set_course(page, values):
    """A demo course, its audiences chosen by name from the training page above it, and
    its sessions dated from today so that they are still to come when the demo is new."""
    page.audiences = list(TrainingAudience.objects.filter(name__in=values["audiences"]))
    today = timezone.localdate()
    page.sessions = [
        CourseSession(
            starts_at=local_time(
                today + datetime.timedelta(days=session["in_days"]), session["starts"]
            ),
            ends_at=local_time(
                today + datetime.timedelta(days=session["in_days"]), session["ends"]
            ),
            venue=session["venue"],
            online=session["online"],
            capacity=session["capacity"],
        )
        for session in values["sessions"]
    ]


def local_time(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.fromisoformat(time)))
