import copy

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.models import Page

from .opening_hours import WEEKDAYS

# Rich text as editors may format it, in page bodies and site settings alike.
RICH_TEXT_FEATURES = ["bold", "italic", "h3", "h4", "ol", "ul", "link", "document-link"]


class OpeningPeriodBlock(blocks.StructBlock):
    days = blocks.MultipleChoiceBlock(choices=WEEKDAYS)
    opens = blocks.TimeBlock()
    closes = blocks.TimeBlock()

    def clean(self, value):
        value = super().clean(value)
        if value["opens"] >= value["closes"]:
            raise blocks.StructBlockValidationError(
                non_block_errors=["The closing time must be after the opening time."]
            )
        return value

    class Meta:
        icon = "time"
        description = "Days of the week and the hours the team answers on them."
        preview_value = {
            "days": ["0", "1", "2", "3", "4"],
            "opens": "08:00",
            "closes": "18:00",
        }


# What a link to a page needs: its title and what Wagtail builds its address from.
# Loading only these, not all of a page's columns, halves the cost of the query.
LINKED_PAGE_FIELDS = ("id", "title", "url_path", "live", "content_type_id", "locale_id")


class LinkedPageChooserBlock(blocks.PageChooserBlock):
    """A page chosen to link to: loaded as its own type in one query for all of them."""

    def bulk_to_python(self, values):
        # Each page as its own type, from the shared table alone (see BasePageLinkHandler).
        pages = Page.objects.specific(defer=True).in_bulk(values)
        # One object per use, as Wagtail's own chooser blocks give.
        return [copy.copy(pages[value]) if value in pages else None for value in values]


class LinkBlock(blocks.StructBlock):
    """A link to a page, a document or another website: exactly one of the three."""

    page = LinkedPageChooserBlock(required=False)
    document = DocumentChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label="Web address")
    text = blocks.CharBlock(
        max_length=200,
        required=False,
        help_text="Leave blank to use the page or document title. Must make sense on its own.",
    )

    def clean(self, value):
        value = super().clean(value)
        chosen = [name for name in ("page", "document", "url") if value[name]]
        # A row just added and not yet filled in must not stop a draft (or autosave) being
        # saved: Wagtail defers what only publishing needs.
        if not chosen and not value["text"] and self.is_deferred_validation:
            return value
        if len(chosen) != 1:
            message = (
                "Choose a page, a document or a web address for this link: only one is needed."
                if not chosen
                else "Choose only one of a page, a document or a web address for this link."
            )
            raise blocks.StructBlockValidationError(non_block_errors=ErrorList([message]))
        if value["url"] and not value["text"]:
            raise blocks.StructBlockValidationError(
                block_errors={"text": ValidationError("Give link text for a web address.")}
            )
        return value

    class Meta:
        description = "A link to a page, a document or another website."
        preview_value = {
            "url": "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2",
            "text": "Working Together to Safeguard Children on GOV.UK",
        }
        icon = "link"
        template = "blocks/link.html"
