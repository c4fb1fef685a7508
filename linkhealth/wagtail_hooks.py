from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks

from procedures.wagtail_hooks import PermissionMenuItem

from .components import BrokenLinksPanel
from .views import LINK_HEALTH_PERMISSION, BrokenLinksReport


@hooks.register("register_admin_urls")
def register_report_urls():
    urls = [
        path("", BrokenLinksReport.as_view(), name="report"),
        path("results/", BrokenLinksReport.as_view(results_only=True), name="report_results"),
    ]
    return [
        path("reports/broken-links/", include((urls, "broken_links"), namespace="broken_links"))
    ]


@hooks.register("register_reports_menu_item")
def register_broken_links_menu_item():
    return PermissionMenuItem(
        BrokenLinksReport.page_title,
        reverse("broken_links:report"),
        name="broken-links",
        icon_name=BrokenLinksReport.header_icon,
        order=1060,
        permission=LINK_HEALTH_PERMISSION,
    )


@hooks.register("construct_homepage_panels")
def add_broken_links_panel(request, panels):
    if request.user.has_perm(LINK_HEALTH_PERMISSION):
        panels.append(BrokenLinksPanel())


@hooks.register("register_permissions")
def register_link_health_permission():
    # Lets administrators give it to a group in Settings → Groups.
    return Permission.objects.filter(
        content_type__app_label="linkhealth", codename="view_link_health"
    )
