from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import log

from .filters import ReviewDatesFilterSet
from .models import ProtocolDocument, ReviewOutcome, ReviewStatus

REVIEW_PERMISSION = "documents.review_document"
REVIEW_RECORDED = "documents.review_recorded"


class ReviewerRequiredMixin:
    """Lets in only people who may review documents. Hiding the menu item from everyone
    else is not enough: the addresses still answer anyone who knows them."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if not request.user.has_perm(REVIEW_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def review_status_label(review_status):
    return ReviewStatus(review_status).label


class OwnerColumn(Column):
    cell_template_name = "documents/admin/owner_cell.html"


class MarkReviewedColumn(Column):
    cell_template_name = "documents/admin/mark_reviewed_cell.html"


class ReviewDatesReport(ReviewerRequiredMixin, ReportView):
    """Reports → Document review dates: reviewers see which documents are overdue or due
    soon and who owns them, record reviews, and download the list for partnership meetings."""

    page_title = "Document review dates"
    header_icon = "date"
    model = ProtocolDocument
    index_url_name = "document_reviews:report"
    index_results_url_name = "document_reviews:report_results"
    filterset_class = ReviewDatesFilterSet
    default_ordering = "review_due"
    verbose_name_plural = "documents"
    list_export = [
        "title",
        "review_status",
        "get_document_type_display",
        "owner_team",
        "owner_name",
        "owner_email",
        "last_reviewed_on",
        "review_due",
    ]
    export_headings = {
        "title": "Title",
        "review_status": "Review status",
        "get_document_type_display": "Type",
        "owner_team": "Owning team",
        "owner_name": "Owner",
        "owner_email": "Owner's email",
        "last_reviewed_on": "Last reviewed",
        "review_due": "Next review due",
    }
    custom_field_preprocess = {
        "review_status": {
            ReportView.FORMAT_CSV: review_status_label,
            ReportView.FORMAT_XLSX: review_status_label,
        }
    }

    @cached_property
    def columns(self):
        # Reviewers may not edit documents; a link that only refuses them would mislead.
        can_edit = self.permission_policy.user_has_permission(self.request.user, "change")
        return [
            TitleColumn(
                "title",
                label="Title",
                sort_key="title",
                url_name="wagtaildocs:edit" if can_edit else None,
            ),
            StatusTagColumn(
                "review_status",
                label="Review status",
                accessor=lambda document: review_status_label(document.review_status),
                primary=lambda document: document.review_status == ReviewStatus.OVERDUE,
            ),
            Column(
                "document_type",
                label="Type",
                accessor="get_document_type_display",
                sort_key="document_type",
            ),
            OwnerColumn("owner_team", label="Owner", sort_key="owner_team"),
            Column("last_reviewed_on", label="Last reviewed", sort_key="last_reviewed_on"),
            Column("review_due", label="Next review due", sort_key="review_due"),
            MarkReviewedColumn("mark_reviewed", label="Review"),
        ]

    def get_base_queryset(self):
        return ProtocolDocument.objects.with_review_status()

    def order_queryset(self, queryset):
        # Documents without the date come last whichever way the column is sorted; title
        # and pk keep the order, and so the pages, stable.
        field = F(self.ordering.removeprefix("-"))
        if self.ordering.startswith("-"):
            return queryset.order_by(field.desc(nulls_last=True), "title", "pk")
        return queryset.order_by(field.asc(nulls_last=True), "title", "pk")

    def get_filename(self):
        return f"document-review-dates-{timezone.localdate():%Y-%m-%d}"


class RecordReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Reviewed on", initial=timezone.localdate, widget=AdminDateInput
    )
    outcome = forms.ChoiceField(choices=ReviewOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was checked, or what needs to change. Only staff see this.",
    )

    def clean_reviewed_on(self):
        reviewed_on = self.cleaned_data["reviewed_on"]
        if reviewed_on > timezone.localdate():
            raise ValidationError("A review cannot be dated in the future.")
        return reviewed_on


class MarkReviewed(ReviewerRequiredMixin, WagtailAdminTemplateMixin, FormView):
    """Where a reviewer records that a document has been reviewed, which moves its next
    review date on, and sees the document's earlier reviews."""

    form_class = RecordReviewForm
    template_name = "documents/admin/mark_reviewed.html"
    page_title = "Mark as reviewed"
    header_icon = "date"

    @cached_property
    def document(self):
        # Superseded and withdrawn documents are not reviewed any more.
        return get_object_or_404(ProtocolDocument.objects.in_use(), pk=self.kwargs["document_id"])

    def get_page_subtitle(self):
        return self.document.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("document_reviews:report"), "label": ReviewDatesReport.page_title},
            {"url": "", "label": self.page_title, "sublabel": self.document.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            document=self.document,
            review_status=self.document.review_status_on(),
            reviews=self.document.reviews.select_related("reviewer"),
            action_url=self.request.path,
            submit_button_label="Record review",
            submit_button_active_label="Recording…",
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        document = self.document
        with transaction.atomic():
            review = document.record_review(reviewer=self.request.user, **form.cleaned_data)
            log(
                document,
                REVIEW_RECORDED,
                user=self.request.user,
                data={
                    "reviewed_on": review.reviewed_on.isoformat(),
                    "outcome": review.outcome,
                    "note": review.note,
                    "next_review_due": document.review_due.isoformat(),
                },
            )
        messages.success(
            self.request,
            f"Review of “{document.title}” recorded. "
            f"Next review due {date_format(document.review_due, 'j F Y')}.",
        )
        return redirect("document_reviews:report")
