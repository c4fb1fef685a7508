"""The public "Report a problem with this page" form, at /feedback/?page=ID or
/feedback/?document=ID, and its thank-you page.

Every page links here rather than holding the form itself: pages are served to anonymous
readers from the whole-page cache and set no cookie, and a form needs a fresh token. This
page is never cached, and it sets no cookie either: it is exempt from Django's CSRF check,
which would need a cookie. CSRF protects what a signed-in session may do; this form does
nothing for a session, and the signed, timestamped token it carries (see forms) means a post
must come from a form shown here moments before, for the same page or document. Readers may
report only on what they may see: a private page or document, or one that does not exist,
answers "not found".
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from documents.models import ProtocolDocument
from pages.models import LocalGuidancePage
from pages.privacy import is_hidden, paths_hidden_from
from sitewide.anonymous_forms import Throttle

from .forms import ReportProblemForm
from .models import ReaderReport

# FEEDBACK_THROTTLE_COUNT reports in FEEDBACK_THROTTLE_SECONDS from one address (one /64).
report_throttle = Throttle(
    "feedback",
    limit=lambda: settings.FEEDBACK_THROTTLE_COUNT,
    seconds=settings.FEEDBACK_THROTTLE_SECONDS,
)


@dataclass
class ReportSubject:
    """The page or document a report is about, with where readers find it."""

    page: Page | None
    document: ProtocolDocument | None
    title: str
    url: str

    @property
    def kind(self):
        return "page" if self.page else "document"

    @property
    def key(self):
        return f"{self.kind}:{(self.page or self.document).pk}"

    @property
    def query_string(self):
        return urlencode({self.kind: (self.page or self.document).pk})


def subject_of(request):
    """The page or document named in the query string, if it is public to `request`."""
    page_id = request.GET.get("page", "")
    document_id = request.GET.get("document", "")
    hidden_paths = paths_hidden_from(request)
    if page_id.isdigit():
        page = Page.objects.live().filter(pk=page_id, depth__gt=1).first()
        url = page.get_url(request) if page else None
        if page is None or url is None or is_hidden(page, hidden_paths):
            raise Http404
        return ReportSubject(page=page, document=None, title=page.title, url=url)
    if document_id.isdigit():
        document = ProtocolDocument.objects.visible_to(request).filter(pk=document_id).first()
        library = LocalGuidancePage.find_for(request)
        if document is None or library is None or is_hidden(library, hidden_paths):
            raise Http404
        return ReportSubject(
            page=None,
            document=document,
            title=document.title,
            url=library.document_url(document, request),
        )
    raise Http404


@csrf_exempt
@never_cache
def report_problem(request):
    subject = subject_of(request)
    data = request.POST if request.method == "POST" else None
    form = ReportProblemForm(data, subject_key=subject.key)
    status = 200
    sent_url = f"{reverse('feedback:sent')}?{subject.query_string}"
    if form.is_trapped:
        # A robot that filled in the trap is thanked like anyone: it learns nothing.
        return redirect(sent_url)
    if form.is_valid():
        if report_throttle.allows_sender(request):
            ReaderReport.objects.create(
                page=subject.page,
                document=subject.document,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"].strip(),
            )
            return redirect(sent_url)
        form.add_error(
            None,
            "You have sent a lot of reports in the last hour, so we cannot take this one yet. "
            "Try again later.",
        )
        status = 429
    return render(
        request,
        "feedback/report_problem.html",
        {"form": form, "subject": subject},
        status=status,
    )


@never_cache
def report_sent(request):
    return render(request, "feedback/report_sent.html", {"subject": subject_of(request)})
