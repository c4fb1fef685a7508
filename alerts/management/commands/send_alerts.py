"""Sends the email alerts: run from cron (README, Scheduled jobs), every 10 minutes for the
subscribers who chose "as soon as something changes", and weekly with `--digest` for those
who chose one email a week.

Each run first creates the deliveries of new alerts, then sends in batches of `--batch-size`,
and deletes the subscriptions never confirmed within ALERTS_UNCONFIRMED_DAYS. Two runs at
once, or a run after one that crashed, send nobody the same alert twice and skip nobody
(alerts/sending.py). On a terminal it shows its progress; its log has counts only, never
an address.
"""

import logging

from django.conf import settings
from django.core.management import BaseCommand

from alerts.sending import Run, delete_expired_unconfirmed, prepare_alerts, site_root_url

logger = logging.getLogger("alerts")


class Command(BaseCommand):
    help = "Send email alerts (immediate ones, or with --digest the weekly digests)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--digest", action="store_true", help="Send the weekly digests instead."
        )
        parser.add_argument("--batch-size", type=int, default=settings.ALERTS_BATCH_SIZE)
        parser.add_argument(
            "--claim-timeout",
            type=int,
            default=settings.ALERTS_CLAIM_TIMEOUT_SECONDS,
            help="Seconds after which a batch claimed by a run that never finished it is "
            "sent by another.",
        )

    def handle(self, *args, digest, batch_size, claim_timeout, **options):
        deleted = delete_expired_unconfirmed()
        prepared = prepare_alerts()
        run = Run(batch_size=batch_size, claim_timeout=claim_timeout, root_url=site_root_url())
        progress = self.show_progress if self.stdout.isatty() else None
        if digest:
            run.send_digests(progress)
        else:
            run.send_immediate(progress)
        if progress:
            self.stdout.write("")
        summary = (
            f"Sent {run.emails} {'digest' if digest else 'alert'} email(s) "
            f"({run.alerts} alert(s), {run.batches} batch(es)); prepared {prepared} new "
            f"alert(s); deleted {deleted} unconfirmed subscription(s)."
        )
        logger.info(summary)
        self.stdout.write(summary)

    def show_progress(self, run):
        self.stdout.write(f"\rSent {run.emails} email(s)…", ending="")
        self.stdout.flush()
