"""Reader reports in the Wagtail admin: staff in Editors, Approvers and Reviewers see every
report with the page or document it is about, and mark reports dealt with. Reports come only
from readers and are kept for the record, so nobody adds, edits or deletes them here."""

import django_filters
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.views.generic import IndexView, InspectView
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.log_actions import log
from wagtail.permission_policies import ModelPermissionPolicy

from .models import ReaderReport, ReportReason

DEALT_WITH = "feedback.dealt_with"


class ReaderReportPermissionPolicy(ModelPermissionPolicy):
    """Only "view" and "deal_with" are ever allowed, even to superusers: reports are the
    readers' words and their counts, not something staff write."""

    allowed_actions = {"view", "deal_with"}

    def user_has_permission(self, user, action):
        return action in self.allowed_actions and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) & self.allowed_actions)


class ReaderReportFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=[("open", "Open"), ("dealt_with", "Dealt with")],
        method="filter_status",
        empty_label="Open or dealt with",
    )
    reason = django_filters.ChoiceFilter(label="Reason", choices=ReportReason.choices)

    class Meta:
        model = ReaderReport
        fields = ["status", "reason"]

    def filter_status(self, queryset, name, value):
        return queryset.filter(dealt_with_at__isnull=value == "open")


def mark_dealt_with_url(report):
    return reverse("reader_reports:dealt_with", args=[report.pk])


class ReaderReportIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("page", "document")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_open and self.user_has_permission("deal_with"):
            buttons.insert(
                0,
                ListingButton(
                    "Mark as dealt with",
                    url=mark_dealt_with_url(instance),
                    icon_name="check",
                    priority=5,
                ),
            )
        return buttons


class ReaderReportInspectView(InspectView):
    def get_base_object_queryset(self):
        return super().get_base_object_queryset().select_related("page", "document")


class MarkDealtWithView(
    PermissionCheckedMixin, BaseObjectMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Asks "Mark this report as dealt with?", and does so when the button is pressed."""

    model = ReaderReport
    permission_required = "deal_with"
    template_name = "feedback/admin/mark_dealt_with.html"
    page_title = "Mark as dealt with"
    header_icon = "warning"

    def get_base_object_queryset(self):
        return ReaderReport.objects.select_related("page", "document")

    def get_page_subtitle(self):
        return self.object.subject_title

    @cached_property
    def index_url(self):
        return reverse("reader_reports:index")

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": self.index_url, "label": "Reader reports"},
            {"url": "", "label": self.page_title, "sublabel": self.object.subject_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(report=self.object, index_url=self.index_url, **kwargs)

    def post(self, request, *args, **kwargs):
        report = self.object
        if report.is_open:
            report.mark_dealt_with(request.user)
            # The reader's words stay out of the audit log: only what the report is about.
            log(report, DEALT_WITH, user=request.user, data={"reason": report.reason})
            messages.success(
                request, f"Report about “{report.subject_title}” marked as dealt with."
            )
        return redirect(self.index_url)


class ReaderReportViewSet(ModelViewSet):
    model = ReaderReport
    icon = "warning"
    menu_label = "Reader reports"
    menu_order = 250
    add_to_admin_menu = True
    url_prefix = "reader-reports"
    name = "reader_reports"
    index_view_class = ReaderReportIndexView
    inspect_view_class = ReaderReportInspectView
    inspect_view_enabled = True
    copy_view_enabled = False
    filterset_class = ReaderReportFilterSet
    # The add and edit views exist, but the permission policy lets nobody use them.
    form_fields = []
    inspect_view_fields = [
        "page",
        "document",
        "reason",
        "details",
        "received_at",
        "dealt_with_at",
        "dealt_with_by",
    ]
    list_display = [
        # The title links to the report (its inspect view), with the report's buttons.
        "subject_title",
        Column("subject_kind", label="Kind"),
        Column("reason", label="Reason", accessor="get_reason_display"),
        DateColumn("received_at", label="Received", sort_key="received_at"),
        StatusTagColumn(
            "status",
            label="Status",
            accessor="status_label",
            primary=lambda report: report.is_open,
        ),
    ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("dealt-with/<int:pk>/", MarkDealtWithView.as_view(), name="dealt_with"),
        ]


reader_report_viewset = ReaderReportViewSet()
