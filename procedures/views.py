from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import ReportView
from wagtail.documents import get_document_model
from wagtail.permissions import policy_registry

from .models import LinkCheck, ProcedureUpdate

LINK_HEALTH_PERMISSION = "procedures.view_link_health"
PROCEDURE_CHECKS_PERMISSION = "procedures.view_procedure_checks"
REVIEW_DOCUMENT_PERMISSION = "documents.review_document"


class PermissionRequiredMixin:
    """Lets in only people with `permission_required`. Hiding the menu item from everyone
    else is not enough: the addresses still answer anyone who knows them."""

    permission_required = None

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class AddressColumn(Column):
    cell_template_name = "procedures/admin/address_cell.html"


class UsagesColumn(Column):
    cell_template_name = "procedures/admin/usages_cell.html"


class BrokenLinksReport(PermissionRequiredMixin, ReportView):
    """Reports → Broken links: the external addresses that failed at the last check_links
    run, what went wrong, since when, and where each is used, with links to edit them. Staff
    download it to share the work of mending them."""

    permission_required = LINK_HEALTH_PERMISSION
    page_title = "Broken links"
    header_icon = "link-external"
    model = LinkCheck
    index_url_name = "broken_links:report"
    index_results_url_name = "broken_links:report_results"
    default_ordering = "first_failed_at"
    verbose_name_plural = "broken links"
    columns = [
        AddressColumn("url", label="Address", sort_key="url"),
        Column("problem", label="Problem"),
        DateColumn("first_failed_at", label="Failing since", sort_key="first_failed_at"),
        DateColumn("checked_at", label="Last checked", sort_key="checked_at"),
        UsagesColumn("usages", label="Where it is used"),
    ]
    list_export = ["url", "problem", "redirected_to", "first_failed_at", "checked_at", "used_on"]
    export_headings = {
        "url": "Address",
        "problem": "Problem",
        "redirected_to": "Redirected to",
        "first_failed_at": "Failing since",
        "checked_at": "Last checked",
        "used_on": "Where it is used",
    }

    def get_base_queryset(self):
        return LinkCheck.objects.failing().prefetch_related("usages__content_object")

    def order_queryset(self, queryset):
        # The address is unique: the order, and so the pages, stay stable.
        return queryset.order_by(self.ordering, "url")

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        url_finder = AdminURLFinder(self.request.user)
        for check in object_list:
            for usage in check.usages.all():
                # Whatever held the link may have been deleted since the check.
                usage.edit_url = (
                    url_finder.get_edit_url(usage.content_object) if usage.content_object else None
                )
        return object_list

    def get_filename(self):
        return f"broken-links-{timezone.localdate():%Y-%m-%d}"


class ChaptersColumn(Column):
    cell_template_name = "procedures/admin/chapters_cell.html"


class ReviewActionColumn(Column):
    cell_template_name = "procedures/admin/review_action_cell.html"


class ProcedureChecksReport(PermissionRequiredMixin, ReportView):
    """Reports → Checks after procedure updates: live pages and documents in use that link
    to chapters amended since they were last reviewed. Editors check each against the new
    procedures; publishing the page again, or recording the document's review, takes it off
    the list."""

    permission_required = PROCEDURE_CHECKS_PERMISSION
    page_title = "Checks after procedure updates"
    header_icon = "tasks"
    index_url_name = "procedure_checks:report"
    index_results_url_name = "procedure_checks:report_results"
    verbose_name_plural = "pages or documents to check"
    list_export = ["title", "kind", "last_reviewed_on", "chapter_titles", "update_dates"]
    export_headings = {
        "title": "Title",
        "kind": "Page or document",
        "last_reviewed_on": "Last reviewed",
        "chapter_titles": "Amended chapters it links to",
        "update_dates": "Updates since its review",
    }

    @cached_property
    def columns(self):
        return [
            TitleColumn("title", label="Title", get_url=lambda check: check.edit_url),
            Column("kind", label="Type"),
            DateColumn("last_reviewed_on", label="Last reviewed (pages: published)"),
            ChaptersColumn("chapters", label="Amended chapters it links to"),
            ReviewActionColumn("review", label="When checked"),
        ]

    def get_base_queryset(self):
        return ProcedureUpdate.objects.review_checks()

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        user = self.request.user
        document_policy = policy_registry.get_by_type(get_document_model())
        can_edit_documents = document_policy.user_has_permission(user, "change")
        can_review_documents = user.has_perm(REVIEW_DOCUMENT_PERMISSION)
        for check in object_list:
            pk = check.subject.pk
            if check.is_page:
                can_edit = check.subject.permissions_for_user(user).can_edit()
                # Publishing the page again after checking it is its review.
                check.edit_url = check.review_url = (
                    reverse("wagtailadmin_pages:edit", args=[pk]) if can_edit else None
                )
            else:
                check.edit_url = (
                    reverse("wagtaildocs:edit", args=[pk]) if can_edit_documents else None
                )
                check.review_url = (
                    reverse("document_reviews:mark_reviewed", args=[pk])
                    if can_review_documents
                    else None
                )
        return object_list

    def get_filename(self):
        return f"checks-after-procedure-updates-{timezone.localdate():%Y-%m-%d}"
