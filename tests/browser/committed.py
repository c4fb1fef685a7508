"""What a browser test gives the live server to read: committed to the database the whole
run shares (the server's requests are outside any test transaction), and removed again
afterwards. Use inside django_db_blocker.unblock(): in a test that has no transaction of
its own, or in a module-scoped fixture, which is set up before each test's transaction
begins."""

from contextlib import contextmanager

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry, Page, PageLogEntry

from pages.models import GuidancePage
from tests.factories import create_page, create_section


@contextmanager
def published_section(title, **fields):
    """A section of the test's own (not a demo page other tests read), published below the
    home page; it and every page made below it are removed afterwards."""
    section = create_section(title, **fields)
    try:
        yield section
    finally:
        pages = list(
            Page.objects.descendant_of(section, inclusive=True).values_list("pk", flat=True)
        )
        Page.objects.get(pk=section.pk).delete()
        # Revisions and workflow states went with the pages; their log entries, that of
        # their deletion among them, would not.
        PageLogEntry.objects.filter(page_id__in=pages).delete()


@contextmanager
def published_guidance_page(title, **fields):
    """A guidance page of the test's own, published in a section of its own."""
    with published_section(f"Section for {title}") as section:
        yield create_page(GuidancePage, title, section, **fields)


@contextmanager
def removed_afterwards(*snippets):
    """`snippets` (procedure chapters and links, say, made with tests/factories.py), removed
    afterwards in the order given, with the log entries of their publication."""
    try:
        yield snippets
    finally:
        for snippet in snippets:
            # Revisions go with the snippet; log entries would not.
            ModelLogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(snippet), object_id=str(snippet.pk)
            ).delete()
            type(snippet).objects.filter(pk=snippet.pk).delete()


@contextmanager
def staff_accounts(*users):
    """`users`, and the records of their sign-ins, removed afterwards."""
    try:
        yield users
    finally:
        usernames = [user.username for user in users]
        AccessAttempt.objects.filter(username__in=usernames).delete()
        AccessLog.objects.filter(username__in=usernames).delete()
        get_user_model().objects.filter(username__in=usernames).delete()
