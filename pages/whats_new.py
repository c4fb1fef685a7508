"""What has changed on the site lately, for practitioners who follow it (the "What's new"
page and its RSS and Atom feeds): new and updated pages, new documents, and replaced
documents with the note of what changed; a protocol's new version links to the
comparison with the one before."""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Page

from documents.models import DocumentFileVersion, ProtocolDocument, ProtocolVersion

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
        # An HTML protocol's publications are its document's versions, listed below.
        .not_type(apps.get_model("pages", "ProtocolPage"))
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
    latest_version = ProtocolVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    documents = (
        ProtocolDocument.objects.visible_to(request)
        .approved()
        .in_use()
        .annotate(
            replaced_at=Subquery(latest_replacement.values("replaced_at")[:1]),
            change_note=Subquery(latest_replacement.values("change_note")[:1]),
            version_number=Subquery(latest_version.values("number")[:1]),
            version_published_at=Subquery(latest_version.values("published_at")[:1]),
            version_note=Subquery(latest_version.values("change_note")[:1]),
            changed_at=Coalesce("version_published_at", "replaced_at", "created_at"),
        )
        .order_by("-changed_at")[:limit]
    )
    protocols = live_protocols(documents)
    for document in documents:
        changes.append(document_change(request, document, library, protocols))
    return sorted(changes, key=lambda change: change.changed_at, reverse=True)[:limit]


@dataclass(frozen=True)
class LiveProtocols:
    """The live HTML protocol pages of some documents, by document id, and the numbers of
    their HTML versions: two queries, however many documents."""

    pages: dict
    html_versions: set

    def comparison_url(self, document, request):
        """The comparison of the document's latest version with the one before, when both
        are HTML versions of a live protocol page; else blank."""
        page = self.pages.get(document.pk)
        number = document.version_number
        if page is None or not number or number < 2:
            return ""
        if {(document.pk, number), (document.pk, number - 1)} <= self.html_versions:
            return page.comparison_url(number - 1, number, request)
        return ""


def live_protocols(documents):
    ProtocolPage = apps.get_model("pages", "ProtocolPage")
    pages = {
        page.document_id: page
        for page in ProtocolPage.objects.live().filter(
            document__in=[document.pk for document in documents]
        )
    }
    html_versions = (
        set(
            ProtocolVersion.objects.filter(document__in=pages, revision__isnull=False).values_list(
                "document_id", "number"
            )
        )
        if pages
        else set()
    )
    return LiveProtocols(pages, html_versions)


def document_change(request, document, library, protocols):
    """A document's latest change. An HTML protocol's leads to its page, or to the
    comparison with the version before when both are HTML."""
    protocol = protocols.pages.get(document.pk)
    noun = "protocol" if protocol else "document"
    updated = (document.version_number or 0) > 1 or document.replaced_at
    if protocol is None:
        url = library.document_url(document) if library else document.url
    else:
        url = protocols.comparison_url(document, request) or protocol.get_url(request)
    return Change(
        kind=f"Updated {noun}" if updated else f"New {noun}",
        title=document.title,
        url=url,
        changed_at=document.changed_at,
        note=document.version_note or document.change_note or document.summary,
    )


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
