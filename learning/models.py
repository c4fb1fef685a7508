"""What the partnership learns from its case reviews: the themes and agencies editors keep
for filtering reviews, and the teams who tell the partnership they discussed a 7-minute
briefing ("We used this"), which the partnership reports on in its annual report."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count

from editorial.models import ApprovedSnippet, LiveQuerySet


class LearningTheme(ApprovedSnippet):
    """A theme of case reviews, e.g. neglect or professional curiosity. Partnership staff
    keep the list under Snippets → Learning themes; readers filter the case review library
    by it once an Approver has approved it."""

    name = models.CharField(max_length=80, unique=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Agency(ApprovedSnippet):
    """An agency that takes part in case reviews and uses the briefings, e.g. health or
    the police. Partnership staff keep the list; readers filter reviews by it, and teams
    say which agency they belong to when they report using a briefing."""

    name = models.CharField(max_length=80, unique=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name


class BriefingUseQuerySet(models.QuerySet):
    def per_briefing_and_agency(self):
        """How many teams used each briefing, agency by agency: the rows of the staff
        report, briefings by title."""
        return (
            self.values("briefing_id", "briefing__title", "agency__name")
            .annotate(teams=Count("id"), participants=models.Sum("participants"))
            .order_by("briefing__title", "briefing_id", "agency__name")
        )


class BriefingUse(models.Model):
    """A team's report that it discussed a 7-minute briefing, sent from the briefing's
    "We used this" form. Partnership staff see the counts under Reports → Briefings used
    and export them for the annual report. Nothing here names a child or a family."""

    briefing = models.ForeignKey(
        "pages.SevenMinuteBriefingPage", on_delete=models.CASCADE, related_name="uses"
    )
    team = models.CharField("team or service", max_length=120)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="briefing_uses")
    discussed_on = models.DateField("date discussed")
    participants = models.PositiveSmallIntegerField(
        "how many took part", validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    planned_change = models.CharField("what you will change", max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = BriefingUseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        permissions = [("view_briefing_use_report", "Can see how teams used the briefings")]

    def __str__(self):
        return f"{self.team} ({self.agency}), {self.discussed_on:%d %B %Y}"
