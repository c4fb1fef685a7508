"""Emails each owner one digest of their pages and documents that are overdue or due soon
for review, or that readers have reported a problem with (open reader reports).

Run daily from cron. Owners get the emails; whoever reads the cron output sees the pages
and documents that nobody will be reminded about because they have no owner's email.
Running it twice on one day sends nothing new: each owner's digest is recorded as a
ReviewReminder.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.core.management import BaseCommand
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from reviews.models import ReviewReminder
from reviews.schedule import needing_review


class Command(BaseCommand):
    help = (
        "Email each owner a digest of their pages and documents overdue or due soon for "
        "review, or with open reports from readers."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        by_owner = defaultdict(list)
        unassigned = []
        for item in needing_review(today):
            if item.owner_email:
                # One digest per person, however their address was typed.
                by_owner[item.owner_email.lower()].append(item)
            else:
                unassigned.append(item)

        sent = 0
        for owner_email, owned in sorted(by_owner.items()):
            if self.send_digest(owner_email, owned, today):
                sent += 1
                self.stdout.write(f"Reminded {owner_email} about {len(owned)} item(s).")
            else:
                self.stdout.write(f"Already reminded {owner_email} today.")

        for item in unassigned:
            states = []
            if item.is_due:
                due = date_format(item.review_due, "j F Y")
                states.append(f"{item.review_status_label}, due {due}")
            if item.open_reports:
                states.append(reports_label(item.open_reports))
            self.stdout.write(
                f"Unassigned (no owner's email): {item.title} ({item.type_label}): "
                f"{'; '.join(states)}."
            )

        self.stdout.write(
            f"Review reminders: {sent} sent, {len(by_owner) - sent} already sent today, "
            f"{len(unassigned)} unassigned item(s)."
        )

    def send_digest(self, owner_email, items, today):
        """Email the owner their digest, unless they have had today's already."""
        with transaction.atomic():
            _, created = ReviewReminder.objects.get_or_create(
                owner_email=owner_email, sent_on=today
            )
            if not created:
                return False
            # Still inside the transaction: if sending fails, the record is rolled back
            # and tomorrow's (or a re-run's) digest includes these items.
            send_mail(
                subject=digest_subject(items),
                message=render_to_string(
                    "reviews/admin/review_reminder_email.txt",
                    {
                        "lines": [digest_line(item) for item in items],
                        "report_url": admin_url(reverse("review_dates:report")),
                        "reader_reports_url": admin_url(reverse("reader_reports:index"))
                        + "?status=open",
                        "has_reader_reports": any(item.open_reports for item in items),
                        "site_name": settings.WAGTAIL_SITE_NAME,
                    },
                ),
                from_email=None,
                recipient_list=[owner_email],
            )
        return True


def digest_subject(items):
    overdue = sum(item.is_overdue for item in items)
    due_soon = sum(item.is_due for item in items) - overdue
    subject = f"Due for review: {overdue} overdue, {due_soon} due soon"
    reports = sum(item.open_reports for item in items)
    if reports:
        subject += f"; {reports} report{'s' if reports != 1 else ''} from readers"
    return subject


def reports_label(count):
    return f"{count} open report{'s' if count != 1 else ''} from readers"


def item_states(item):
    """Why the item is in the digest: its review status and due date, its open reports."""
    states = []
    if item.is_due:
        was = "was " if item.is_overdue else ""
        states.append(
            f"{item.review_status_label}: review {was}due {date_format(item.review_due, 'j F Y')}"
        )
    if item.open_reports:
        states.append(reports_label(item.open_reports))
    return states


def digest_line(item):
    return {
        "title": item.title,
        "type": item.type_label,
        "states": item_states(item),
        "url": admin_url(item.edit_url),
    }


def admin_url(path):
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
