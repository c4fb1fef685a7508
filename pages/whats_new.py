"""What has changed on the site lately, for practitioners who follow it (the "What's new"
page and its RSS and Atom feeds): new and updated pages, new documents, and replaced
documents with the note of what changed."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from documents.models import DocumentFileVersion, ProtocolDocument

from .privacy import visible_pages


@dataclass(frozen=True)
class Change:
    kind: str
    title: str
    url: str
    changed_at: datetime
    note: str


def recent_changes(request, library, limit):
    """The latest `limit` changes, newest first, in two queries: pages, and documents with
    their latest replacement (a document's newest change is the one that matters)."""
    changes = []
    for page in (
        visible_pages(Page.objects.live(), request)
        .exclude(depth__lte=2)
        .exclude(last_published_at=None)
        .order_by("-last_published_at")[:limit]
    ):
        is_new = page.first_published_at == page.last_published_at
        changes.append(
            Change(
                kind="New page" if is_new else "Updated page",
                title=page.title,
                url=page.get_url(request),
                changed_at=page.last_published_at,
                note=page.search_description,
            )
        )

    latest_replacement = DocumentFileVersion.objects.filter(document=OuterRef("pk")).order_by(
        "-replaced_at"
    )
    documents = (
        ProtocolDocument.objects.visible_to(request)
        .approved()
        .in_use()
        .annotate(
            replaced_at=Subquery(latest_replacement.values("replaced_at")[:1]),
            change_note=Subquery(latest_replacement.values("change_note")[:1]),
            changed_at=Coalesce("replaced_at", "created_at"),
        )
        .order_by("-changed_at")[:limit]
    )
    for document in documents:
        changes.append(
            Change(
                kind="Updated document" if document.replaced_at else "New document",
                title=document.title,
                url=library.document_url(document) if library else document.url,
                changed_at=document.changed_at,
                note=document.change_note or document.summary,
            )
        )
    return sorted(changes, key=lambda change: change.changed_at, reverse=True)[:limit]


class WhatsNewFeed(Feed):
    """RSS 2.0 feed of the What's new page."""

    def __init__(self, page, request):
        super().__init__()
        self.page = page
        self.request = request

    def title(self):
        return self.page.title

    def link(self):
        return self.page.get_url(self.request)

    def description(self):
        return self.page.search_description

    def items(self):
        return self.page.changes(self.request)

    def item_title(self, change):
        return f"{change.kind}: {change.title}"

    def item_link(self, change):
        return change.url

    def item_guid(self, change):
        return f"{change.url}#{change.changed_at.isoformat()}"

    def item_description(self, change):
        return change.note

    def item_pubdate(self, change):
        return change.changed_at


class WhatsNewAtomFeed(WhatsNewFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
