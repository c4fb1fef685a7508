"""Where alerts come from: a protocol's new public version (documents.signals), a page
published with "Email subscribers about this change" ticked (Wagtail's `page_published`),
and a recorded procedures update. Each becomes one Alert, made once per publication, and
only for what the public may see: approved, published, and neither in a restricted
collection nor behind a page view restriction."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver
from wagtail.signals import page_published

from documents.models import ProtocolDocument
from documents.signals import protocol_version_published
from pages.models import ProceduresPage, ProtocolPage, SectionPage
from procedures.models import ProcedureUpdate

from . import topics
from .models import Alert, AlertKind
from .sending import site_root_url


def absolute(url):
    return url if url.startswith(("http://", "https://")) else site_root_url() + url


@receiver(protocol_version_published)
def alert_protocol_version(sender, version, **kwargs):
    document = version.document
    is_public = (
        ProtocolDocument.objects.approved()
        .visible_to(None)
        .in_use()
        .filter(pk=document.pk)
        .exists()
    )
    if not version.alert_subscribers or not is_public:
        return
    note = version.change_note
    if version.comparison_url:
        note += f"\n\nSee what changed: {absolute(version.comparison_url)}"
    Alert.objects.get_or_create(
        source=f"protocol-version:{version.pk}",
        defaults={
            "kind": AlertKind.PROTOCOL,
            "title": f"{document.title}: version {version.number}",
            "url": absolute(version.get_absolute_url()),
            "note": note,
            "topics": [
                topics.EVERYTHING,
                topics.document(document.pk),
                topics.document_type(document.document_type),
                *protocol_page_topics(document),
            ],
        },
    )


def page_topics(page):
    """The page's own topic and those of the sections it is in."""
    sections = SectionPage.objects.live().filter(
        path__in=[page.path[:end] for end in range(page.steplen, len(page.path) + 1, page.steplen)]
    )
    return [
        topics.page(page.pk),
        *(topics.section(pk) for pk in sections.values_list("pk", flat=True)),
    ]


def protocol_page_topics(document):
    """A protocol published as a page is subscribed to from that page, and from its
    sections, as well as from the library."""
    page = ProtocolPage.objects.live().filter(document=document).first()
    return page_topics(page) if page else []


def is_public_page(page):
    # Wagtail's own check, ancestors and aliases included.
    return page.live and not page.get_view_restrictions().exists()


@receiver(page_published)
def alert_page_change(sender, instance, revision, **kwargs):
    page = instance
    # The choice is the revision's own: a later publication of another revision carries it
    # only if its editor ticks it again (pages.forms.ContentPageForm starts it unticked).
    if not getattr(page, "alert_subscribers", False) or not is_public_page(page):
        return
    if isinstance(page, ProtocolPage):
        # Its publication is a new protocol version, which alerts on its own (above).
        return
    Alert.objects.get_or_create(
        source=f"page-revision:{revision.pk}",
        defaults={
            "kind": AlertKind.PAGE,
            "title": page.title,
            "url": page.get_full_url(),
            "note": page.change_note,
            "topics": [topics.EVERYTHING, *page_topics(page)],
        },
    )


def procedures_alert(update_id):
    """The alert of one procedures update, listing the amended chapters that matter here:
    those with procedure links, which local pages and documents link to. Staff may add
    chapters after saving: until the alert is being sent it is brought up to date."""
    update = ProcedureUpdate.objects.filter(pk=update_id).with_amended_chapters()
    if not update:
        return
    update = update[0]
    local = [c.title for c in update.amended_chapters if c.live and c.has_links]
    others = [c.title for c in update.amended_chapters if c.live and not c.has_links]
    published_on = f"{update.published_on:%-d %B %Y}"
    lines = [f"The Southwest Child Protection Procedures were updated on {published_on}."]
    if local:
        lines += ["", "Amended chapters that our local guidance links to:"]
        lines += [f"- {title}" for title in local]
    if others:
        lines += ["", "Other amended chapters:"] + [f"- {title}" for title in others]
    procedures_page = ProceduresPage.objects.live().public().first()
    Alert.objects.filter(source=f"procedure-update:{update.pk}", prepared_at=None).delete()
    Alert.objects.get_or_create(
        source=f"procedure-update:{update.pk}",
        defaults={
            "kind": AlertKind.PROCEDURES,
            "title": f"Southwest Child Protection Procedures: update of {published_on}",
            "url": procedures_page.get_full_url() if procedures_page else site_root_url() + "/",
            "note": "\n".join(lines),
            "topics": [topics.EVERYTHING, topics.PROCEDURES],
        },
    )


@receiver(post_save, sender=ProcedureUpdate)
def alert_procedures_update(sender, instance, **kwargs):
    transaction.on_commit(lambda: procedures_alert(instance.pk))


@receiver(m2m_changed, sender=ProcedureUpdate.chapters.through)
def alert_procedures_chapters(sender, instance, action, **kwargs):
    if action.startswith("post_") and isinstance(instance, ProcedureUpdate):
        transaction.on_commit(lambda: procedures_alert(instance.pk))
