"""Deletes what readers wrote in their reports FEEDBACK_RETENTION_DAYS after the reports
arrived, keeping each report's page or document, reason and dates for the counts.

Run daily from cron (README, Scheduled jobs). Whoever reads its output sees only how many
reports it cleared, never what they said.
"""

from django.core.management import BaseCommand

from feedback.models import ReaderReport


class Command(BaseCommand):
    help = "Delete the free text of reader reports older than FEEDBACK_RETENTION_DAYS."

    def handle(self, *args, **options):
        cleared = ReaderReport.objects.with_expired_details().update(details="")
        self.stdout.write(f"Deleted the details of {cleared} reader report(s).")
