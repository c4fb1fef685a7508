import re

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from editorial.models import ApprovedSnippet, LiveQuerySet
from pages.privacy import is_hidden, paths_hidden_from

WORDS = re.compile(r"\w+")


def normalise(text):
    return " ".join(WORDS.findall(text.lower()))


def term_list(terms):
    """The search terms of a promotion's comma-separated terms field, normalised."""
    return [normalise(term) for term in terms.split(",") if normalise(term)]


class PromotedResultQuerySet(LiveQuerySet):
    def for_query(self, query, request):
        """The published promotions one of whose terms appears, as whole words, in the
        query, and whose page or document `request` may open."""
        live = self.live()
        padded = f" {normalise(query)} "
        # Most searches match no promotion: the terms alone are read first, and the
        # promoted pages and documents only for the promotions that match.
        matching = [
            pk
            for pk, terms in live.values_list("pk", "terms")
            if any(f" {term} " in padded for term in term_list(terms))
        ]
        if not matching:
            return []
        hidden_paths = paths_hidden_from(request)
        return [
            promotion
            for promotion in live.filter(pk__in=matching).select_related("page", "document")
            if (
                promotion.document
                and promotion.document.is_approved
                and promotion.document.is_visible_to(request)
            )
            or (
                promotion.page
                and promotion.page.live
                and not is_hidden(promotion.page, hidden_paths)
            )
        ]


class PromotedResult(ApprovedSnippet, index.Indexed, models.Model):
    """A "best bet": the page or document shown first when practitioners search for a
    term editors chose, e.g. "escalation" leads to the Resolving Professional Differences
    Protocol, its current name."""

    terms = models.CharField(
        max_length=255,
        help_text="Search terms, separated by commas, e.g. 'escalation, escalate'. "
        "A search containing any of them shows this result first.",
    )
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    document = models.ForeignKey(
        "documents.ProtocolDocument",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    description = models.TextField(blank=True, help_text="Why this is the result to read.")

    objects = PromotedResultQuerySet.as_manager()

    panels = [
        FieldPanel("terms"),
        FieldPanel("page"),
        FieldPanel("document"),
        FieldPanel("description"),
    ]
    search_fields = [index.SearchField("terms"), index.AutocompleteField("terms")]

    class Meta:
        ordering = ["terms"]
        verbose_name = "promoted search result"

    def __str__(self):
        return f"{self.terms} → {self.target}"

    @property
    def target(self):
        return self.document or self.page

    @property
    def term_list(self):
        return term_list(self.terms)

    def clean(self):
        if bool(self.page_id) == bool(self.document_id):
            raise ValidationError("Choose either a page or a document to promote.")
        if not self.term_list:
            raise ValidationError({"terms": "Give at least one search term."})
