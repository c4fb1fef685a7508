from django.contrib.auth.mixins import PermissionRequiredMixin
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.documents import get_document_model
from wagtail.models import Page
from wagtail.permissions import policy_registry

from editorial.exports import FormulaSafeExportMixin
from reviews.models import REVIEW_PERMISSION

from .models import ProcedureUpdate

PROCEDURE_CHECKS_PERMISSION = "procedures.view_procedure_checks"


class ChaptersColumn(Column):
    cell_template_name = "procedures/admin/chapters_cell.html"


class LastReviewedColumn(Column):
    # A date, or "Never reviewed": "7 years ago" read as a review that never happened.
    cell_template_name = "procedures/admin/last_reviewed_cell.html"


class ReviewActionColumn(Column):
    cell_template_name = "procedures/admin/review_action_cell.html"


class ProcedureChecksReport(PermissionRequiredMixin, FormulaSafeExportMixin, ReportView):
    """Reports → Checks after procedure updates: live pages and documents in use that link
    to chapters amended since they were last reviewed. Editors check each against the new
    procedures; recording its review takes it off the list."""

    # Who may see the report is a permission of its own, checked by Django's mixin: it is
    # not an action of the listed model's Wagtail permission policy.
    permission_policy = None
    permission_required = PROCEDURE_CHECKS_PERMISSION
    page_title = "Checks after procedure updates"
    header_icon = "tasks"
    index_url_name = "procedure_checks:report"
    index_results_url_name = "procedure_checks:report_results"
    verbose_name_plural = "pages or documents to check"
    list_export = ["title", "kind", "last_reviewed_on", "chapter_titles", "update_dates"]
    custom_field_preprocess = {
        "update_dates": {
            ReportView.FORMAT_CSV: lambda days: ", ".join(day.isoformat() for day in days),
            ReportView.FORMAT_XLSX: lambda days: ", ".join(day.isoformat() for day in days),
        }
    }
    export_headings = {
        "title": "Title",
        "kind": "Page or document",
        "last_reviewed_on": "Last reviewed",
        "chapter_titles": "Amended chapters it links to",
        "update_dates": "Updates since its review",
    }

    columns = [
        TitleColumn("title", label="Title", get_url=lambda check: check.edit_url),
        Column("kind", label="Type"),
        LastReviewedColumn("last_reviewed_on", label="Last reviewed"),
        ChaptersColumn("chapter_titles", label="Amended chapters it links to"),
        ReviewActionColumn("review_url", label="Once checked"),
    ]

    def get_base_queryset(self):
        return ProcedureUpdate.objects.review_checks()

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        user = self.request.user
        # Both read the user's groups' permissions once and then ask nothing per row.
        page_policy = policy_registry.get_by_type(Page)
        document_policy = policy_registry.get_by_type(get_document_model())
        can_edit_documents = document_policy.user_has_permission(user, "change")
        can_review = user.has_perm(REVIEW_PERMISSION)
        for check in object_list:
            pk = check.subject.pk
            if check.is_page:
                can_edit = page_policy.user_has_permission_for_instance(
                    user, "change", check.subject
                )
                check.edit_url = reverse("wagtailadmin_pages:edit", args=[pk]) if can_edit else None
                # Editors who are not reviewers record the review on the page itself: its
                # "Last reviewed" date, published with the page.
                check.review_url = (
                    reverse("review_dates:mark_page_reviewed", args=[pk])
                    if can_review
                    else check.edit_url
                )
                check.review_in_editor = not can_review
            else:
                check.edit_url = (
                    reverse("wagtaildocs:edit", args=[pk]) if can_edit_documents else None
                )
                check.review_url = (
                    reverse("review_dates:mark_document_reviewed", args=[pk])
                    if can_review
                    else None
                )
                check.review_in_editor = False
        return object_list

    def get_filename(self):
        return f"checks-after-procedure-updates-{timezone.localdate():%Y-%m-%d}"
