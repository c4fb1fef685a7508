"""What a browser test gives the live server to read: committed to the database the whole
run shares (the server's requests are outside any test transaction), and removed again
afterwards. Use inside django_db_blocker.unblock()."""

from contextlib import contextmanager

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from wagtail.models import PageLogEntry

from pages.models import GuidancePage, SectionPage


@contextmanager
def published_guidance_page(**fields):
    """A guidance page of the test's own (not a demo page other tests read), published under
    "People working with children"."""
    section = SectionPage.objects.get(slug="people-working-with-children")
    page = GuidancePage(**fields)
    section.add_child(instance=page)
    page.save_revision().publish()
    try:
        yield page
    finally:
        # Revisions and workflow states go with the page; its log entries would not.
        PageLogEntry.objects.filter(page_id=page.pk).delete()
        GuidancePage.objects.get(pk=page.pk).delete()


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
