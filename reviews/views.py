from urllib.parse import quote

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import FormView
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.admin.widgets import AdminDateInput
from wagtail.documents import get_document_model
from wagtail.log_actions import log
from wagtail.models import Page
from wagtail.permissions import policy_registry

from editorial.exports import FormulaSafeExportMixin

from .filters import ReviewDatesFilterSet
from .models import REVIEW_PERMISSION, ReviewKind, ReviewOutcome, ReviewSchedule
from .schedule import ReviewItem, combine, schedule_parts

REVIEW_RECORDED = "documents.review_recorded"
PAGE_REVIEW_RECORDED = "pages.review_recorded"


class OwnerColumn(Column):
    cell_template_name = "reviews/admin/owner_cell.html"


class MarkReviewedColumn(Column):
    """Each row's "Mark as reviewed" link, which comes back to the report as the reviewer
    filtered it (`next`), once the review is recorded."""

    cell_template_name = "reviews/admin/mark_reviewed_cell.html"

    def __init__(self, name, return_url="", **kwargs):
        super().__init__(name, **kwargs)
        # Worked out once for the table, not for each row.
        self.next_query = f"?next={quote(return_url, safe='')}" if return_url else ""

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["next_query"] = self.next_query
        return context


class ReviewSchedulePaginator(WagtailPaginator):
    """Counts the rows as what they are: the schedule lists pages as well as documents.

    `counted_by` is a query with the same rows, counted instead of the list itself:
    the list's columns (each row's status and open reports among them) are worked out for
    every row of a count over it too, which took 15 ms of the report's time."""

    verbose_name = "page or document"
    verbose_name_plural = "pages and documents"

    def __init__(self, object_list, *args, counted_by, **kwargs):
        super().__init__(object_list, *args, **kwargs)
        self.counted_by = counted_by

    @cached_property
    def count(self):
        return self.counted_by.count()


class ReviewDatesReport(PermissionRequiredMixin, FormulaSafeExportMixin, ReportView):
    """Reports → Review dates: reviewers see which pages and documents are overdue or due
    soon and who owns them, record reviews, and download the list for partnership meetings."""

    page_title = "Review dates"
    header_icon = "date"
    model = get_document_model()
    # Who may see the report is a permission of its own, checked by Django's mixin: it is
    # not an action of the listed model's Wagtail permission policy.
    permission_policy = None
    permission_required = REVIEW_PERMISSION
    index_url_name = "review_dates:report"
    index_results_url_name = "review_dates:report_results"
    filterset_class = ReviewDatesFilterSet
    default_ordering = "review_due"
    verbose_name_plural = "pages or documents"
    paginator_class = ReviewSchedulePaginator
    list_export = [
        "title",
        "review_status_label",
        "type_label",
        "owner_team",
        "owner_name",
        "owner_email",
        "last_reviewed_on",
        "review_due",
        "open_reports",
    ]
    export_headings = {
        "title": "Title",
        "review_status_label": "Review status",
        "type_label": "Type",
        "owner_team": "Owning team",
        "owner_name": "Owner",
        "owner_email": "Owner's email",
        "last_reviewed_on": "Last reviewed",
        "review_due": "Next review due",
        "open_reports": "Open reader reports",
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn("title", label="Title", sort_key="title", get_url=self.edit_url),
            StatusTagColumn(
                "review_status",
                label="Review status",
                accessor="review_status_label",
                primary=lambda item: item.is_overdue,
            ),
            Column("item_type", label="Type", accessor="type_label", sort_key="item_type"),
            OwnerColumn("owner_team", label="Owner", sort_key="owner_team"),
            Column("last_reviewed_on", label="Last reviewed", sort_key="last_reviewed_on"),
            Column("review_due", label="Next review due", sort_key="review_due"),
            Column("open_reports", label="Open reader reports", sort_key="open_reports"),
            MarkReviewedColumn("mark_reviewed", label="Review", return_url=self.return_url),
        ]

    @property
    def return_url(self):
        """The report as the reviewer filtered it, or "" when it is not filtered."""
        query = self.request.GET.urlencode()
        return f"{reverse('review_dates:report')}?{query}" if query else ""

    @cached_property
    def editable_kinds(self):
        # Reviewers may not edit; a link that only refuses them would mislead. Asked once
        # for each kind, not for each row.
        user = self.request.user
        policies = {ReviewKind.PAGE: Page, ReviewKind.DOCUMENT: get_document_model()}
        return {
            kind
            for kind, model in policies.items()
            if policy_registry.get_by_type(model).user_has_permission(user, "change")
        }

    def edit_url(self, item):
        return item.edit_url if item.kind in self.editable_kinds else None

    def get_filtered_queryset(self):
        # Filtered part by part: a combined query cannot be filtered any more.
        self.filtered_parts = [self.filter_queryset(part) for part in schedule_parts()]
        return self.order_queryset(combine(self.filtered_parts))

    def get_paginator(self, queryset, per_page, **kwargs):
        # The same rows, their ids alone.
        rows = combine([part.values("item_id") for part in self.filtered_parts])
        return super().get_paginator(queryset, per_page, counted_by=rows, **kwargs)

    def order_queryset(self, queryset):
        # Items without the date come last whichever way the column is sorted; the title,
        # kind and id keep the order, and so the pages, stable.
        field = F(self.ordering.removeprefix("-"))
        if self.ordering.startswith("-"):
            first = field.desc(nulls_last=True)
        else:
            first = field.asc(nulls_last=True)
        return queryset.order_by(first, "title", "kind", "item_id")

    # The combined query gives rows as dicts: the table and the exports read them as items.
    def paginate_queryset(self, queryset, page_size):
        paginator, page, rows, is_paginated = super().paginate_queryset(queryset, page_size)
        return paginator, page, [ReviewItem(**row) for row in rows], is_paginated

    def to_row_dict(self, row):
        return super().to_row_dict(ReviewItem(**row))

    def get_filename(self):
        return f"review-dates-{timezone.localdate():%Y-%m-%d}"


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


