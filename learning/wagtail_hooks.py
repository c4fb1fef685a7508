from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from editorial.admin_reports import register_report

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


register_report(
    BriefingUseReport,
    url="briefings-used",
    namespace="briefing_uses",
    name="briefings-used",
    order=1080,
    permission=REPORT_PERMISSION,
)
