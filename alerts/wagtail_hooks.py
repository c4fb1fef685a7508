from django.contrib.auth.models import Permission
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ERASED, EXPORTED, PERMISSION, EmailAlertsView


class EmailAlertsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_admin_urls")
def register_email_alerts_urls():
    return [path("reports/email-alerts/", EmailAlertsView.as_view(), name="email_alerts")]


@hooks.register("register_reports_menu_item")
def register_email_alerts_menu_item():
    return EmailAlertsMenuItem(
        "Email alerts", reverse("email_alerts"), name="email-alerts", icon_name="mail", order=1200
    )


@hooks.register("register_permissions")
def register_email_alerts_permission():
    # Lets administrators give the permission to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label="alerts", codename="manage_email_alerts"
    )


@hooks.register("register_log_actions")
def register_email_alerts_actions(actions):
    actions.register_action(
        EXPORTED, "Export email alert subscriber's data", "Email alert subscriber's data exported"
    )
    actions.register_action(ERASED, "Erase email alert subscriber", "Email alert subscriber erased")
