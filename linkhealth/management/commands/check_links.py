"""Checks every external address the site links to and records which are broken.

Run nightly from cron (`python manage.py check_links`). Partnership staff then see the
failures under Reports → Broken links and on the admin dashboard: practitioners follow these
links in the middle of real cases, so a dead one should be found before they find it.
Timeouts and connection limits come from the LINK_CHECK_* settings. Progress is shown when
run in a terminal; the summary, with every failing address, is always printed, so cron's
mail says what needs mending.
"""

import time

from django.core.management import BaseCommand

from linkhealth.external_urls import external_urls
from linkhealth.link_checker import LinkChecker
from linkhealth.models import LinkCheck


class Command(BaseCommand):
    help = "Check every external link on the site and record the broken ones."

    def handle(self, *args, **options):
        uses = self.checkable(external_urls())
        show_progress = self.stdout.isatty()
        started = time.monotonic()
        results = []
        for number, result in enumerate(LinkChecker.from_settings().check_all(uses), start=1):
            results.append(result)
            if show_progress:
                self.stdout.write(f"[{number}/{len(uses)}] {result.outcome} {result.url}")
        newly_failing = LinkCheck.objects.record(results, uses)
        self.summarise(results, len(newly_failing), time.monotonic() - started)

    def checkable(self, uses):
        longest = LinkCheck._meta.get_field("url").max_length
        for url in [url for url in uses if len(url) > longest]:
            self.stderr.write(f"Not checked, longer than {longest} characters: {url[:80]}…")
            del uses[url]
        return uses

    def summarise(self, results, newly_failing, seconds):
        failing = sorted((result for result in results if not result.ok), key=lambda r: r.url)
        self.stdout.write(
            f"Checked {len(results)} address{'es' if len(results) != 1 else ''} "
            f"in {seconds:.1f} s: {len(results) - len(failing)} working, "
            f"{len(failing)} failing ({newly_failing} of them new)."
        )
        for result in failing:
            self.stdout.write(f"  {result.outcome}  {result.url}", style_func=self.style.ERROR)
