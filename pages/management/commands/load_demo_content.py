"""Builds the demo partnership site from fixtures/demo_site.json.

Newcomers get it from `make run`; it is also what the browser and accessibility tests
browse. It only ever adds what is missing, so running it again changes nothing and an
editor's later changes to a demo page are kept.
"""

import json
import re

from django.conf import settings
from django.core.management import BaseCommand, call_command
from django.db import transaction
from wagtail.models import Page, Site

from pages.models import FeaturedSection, GuidancePage, HomePage, SectionPage
from sitewide.models import PartnershipSettings

FIXTURE = settings.BASE_DIR / "fixtures" / "demo_site.json"
PAGE_TYPES = {"SectionPage": SectionPage, "GuidancePage": GuidancePage}
PAGE_REFERENCE = re.compile(r"^page:(.*)$")
RICH_TEXT_PAGE_LINK = re.compile(r'<a href="page:([^"]*)">')


class Command(BaseCommand):
    help = "Load the demo partnership site (pages and settings). Safe to run repeatedly."

    def handle(self, *args, **options):
        content = json.loads(FIXTURE.read_text(encoding="utf-8"))
        with transaction.atomic():
            self.home = self.ensure_home(content["home"])
            created = self.ensure_pages(content["pages"])
            if created:
                self.feature_sections(content["home"]["featured"])
            self.ensure_settings(content["partnership"])
        if created:
            call_command("update_index", verbosity=0)
        self.stdout.write(f"Demo content ready: {len(created)} page(s) added.")

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
            parent.add_child(instance=page)
            created.append((page, page_content))

        for page, page_content in created:
            # Re-read: adding children changed numchild and path data on the stored row.
            page = type(page).objects.get(pk=page.pk)
            if "intro" in page_content:
                page.intro = self.resolve(page_content["intro"])
            if "body" in page_content:
                page.body = self.resolve(page_content["body"])
            page.save_revision().publish()
        return created

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
            return
        for field, value in self.resolve(values).items():
            if field == "accessibility_statement":
                partnership.accessibility_statement_id = value
            else:
                setattr(partnership, field, value)
        partnership.save()

    def page_at(self, path):
        """The page at a path below the home page ('' is the home page itself)."""
        url_path = f"{self.home.url_path}{path}/" if path else self.home.url_path
        return Page.objects.get(url_path=url_path)

    def resolve(self, value):
        """Replace 'page:<path>' references with page ids, and rich-text links to them."""
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, str):
            if match := PAGE_REFERENCE.match(value):
                return self.page_at(match.group(1)).pk
            return RICH_TEXT_PAGE_LINK.sub(
                lambda link: f'<a linktype="page" id="{self.page_at(link.group(1)).pk}">', value
            )
        return value
