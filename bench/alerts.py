"""How long building and sending email alerts takes for 20,000 subscribers, and how many
database queries: one change sent at once to every subscriber, and a weekly digest of 50
changes to every subscriber.

For engineers checking performance before a release or after changing alerts/sending.py:

    .venv/bin/python bench/alerts.py

It builds a throw-away SQLite database in a temporary folder, or uses DATABASE_URL if set
(which must then name a database you can throw away), loads the demo site, adds the
subscribers and sends to Django's locmem email backend (nothing leaves the machine). For
each run it prints the time to prepare (the immediate deliveries; weekly subscribers have
none) and to send, and the queries of each, in all and per batch, with the same per batch
however many subscribers there are.
It is not part of the test suite.
"""

import time

from scratch_site import run_in_scratch_site

SUBSCRIBERS = 20_000
DIGEST_CHANGES = 50
BATCH_SIZE = 500


def run():
    import django

    django.setup()

    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)

    from alerts.models import Alert, Subscriber

    Alert.objects.all().delete()
    add_subscribers(SUBSCRIBERS, "immediate", "now")
    measure("One change, immediate", [new_alert(0)], digest=False)
    # The immediate run's change is not news to the weekly subscribers.
    Alert.objects.all().delete()
    Subscriber.objects.all().delete()
    mail.outbox = []

    add_subscribers(SUBSCRIBERS, "weekly", "weekly")
    measure(
        f"Weekly digest of {DIGEST_CHANGES} changes",
        [new_alert(number) for number in range(1, DIGEST_CHANGES + 1)],
        digest=True,
    )
    connection.close()


def add_subscribers(count, frequency, name):
    from django.utils import timezone

    from alerts.models import Subscriber, Subscription

    confirmed = timezone.now() - timezone.timedelta(days=1)
    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"{name}{number}@example.org", frequency=frequency, confirmed_at=confirmed
            )
            for number in range(count)
        ),
        batch_size=2000,
    )
    Subscription.objects.bulk_create(
        (
            Subscription(subscriber_id=pk, topic="all")
            for pk in Subscriber.objects.values_list("pk", flat=True)
        ),
        batch_size=2000,
    )


def new_alert(number):
    from alerts.models import Alert

    return Alert.objects.create(
        source=f"bench:{number}",
        kind="page",
        title=f"Change {number}",
        url=f"http://localhost/change-{number}/",
        note="What changed, in a sentence or two, as an editor writes it.",
        topics=["all"],
    )


class QueryCounter:
    """Counts the queries run while installed (connection.execute_wrapper), without the
    query log, which keeps only the last 9,000."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(label, alerts, digest):
    from django.core import mail
    from django.db import connection

    from alerts.sending import Run, prepare_alerts, site_root_url

    preparing = QueryCounter()
    with connection.execute_wrapper(preparing):
        started = time.perf_counter()
        prepare_alerts()
        prepared = time.perf_counter() - started

    run = Run(batch_size=BATCH_SIZE, claim_timeout=1800, root_url=site_root_url())
    sending = QueryCounter()
    per_batch = []

    def count_batch(run):
        per_batch.append(sending.count - sum(per_batch))

    with connection.execute_wrapper(sending):
        started = time.perf_counter()
        if digest:
            run.send_digests(count_batch)
        else:
            run.send_immediate(count_batch)
        sent = time.perf_counter() - started
    print(
        f"{label}: prepared {len(alerts)} alert(s) for {SUBSCRIBERS:,} subscribers in "
        f"{prepared:.1f} s ({preparing.count} queries); sent {len(mail.outbox):,} emails "
        f"({run.alerts:,} alerts) in {sent:.1f} s: {run.batches} batches of up to "
        f"{BATCH_SIZE}, {sending.count:,} queries, {min(per_batch)} to {max(per_batch)} a batch"
    )


if __name__ == "__main__":
    run_in_scratch_site("alerts-bench-", run)
