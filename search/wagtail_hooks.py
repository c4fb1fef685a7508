from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PromotedResult


class PromotedResultViewSet(SnippetViewSet):
    model = PromotedResult
    icon = "pick"
    menu_label = "Promoted search results"
    add_to_settings_menu = True
    list_display = ["terms", "target", "description"]
    search_fields = ["terms"]


register_snippet(PromotedResultViewSet)
