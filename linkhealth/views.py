import dataclasses

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import policy_registry

from editorial.exports import FormulaSafeExportMixin

from .models import LinkCheck

LINK_HEALTH_PERMISSION = "linkhealth.view_link_health"


class AddressColumn(Column):
    cell_template_name = "linkhealth/admin/address_cell.html"


class UsagesColumn(Column):
    cell_template_name = "linkhealth/admin/usages_cell.html"


class BrokenLinksReport(PermissionRequiredMixin, FormulaSafeExportMixin, ReportView):
    """Reports → Broken links: the external addresses that failed at the last check_links
    run, what went wrong, since when, and where each is used, with links to edit them. Staff
    download it to share the work of mending them."""

    # Who may see the report is a permission of its own, checked by Django's mixin: it is
    # not an action of the listed model's Wagtail permission policy.
    permission_policy = None
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
        UsagesColumn("where_used", label="Where it is used"),
    ]
    list_export = [
        "url",
        "problem",
        "redirected_to",
        "first_failed_at",
        "checked_at",
        "where_used",
    ]
    export_headings = {
        "url": "Address",
        "problem": "Problem",
        "redirected_to": "Redirected to",
        "first_failed_at": "Failing since",
        "checked_at": "Last checked",
        "where_used": "Where it is used",
    }

    def get_base_queryset(self):
        return LinkCheck.objects.failing()

    def order_queryset(self, queryset):
        # The address is unique: the order, and so the pages, stay stable.
        return queryset.order_by(self.ordering, "url")

    def decorate_paginated_queryset(self, object_list):
        if self.is_export:
            return object_list
        uses = {check.pk: check.uses for check in object_list}
        # Asked once per type of page, snippet or setting, so the report costs the same
        # however many links it lists; a link to an edit view that only refuses them would
        # mislead.
        may_edit = {
            content_type_id: self.may_edit(content_type_id)
            for content_type_id in {use.content_type_id for found in uses.values() for use in found}
        }
        for check in object_list:
            check.uses_shown = [
                use if may_edit[use.content_type_id] else dataclasses.replace(use, edit_url="")
                for use in uses[check.pk]
            ]
        return object_list

    def may_edit(self, content_type_id):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        policy = model and policy_registry.get_by_type(model)
        return bool(policy) and policy.user_has_permission(self.request.user, "change")

    def get_filename(self):
        return f"broken-links-{timezone.localdate():%Y-%m-%d}"
