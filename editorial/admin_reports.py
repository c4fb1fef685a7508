"""Reports in the admin's Reports menu, each for the staff given its permission: the one way
the apps add theirs (review dates, checks after procedure updates, broken links, briefings
used), so every report is reached, shown and granted alike."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to staff with `permission` ("app_label.codename")."""

    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def register_report(view_class, *, url, namespace, name, order, permission, extra_urls=()):
    """Register a report view (a Wagtail ReportView) under /admin/reports/`url`/, with the
    URL names `namespace`:report and `namespace`:report_results (and `extra_urls` beside
    them), its Reports menu item, and its permission among those administrators give groups
    in Settings → Groups."""
    app_label, codename = permission.split(".")

    def report_urls():
        urls = [
            path("", view_class.as_view(), name="report"),
            path("results/", view_class.as_view(results_only=True), name="report_results"),
            *extra_urls,
        ]
        return [path(f"reports/{url}/", include((urls, namespace), namespace=namespace))]

    def menu_item():
        return PermissionMenuItem(
            view_class.page_title,
            reverse(f"{namespace}:report"),
            name=name,
            icon_name=view_class.header_icon,
            order=order,
            permission=permission,
        )

    def grantable_permission():
        return Permission.objects.filter(content_type__app_label=app_label, codename=codename)

    hooks.register("register_admin_urls", report_urls)
    hooks.register("register_reports_menu_item", menu_item)
    hooks.register("register_permissions", grantable_permission)
