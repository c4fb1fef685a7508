"""Emails each document owner one digest of their documents that are overdue or due soon
for review.

Run daily from cron. Owners get the emails; whoever reads the cron output sees the
documents that nobody will be reminded about because they have no owner's email. Running
it twice on one day sends nothing new: each owner's digest is recorded as a ReviewReminder.
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

from documents.models import ProtocolDocument, ReviewReminder, ReviewStatus


class Command(BaseCommand):
    help = "Email each document owner a digest of their documents overdue or due soon for review."

    def handle(self, *args, **options):
        today = timezone.localdate()
        by_owner = defaultdict(list)
        unassigned = []
        for document in ProtocolDocument.objects.needing_review(today):
            if document.owner_email:
                # One digest per person, however their address was typed.
                by_owner[document.owner_email.lower()].append(document)
            else:
                unassigned.append(document)

        sent = 0
        for owner_email, owned in sorted(by_owner.items()):
            if self.send_digest(owner_email, owned, today):
                sent += 1
                self.stdout.write(f"Reminded {owner_email} about {len(owned)} document(s).")
            else:
                self.stdout.write(f"Already reminded {owner_email} today.")

        for document in unassigned:
            status = ReviewStatus(document.review_status).label
            due = date_format(document.review_due, "j F Y")
            self.stdout.write(
                f"Unassigned (no owner's email): {document.title}: {status}, due {due}."
            )

        self.stdout.write(
            f"Review reminders: {sent} sent, {len(by_owner) - sent} already sent today, "
            f"{len(unassigned)} unassigned document(s)."
        )

    def send_digest(self, owner_email, documents, today):
        """Email the owner their digest, unless they have had today's already."""
        with transaction.atomic():
            _, created = ReviewReminder.objects.get_or_create(
                owner_email=owner_email, sent_on=today
            )
            if not created:
                return False
            # Still inside the transaction: if sending fails, the record is rolled back
            # and tomorrow's (or a re-run's) digest includes these documents.
            send_mail(
                subject=digest_subject(documents),
                message=render_to_string(
                    "documents/admin/review_reminder_email.txt",
                    {
                        "lines": [digest_line(document) for document in documents],
                        "report_url": admin_url(reverse("document_reviews:report")),
                        "site_name": settings.WAGTAIL_SITE_NAME,
                    },
                ),
                from_email=None,
                recipient_list=[owner_email],
            )
        return True


def digest_subject(documents):
    overdue = sum(document.review_status == ReviewStatus.OVERDUE for document in documents)
    return f"Documents due for review: {overdue} overdue, {len(documents) - overdue} due soon"


def digest_line(document):
    return {
        "title": document.title,
        "status": ReviewStatus(document.review_status).label,
        "overdue": document.review_status == ReviewStatus.OVERDUE,
        "due": date_format(document.review_due, "j F Y"),
        "url": admin_url(reverse("wagtaildocs:edit", args=[document.pk])),
    }


def admin_url(path):
    return f"{settings.WAGTAILADMIN_BASE_URL.rstrip('/')}{path}"
