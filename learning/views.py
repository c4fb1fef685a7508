from django.apps import apps
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from sitewide.anonymous_forms import Throttle

from .forms import BriefingUseForm
from .models import BriefingUse

REPORT_PERMISSION = "learning.view_briefing_use_report"

# Enough for a training lead reporting several teams, too few for a flood.
POSTS_PER_HOUR = 10
post_throttle = Throttle("we-used-this", POSTS_PER_HOUR)


def shown_briefing(request, briefing_id):
    """The published briefing, if the request may open it. Briefings are pages, and the page
    models build on this app's themes and agencies, so the model comes from the registry."""
    briefing_model = apps.get_model("pages", "SevenMinuteBriefingPage")
    briefing = briefing_model.objects.live().filter(pk=briefing_id).first()
    if briefing is None or any(
        not restriction.accept_request(request) for restriction in briefing.get_view_restrictions()
    ):
        raise Http404
    return briefing


# No CSRF cookie: visitors to the public site get no cookies at all. A forged post could
# act only as an anonymous visitor, which anyone can; the form's signed timestamp, honeypot
# and throttle keep out what is not a person filling it in.
@csrf_exempt
@never_cache
def we_used_this(request, briefing_id):
    """The "We used this" form of a 7-minute briefing, on a page of its own and never
    cached, so that its signed timestamp is fresh while the briefing page is cached."""
    briefing = shown_briefing(request, briefing_id)
    status = 200
    if request.method == "POST":
        form = BriefingUseForm(request.POST, subject_key=briefing.pk)
        if not post_throttle.allows_sender(request):
            status = 429
            form.add_error(
                None,
                "This connection has sent a lot of reports in the last hour. "
                "Keep this page open and send it again later.",
            )
        elif form.is_trapped:
            return redirect("learning:we_used_this_thanks", briefing_id=briefing.pk)
        elif form.is_valid():
            form.instance.briefing = briefing
            form.save()
            return redirect("learning:we_used_this_thanks", briefing_id=briefing.pk)
        else:
            status = 400
    else:
        form = BriefingUseForm(subject_key=briefing.pk)
    return render(
        request, "learning/we_used_this.html", {"briefing": briefing, "form": form}, status=status
    )


@never_cache
def we_used_this_thanks(request, briefing_id):
    briefing = shown_briefing(request, briefing_id)
    return render(request, "learning/we_used_this_thanks.html", {"briefing": briefing})


class BriefingUseChart:
    """The report's rows as horizontal bars drawn in SVG on the server: one bar per briefing
    and agency, its number written on it, so nothing depends on colour or script."""

    LABEL_WIDTH = 320
    BAR_AREA = 300
    BAR_HEIGHT = 26
    GAP = 8

    def __init__(self, rows):
        rows = list(rows)
        most = max((row["teams"] for row in rows), default=0) or 1
        self.width = self.LABEL_WIDTH + self.BAR_AREA + 40
        self.height = (self.BAR_HEIGHT + self.GAP) * len(rows)
        self.total = sum(row["teams"] for row in rows)
        self.bars = []
        for index, row in enumerate(rows):
            y = (self.BAR_HEIGHT + self.GAP) * index
            width = max(2, round(self.BAR_AREA * row["teams"] / most))
            self.bars.append(
                {
                    "label": f"{row['briefing__title']}: {row['agency__name']}",
                    "teams": row["teams"],
                    "y": y,
                    "text_y": y + self.BAR_HEIGHT / 2,
                    "width": width,
                    "number_x": self.LABEL_WIDTH + width + 6,
                }
            )


class BriefingUseReport(PermissionRequiredMixin, ReportView):
    """Reports → Briefings used: for partnership staff and the annual report, how many
    teams of each agency said they discussed each 7-minute briefing, and how many people
    took part, as a chart and a table, downloadable as CSV or Excel."""

    # Who may see the report is a permission of its own, checked by Django's mixin.
    permission_policy = None
    permission_required = REPORT_PERMISSION
    page_title = "Briefings used"
    header_icon = "group"
    model = BriefingUse
    index_url_name = "briefing_uses:report"
    index_results_url_name = "briefing_uses:report_results"
    results_template_name = "learning/admin/briefing_use_results.html"
    verbose_name_plural = "briefings used"
    paginate_by = None
    columns = [
        Column("briefing__title", label="7-minute briefing"),
        Column("agency__name", label="Agency"),
        Column("teams", label="Teams"),
        Column("participants", label="People who took part"),
    ]
    list_export = ["briefing__title", "agency__name", "teams", "participants"]
    export_headings = {
        "briefing__title": "7-minute briefing",
        "agency__name": "Agency",
        "teams": "Teams",
        "participants": "People who took part",
    }

    def get_filename(self):
        return "briefings-used"

    def get_queryset(self):
        return BriefingUse.objects.per_briefing_and_agency()

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["chart"] = BriefingUseChart(context["object_list"])
        return context
