from wagtail import hooks
from wagtail.permissions import register_permission_policy

from .admin import DEALT_WITH, ReaderReportPermissionPolicy, reader_report_viewset
from .models import ReaderReport

register_permission_policy(ReaderReport, ReaderReportPermissionPolicy(ReaderReport))


@hooks.register("register_admin_viewset")
def register_reader_reports():
    return reader_report_viewset


@hooks.register("register_log_actions")
def register_reader_report_actions(actions):
    actions.register_action(
        DEALT_WITH, "Mark reader report as dealt with", "Reader report marked as dealt with"
    )