class MarkReviewed(PermissionRequiredMixin, WagtailAdminTemplateMixin, FormView):
    permission_required = REVIEW_PERMISSION
    """Where a reviewer records that a page or document has been reviewed, which moves its
    next review date on, and sees its earlier reviews."""

    form_class = RecordReviewForm
    template_name = "reviews/admin/mark_reviewed.html"
    page_title = "Mark as reviewed"
    header_icon = "date"
    # Subclasses give `subject`, the page or document, `log_action`, and how it leaves the
    # list when it is no longer used (`retired_as`).
    log_action = None
    retired_as = ""

    def get_page_subtitle(self):
        return self.subject.title

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.report_url, "label": ReviewDatesReport.page_title},
            {"url": "", "label": self.page_title, "sublabel": self.subject.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            subject=self.subject,
            review_status=self.subject.review_status_on(),
            reviews=self.subject.reviews.select_related("reviewer"),
            action_url=self.request.get_full_path(),
            submit_button_label="Record review",
            submit_button_active_label="Recording…",
            media=context["form"].media,
        )
        return context

    def form_valid(self, form):
        subject = self.subject
        with transaction.atomic():
            review = subject.record_review(reviewer=self.request.user, **form.cleaned_data)
            log(
                subject,
                self.log_action,
                user=self.request.user,
                data={
                    "reviewed_on": review.reviewed_on.isoformat(),
                    "outcome": review.outcome,
                    "note": review.note,
                    "next_review_due": subject.review_due and subject.review_due.isoformat(),
                },
            )
        messages.success(self.request, self.recorded_message(review))
        return redirect(self.report_url)

    @cached_property
    def report_url(self):
        """The report as the reviewer filtered it (`next`), or the whole report."""
        report_url = reverse("review_dates:report")
        next_url = self.request.GET.get("next", "")
        if next_url.startswith(f"{report_url}?") and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts=None
        ):
            return next_url
        return report_url

    def recorded_message(self, review):
        subject = self.subject
        if subject.review_finding:
            return (
                f"Review of “{subject.title}” recorded: {review.get_outcome_display().lower()}. "
                "Readers are told, its review dates are unchanged, and it stays on this list "
                f"until a review finds it current again or it is {self.retired_as}."
            )
        if subject.review_due is None:
            return f"Review of “{subject.title}” recorded."
        return (
            f"Review of “{subject.title}” recorded. "
            f"Next review due {date_format(subject.review_due, 'j F Y')}."
        )


class MarkDocumentReviewed(MarkReviewed):
    log_action = REVIEW_RECORDED
    retired_as = "withdrawn"

    @cached_property
    def subject(self):
        # Superseded and withdrawn documents are not reviewed any more.
        return get_object_or_404(
            get_document_model().objects.in_use(), pk=self.kwargs["document_id"]
        )

    def get_context_data(self, **kwargs):
        document = self.subject
        return super().get_context_data(
            open_url=document.url,
            open_label=f"Open the document ({document.file_extension.upper()})",
            **kwargs,
        )


class MarkPageReviewed(MarkReviewed):
    log_action = PAGE_REVIEW_RECORDED
    retired_as = "unpublished"

    @cached_property
    def subject(self):
        # Drafts and unpublished pages are not read, so not reviewed.
        page = get_object_or_404(Page.objects.live(), pk=self.kwargs["page_id"]).specific
        if not isinstance(page, ReviewSchedule):
            raise Http404
        return page

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            open_url=self.subject.url, open_label="Open the page", **kwargs
        )
