"""StreamField blocks for the partnership's pages.

Every block renders with its own template in templates/blocks/ so that editors
and practitioners see the same thing in preview and on the public site.
"""

import copy
from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from wagtail import blocks
from wagtail.admin.compare import BlockComparison, diff_text
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageBlock
from wagtail.models import Page
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "h3", "h4", "ol", "ul", "link", "document-link"]


def text_by_line(html):
    """The text of rich text, each paragraph, heading and list item on a line of its own."""
    return BeautifulSoup(str(html), "html.parser").get_text("\n").strip()


class RichTextComparison(BlockComparison):
    # Wagtail's own comparison joins the text of neighbouring list items and paragraphs
    # ("childrenstaff work"): compare them line by line.
    def htmlvalue(self, val):
        return linebreaksbr(text_by_line(self.block.render_basic(val)), autoescape=True)

    def htmldiff(self):
        diff = diff_text(
            text_by_line(self.block.render_basic(self.val_a)),
            text_by_line(self.block.render_basic(self.val_b)),
        )
        # The diff's HTML escapes the text; only its line ends are turned into breaks.
        return mark_safe(diff.to_html().replace("\n", "<br>"))


class ParagraphBlock(blocks.RichTextBlock):
    """Rich text whose changes Approvers compare line by line."""

    def get_comparison_class(self):
        return RichTextComparison


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Heading"), ("h3", "Subheading")],
        default="h2",
        help_text="Use headings in order: a subheading belongs under a heading.",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = slugify(value["text"])
        return context

    class Meta:
        icon = "title"
        template = "blocks/heading.html"


class CalloutBlock(blocks.StructBlock):
    tone = blocks.ChoiceBlock(
        choices=[("information", "Information"), ("warning", "Warning")],
        default="information",
    )
    heading = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"
        help_text = "A boxed panel that stands out from the text, e.g. 'If a child is in danger'."


class ConcernedContactBlock(blocks.StructBlock):
    """The partnership's own "concerned about a child" contact, from the site settings."""

    heading = blocks.CharBlock(max_length=120, default="Concerned about a child?")

    class Meta:
        icon = "user"
        template = "blocks/concerned_contact.html"
        help_text = "Shows the contact details, opening hours and out-of-hours route from Settings."


class ContactBlock(blocks.StructBlock):
    """Any other team's contact details, typed in on the page."""

    name = blocks.CharBlock(max_length=120, help_text="The team or service, e.g. 'LADO'.")
    phone = blocks.CharBlock(max_length=40, required=False)
    email = blocks.EmailBlock(required=False)
    hours = blocks.CharBlock(
        max_length=200, required=False, help_text="e.g. 'Monday to Friday, 9am to 5pm'."
    )
    note = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    class Meta:
        icon = "mail"
        template = "blocks/contact.html"


YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com"}
# YouTube's privacy-enhanced mode: its player stores nothing about the visitor until the
# video plays.
PRIVACY_ENHANCED_YOUTUBE_HOST = "www.youtube-nocookie.com"


class VideoBlock(blocks.StructBlock):
    """A video with a plain link beside it, which is all that shows when the player
    cannot be fetched (offline, or the provider is down) or JavaScript is off.

    Nothing is loaded from the video's provider until the visitor chooses to play it:
    the page offers a button that says where the video comes from, and the player's
    frame is only added when it is pressed (static/js/video.js)."""

    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(
        max_length=200, help_text="Said to people who cannot see the video player."
    )
    description = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, required=False)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        if value["video"]:
            host = urlsplit(value["video"].url).hostname or ""
            context["video_host"] = host.removeprefix("www.")
            context["player"] = self.player(value["video"].url)
        return context

    def player(self, video_url):
        """The address of the provider's player and the provider's name, or None when the
        provider cannot be reached or offers no player frame.

        Only the address of the frame is taken from the provider's embed code: its own
        markup (inline styles, sometimes scripts) never reaches the page."""
        try:
            embed = embeds.get_embed(video_url)
        except EmbedException:
            return None
        frame = BeautifulSoup(embed.html, "html.parser").find("iframe", src=True)
        if frame is None:
            return None
        src = urlsplit(frame["src"], scheme="https")
        if src.scheme != "https":
            return None
        if src.hostname in YOUTUBE_HOSTS:
            src = src._replace(netloc=PRIVACY_ENHANCED_YOUTUBE_HOST)
        provider = embed.provider_name or urlsplit(video_url).hostname
        return {"url": urlunsplit(src), "provider": provider}

    class Meta:
        icon = "media"
        template = "blocks/video.html"


class FigureBlock(blocks.StructBlock):
    """A picture with its alternative text and an optional caption, served as resized
    renditions so a phone downloads a small file."""

    image = ImageBlock()
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        icon = "image"
        template = "blocks/figure.html"


# What a link to a page needs: its title and what Wagtail builds its address from.
# Loading only these, not all of a page's columns, halves the cost of the query.
LINKED_PAGE_FIELDS = ("id", "title", "url_path", "live", "content_type_id", "locale_id")


class LinkedPageChooserBlock(blocks.PageChooserBlock):
    """A page chosen to link to: loaded with only what a link shows."""

    def bulk_to_python(self, values):
        pages = Page.objects.only(*LINKED_PAGE_FIELDS).in_bulk(values)
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
        icon = "link"
        template = "blocks/link.html"


class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Related links")
    links = blocks.ListBlock(LinkBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "blocks/related_links.html"


class StatuteBlock(blocks.StructBlock):
    """A quotation from legislation or statutory guidance, with its reference."""

    quotation = blocks.TextBlock()
    source = blocks.CharBlock(max_length=200, help_text="e.g. 'Children Act 1989'.")
    section = blocks.CharBlock(max_length=120, required=False, help_text="e.g. 'section 47'.")
    url = blocks.URLBlock(required=False, help_text="e.g. the section on legislation.gov.uk.")

    class Meta:
        icon = "openquote"
        template = "blocks/statute.html"


class ProcedureLinksBlock(blocks.StructBlock):
    """Links into the Southwest Child Protection Procedures, chosen from the procedure links
    kept in the admin under Procedures: when the manual moves a chapter, one link is
    corrected rather than every page, and the page is flagged for checking when a chapter it
    links to is amended."""

    heading = blocks.CharBlock(max_length=120, default="Southwest Child Protection Procedures")
    links = blocks.ListBlock(SnippetChooserBlock("procedures.ProcedureLink"), min_num=1)

    class Meta:
        icon = "link-external"
        template = "blocks/procedure_links.html"


class GuidanceBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock(features=RICH_TEXT_FEATURES, template="blocks/paragraph.html")
    callout = CalloutBlock()
    concerned_contact = ConcernedContactBlock()
    contact = ContactBlock()
    figure = FigureBlock()
    video = VideoBlock()
    related_links = RelatedLinksBlock()
    procedure_links = ProcedureLinksBlock()
    statute = StatuteBlock()
