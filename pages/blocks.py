"""StreamField blocks for the partnership's pages.

Every block renders with its own template in templates/blocks/ so that editors
and practitioners see the same thing in preview and on the public site.
"""

from urllib.parse import urlsplit, urlunsplit

from bs4 import BeautifulSoup
from django import forms
from django.apps import apps
from django.db import models
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from wagtail import blocks
from wagtail.admin.compare import BlockComparison, diff_text
from wagtail.embeds import embeds
from wagtail.embeds.blocks import EmbedBlock
from wagtail.embeds.exceptions import EmbedException
from wagtail.images import get_image_model
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from sitewide.blocks import (
    RICH_TEXT_FEATURES,
    LinkBlock,
    LinkedPageChooserBlock,  # noqa: F401 (earlier migrations name it here)
)


# Previews in the block picker show what the site holds, where a block needs a chosen object.
def figure_preview():
    return {
        "image": get_image_model().objects.order_by("pk").first(),
        "caption": "The four levels of the Continuum of Support",
    }


def procedure_links_preview():
    links = apps.get_model("procedures", "ProcedureLink").objects.order_by("pk")[:3]
    return {"heading": "Southwest Child Protection Procedures", "links": list(links)}


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
        return mark_safe(diff.to_html().replace("\n", "<br>"))  # noqa: S308


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
        description = "A heading that starts a part of the page and appears in its contents."
        preview_value = {"text": "What to do if you are worried", "level": "h2"}
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
        description = "A boxed panel that stands out from the text, for what must not be missed."
        preview_value = {
            "tone": "warning",
            "heading": "If a child is in immediate danger",
            "text": "<p>Call the police on 999. Do not wait to speak to anyone else first.</p>",
        }
        icon = "warning"
        template = "blocks/callout.html"
        help_text = "A boxed panel that stands out from the text, e.g. 'If a child is in danger'."


class ConcernedContactBlock(blocks.StructBlock):
    """The partnership's own "concerned about a child" contact, from the site settings."""

    heading = blocks.CharBlock(max_length=120, default="Concerned about a child?")

    class Meta:
        description = (
            "The partnership's 'concerned about a child' contact with its opening hours and "
            "out-of-hours route, as kept in Settings."
        )
        preview_value = {"heading": "Concerned about a child?"}
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
        description = "Another team's contact details: phone, email and opening hours."
        preview_value = {
            "name": "Local Authority Designated Officer (LADO)",
            "phone": "01632 960123",
            "email": "lado@example.org",
            "hours": "Monday to Friday, 9am to 5pm",
        }
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
        description = (
            "A video that loads nothing from its provider until the visitor presses Play, "
            "with a plain link for everyone else."
        )
        preview_value = {
            "video": "https://www.youtube.com/watch?v=o9Vn3JwN3CE",
            "title": "Working Together to Safeguard Children explained",
        }
        icon = "media"
        template = "blocks/video.html"


class FigureBlock(blocks.StructBlock):
    """A picture with its alternative text and an optional caption, served as resized
    renditions so a phone downloads a small file."""

    image = ImageBlock()
    caption = blocks.CharBlock(max_length=250, required=False)

    class Meta:
        description = "A picture with its alternative text and an optional caption."
        preview_value = staticmethod(figure_preview)
        icon = "image"
        template = "blocks/figure.html"


class RelatedLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, default="Related links")
    links = blocks.ListBlock(LinkBlock(), min_num=1)

    class Meta:
        description = "A short list of links to related pages, documents or websites."
        preview_value = {
            "heading": "Related links",
            "links": [
                {
                    "url": "https://www.gov.uk/report-child-abuse",
                    "text": "Report child abuse on GOV.UK",
                },
                {
                    "url": "https://www.nspcc.org.uk/",
                    "text": "NSPCC: advice for professionals",
                },
            ],
        }
        icon = "list-ul"
        template = "blocks/related_links.html"


class StatuteBlock(blocks.StructBlock):
    """A quotation from legislation or statutory guidance, with its reference."""

    quotation = blocks.TextBlock()
    source = blocks.CharBlock(max_length=200, help_text="e.g. 'Children Act 1989'.")
    section = blocks.CharBlock(max_length=120, required=False, help_text="e.g. 'section 47'.")
    url = blocks.URLBlock(required=False, help_text="e.g. the section on legislation.gov.uk.")

    class Meta:
        description = "A quotation from legislation or statutory guidance, with its reference."
        preview_value = {
            "quotation": (
                "Where a local authority have reasonable cause to suspect that a child is "
                "suffering, or is likely to suffer, significant harm, the authority shall make "
                "such enquiries as they consider necessary."
            ),
            "source": "Children Act 1989",
            "section": "section 47",
        }
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
        description = (
            "Links into the Southwest Child Protection Procedures, chosen from the procedure "
            "links kept under Procedures."
        )
        preview_value = staticmethod(procedure_links_preview)
        icon = "link-external"
        template = "blocks/procedure_links.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # A link the page chose may since have been unpublished; a new link may still be
        # awaiting approval. Neither is shown.
        context["live_links"] = [link for link in value["links"] if link and link.live]
        return context


class GuidanceBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = ParagraphBlock(
        features=RICH_TEXT_FEATURES,
        template="blocks/paragraph.html",
        description="Text with links, lists and emphasis.",
        preview_value=(
            "<p>Everyone who works with children has a part to play in keeping them safe. "
            "If you are worried about a child, <b>do not wait</b>: talk to someone today.</p>"
        ),
    )
    callout = CalloutBlock()
    concerned_contact = ConcernedContactBlock()
    contact = ContactBlock()
    figure = FigureBlock()
    video = VideoBlock()
    related_links = RelatedLinksBlock()
    procedure_links = ProcedureLinksBlock()
    statute = StatuteBlock()


# The Continuum of Support (ContinuumOfSupportPage; the guide's reading is in continuum.py).


class Domain(models.TextChoices):
    """The three sides of the Assessment Framework triangle, in its order."""

    DEVELOPMENTAL_NEEDS = "child", "The child's developmental needs"
    PARENTING_CAPACITY = "parenting", "Parenting capacity"
    FAMILY_AND_ENVIRONMENT = "family", "Family and environmental factors"


class AgeGroup(models.TextChoices):
    UNBORN = "unborn", "Unborn baby"
    UNDER_5 = "under-5", "Under 5"
    FROM_5_TO_11 = "5-11", "5 to 11"
    FROM_12 = "12-plus", "12 and over"


class LevelColour(models.TextChoices):
    """Each colour is a class in static/css/site.css whose text keeps AA contrast (4.5:1):
    no inline style, which the site's Content-Security-Policy refuses."""

    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    BLUE = "blue", "Blue"
    PURPLE = "purple", "Purple"


class LevelContact(models.TextChoices):
    """Contact routes from Settings → Partnership settings → Concerned about a child."""

    DAYTIME_TEAM = "daytime-team", "The daytime team (e.g. Care Connect), for advice"
    FRONT_DOOR = "front-door", "The Front Door, for referrals"


class IndicatorBlock(blocks.StructBlock):
    domain = blocks.ChoiceBlock(choices=Domain.choices)
    text = blocks.CharBlock(max_length=200, help_text="What a practitioner might see or hear.")
    age_groups = blocks.MultipleChoiceBlock(
        choices=AgeGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if it applies at any age.",
    )

    class Meta:
        icon = "tick"
        label = "Indicator"
        description = "Something a practitioner might see or hear, in one of the three domains."
        preview_value = {
            "domain": "parenting",
            "text": "Parents struggle to keep routines for meals and bedtimes",
            "age_groups": ["under-5", "5-11"],
        }


class ContinuumLevelBlock(blocks.StructBlock):
    name = blocks.CharBlock(
        max_length=80,
        help_text='e.g. "Universal". Readers see it numbered in order: "Level 1: Universal".',
    )
    colour = blocks.ChoiceBlock(choices=LevelColour.choices)
    description = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    what_to_do = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)
    contact = blocks.ChoiceBlock(
        choices=LevelContact.choices,
        default=LevelContact.DAYTIME_TEAM,
        help_text="Whom practitioners contact at this level. The out-of-hours route and 999 "
        "are always shown too.",
    )
    indicators = blocks.ListBlock(IndicatorBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        label = "Level of need"
        description = (
            "One level of the Continuum of Support: what it means, what to do, whom to "
            "contact, and the indicators that usually point to it."
        )
        preview_value = {
            "name": "Additional needs: early help",
            "colour": "yellow",
            "description": "<p>A child whose needs are not fully met by universal services.</p>",
            "what_to_do": "<p>Talk to the family and consider an early help assessment.</p>",
            "contact": "daytime-team",
            "indicators": [
                {
                    "domain": "child",
                    "text": "Often misses school or arrives late",
                    "age_groups": ["5-11", "12-plus"],
                }
            ],
        }


# HTML protocols (ProtocolPage): numbered sections and footnotes.

FOOTNOTE_FEATURES = ["bold", "italic", "link", "document-link"]


class ProtocolSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=160)
    body = ParagraphBlock(
        features=RICH_TEXT_FEATURES,
        help_text="Write [1], [2]… where a footnote of that number applies.",
    )

    class Meta:
        description = "A numbered section of the protocol, listed in its contents."
        preview_value = {
            "heading": "When to escalate",
            "body": "<p>Raise a disagreement with the other practitioner first [1].</p>",
        }
        icon = "list-ol"
        template = "blocks/protocol_section.html"


class ProtocolSectionsBlock(blocks.StreamBlock):
    section = ProtocolSectionBlock()


class ProtocolFootnotesBlock(blocks.StreamBlock):
    footnote = ParagraphBlock(
        features=FOOTNOTE_FEATURES,
        template="blocks/paragraph.html",
        description="A footnote, numbered in order: [1] in a section links to the first.",
        preview_value="<p>Working Together to Safeguard Children, chapter 1.</p>",
        icon="superscript",
    )
