from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Agency, LearningTheme
from .views import REPORT_PERMISSION, BriefingUseReport


class LearningThemeViewSet(SnippetViewSet):
    model = LearningTheme
    icon = "tag"
    menu_label = "Themes"
    list_display = ["name"]
    search_fields = ["name"]


class AgencyViewSet(SnippetViewSet):
    model = Agency
    icon = "group"
    menu_label = "Agencies"
    list_display = ["name"]
    search_fields = ["name"]


class LearningViewSetGroup(SnippetViewSetGroup):
    menu_label = "Case reviews"
    menu_icon = "tag"
    items = (LearningThemeViewSet, AgencyViewSet)


register_snippet(LearningViewSetGroup)


class PermissionMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(REPORT_PERMISSION)


@hooks.register("register_admin_urls")
def register_briefing_use_report_urls():
    urls = [
        path("", BriefingUseReport.as_view(), name="report"),
        path("results/", BriefingUseReport.as_view(results_only=True), name="report_results"),
    ]
    return [
        path(
            "reports/briefings-used/",
            include((urls, "briefing_uses"), namespace="briefing_uses"),
        )
    ]


@hooks.register("register_reports_menu_item")
def register_briefing_use_menu_item():
    return PermissionMenuItem(
        BriefingUseReport.page_title,
        reverse("briefing_uses:report"),
        name="briefings-used",
        icon_name=BriefingUseReport.header_icon,
        order=1080,
    )
