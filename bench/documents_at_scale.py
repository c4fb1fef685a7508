"""How the document review report and the public document library cope with 5,000 documents.

For engineers checking performance before a release or after changing either page:

    .venv/bin/python bench/documents_at_scale.py

It builds a throw-away SQLite database in a temporary folder, or uses DATABASE_URL if set
(which must then name a database you can throw away: it adds documents and an
administrator), loads the demo site, adds 5,000 documents, and prints the median and
fastest of 10 renderings of each page, with the number of database queries each takes.
It is not part of the test suite.
"""

import datetime
import statistics
import time

from scratch_site import run_in_scratch_site

DOCUMENT_COUNT = 5_000
RUNS = 10
PAGES = [
    ("Review report (admin)", "/admin/reports/review-dates/"),
    ("Review report, overdue only", "/admin/reports/review-dates/?review_status=overdue"),
    ("Review report as XLSX (every document)", "/admin/reports/review-dates/?export=xlsx"),
    # Each run another page of the list, so that each draws it: the list is a cached
    # fragment, which a second run of the same page would only read.
    (
        "Document library (public)",
        "/people-working-with-children/local-protocols-and-guidance/?page={run}",
    ),
]


def run():
    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
    call_command("migrate", verbosity=0)
    call_command("load_demo_content", verbosity=0)
    total = add_documents(DOCUMENT_COUNT)
    print(f"Documents: {total:,}")

    client = logged_in_client()
    for label, url in PAGES:
        result = time_page(client, url)
        if result is None:
            print(f"{label:<40} not found (404): skipped")
            continue
        median, fastest, queries = result
        print(
            f"{label:<40} median {median * 1000:7.1f} ms   "
            f"fastest {fastest * 1000:7.1f} ms   {queries} queries"
        )
    connection.close()


def add_documents(count):
    from django.utils import timezone
    from wagtail.models import Collection

    from documents.models import Audience, DocumentStatus, DocumentType, ProtocolDocument

    today = timezone.localdate()
    root = Collection.get_first_root_node()
    types, audiences = DocumentType.values, Audience.values
    # bulk_create skips save(), so review_due is set here rather than worked out.
    ProtocolDocument.objects.bulk_create(
        (
            ProtocolDocument(
                title=f"Benchmark document {number}",
                file=f"documents/benchmark-{number}.pdf",
                file_size=150_000,
                collection=root,
                summary="A protocol document made up for the benchmark.",
                document_type=types[number % len(types)],
                audience=audiences[number % len(audiences)],
                dated_event_on=today - datetime.timedelta(days=number % 1500),
                last_reviewed_on=today - datetime.timedelta(days=number % 900),
                review_due=(
                    None
                    if number % 20 == 0
                    else today + datetime.timedelta(days=number % 800 - 300)
                ),
                owner_team=f"Team {number % 25}",
                owner_name=f"Owner {number % 60}",
                owner_email=f"owner{number % 60}@example.org",
                status=DocumentStatus.WITHDRAWN if number % 23 == 0 else DocumentStatus.CURRENT,
            )
            for number in range(count)
        ),
        batch_size=500,
    )
    return ProtocolDocument.objects.count()


def logged_in_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    admin = User.objects.filter(username="benchmark-admin").first()
    if admin is None:
        admin = User.objects.create_superuser("benchmark-admin", "benchmark@example.org", None)
    # The demo site answers on localhost, which development settings allow. Being logged
    # in also keeps the public page out of the anonymous visitors' page cache, so every
    # run renders it.
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    # Administrators pass two-factor sign-in too: the session records the verified app as
    # django_otp.login() does.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    app, _ = TOTPDevice.objects.get_or_create(
        user=admin, confirmed=True, defaults={"name": "Benchmark app"}
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app.persistent_id
    session.save()
    return client


def time_page(client, url):
    """(median seconds, fastest seconds, queries), or None if the page does not exist."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if get(client, url.format(run=RUNS + 1)).status_code == 404:
        return None
    timings = []
    for run in range(1, RUNS + 1):
        start = time.perf_counter()
        get(client, url.format(run=run))
        timings.append(time.perf_counter() - start)
    # Counted on a run of its own: capturing queries slows the timed runs.
    with CaptureQueriesContext(connection) as queries:
        get(client, url.format(run=RUNS + 2))
    return statistics.median(timings), min(timings), len(queries)


def get(client, url):
    response = client.get(url)
    if response.status_code not in (200, 404):
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)
    return response


if __name__ == "__main__":
    run_in_scratch_site("documents-at-scale-", run)
