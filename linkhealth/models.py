"""The health of every external link on the site: the last check of each address and
where the site uses it, written by check_links and read by the broken links report."""

import http
from dataclasses import asdict, dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction


@dataclass(frozen=True)
class LinkUse:
    """Where check_links found an external address: a page, snippet or setting, the part of
    it holding the link, and the admin address to mend it, all as they were at the check."""

    content_type_id: int
    object_id: int
    label: str
    location: str
    edit_url: str

    @property
    def kind(self):
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        return model._meta.verbose_name if model else "item since removed from the site"

    @property
    def description(self):
        return f"{self.label} ({self.kind}), {self.location}"


class LinkCheckQuerySet(models.QuerySet):
    def failing(self):
        return self.filter(first_failed_at__isnull=False)

    @transaction.atomic
    def record(self, results, uses):
        """Store one run of check_links: each address's result, and where it was found
        ({address: [LinkUse, …]}). Addresses the site no longer uses are forgotten.

        Returns the checks that started failing in this run."""
        existing = {check.url: check for check in self.all()}
        to_create, to_update, newly_failing = [], [], []
        for result in results:
            check = existing.pop(result.url, None)
            was_failing = check is not None and check.is_failing
            if check is None:
                check = LinkCheck(url=result.url)
                to_create.append(check)
            else:
                to_update.append(check)
            check.apply(result)
            check.used_on = [asdict(use) for use in uses.get(result.url, [])]
            if check.is_failing and not was_failing:
                newly_failing.append(check)
        self.filter(pk__in=[check.pk for check in existing.values()]).delete()
        self.bulk_create(to_create)
        self.bulk_update(
            to_update,
            [
                "status_code",
                "final_url",
                "redirect_chain",
                "error",
                "checked_at",
                "first_failed_at",
                "used_on",
            ],
        )
        return newly_failing


class LinkCheck(models.Model):
    """The last check of one external address the site links to, written by check_links.

    Partnership staff see the failing ones under Reports → Broken links: what went wrong,
    since when, and where the link is, so they can mend it.
    """

    url = models.URLField("address", max_length=2000, unique=True)
    status_code = models.PositiveSmallIntegerField(
        null=True, help_text="The HTTP status of the last answer, if there was one."
    )
    final_url = models.URLField("final address", max_length=2000, blank=True)
    redirect_chain = models.JSONField(
        default=list, blank=True, help_text="Each redirect followed: its address and status."
    )
    error = models.TextField(blank=True, help_text="Why there was no answer, if there was none.")
    checked_at = models.DateTimeField()
    first_failed_at = models.DateTimeField(
        "failing since",
        null=True,
        help_text="Kept while the address keeps failing; cleared when it works again.",
    )
    # A snapshot, replaced at every check and only ever shown whole: kept with the result
    # so that the report reads each row in one go.
    used_on = models.JSONField(
        "where it is used", default=list, blank=True, help_text="LinkUse fields, one per use."
    )

    objects = LinkCheckQuerySet.as_manager()

    class Meta:
        verbose_name = "link check"
        permissions = [("view_link_health", "Can see the broken links report")]

    def __str__(self):
        return self.url

    def apply(self, result):
        self.status_code = result.status_code
        self.final_url = result.final_url
        self.redirect_chain = result.redirect_chain
        self.error = result.error
        self.checked_at = result.checked_at
        if result.ok:
            self.first_failed_at = None
        elif self.first_failed_at is None:
            self.first_failed_at = result.checked_at

    @property
    def is_failing(self):
        return self.first_failed_at is not None

    @property
    def problem(self):
        """What went wrong, in words, e.g. "404 Not Found" or "Connection refused"."""
        if self.error:
            return self.error
        try:
            return f"{self.status_code} {http.HTTPStatus(self.status_code).phrase}"
        except ValueError:
            return str(self.status_code)

    @property
    def redirected_to(self):
        return self.final_url if self.final_url != self.url else ""

    @property
    def uses(self):
        return [LinkUse(**use) for use in self.used_on]

    @property
    def where_used(self):
        return [use.description for use in self.uses]
