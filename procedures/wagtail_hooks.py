from django import forms
from django.urls import reverse
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import IndexView, SnippetViewSet, SnippetViewSetGroup

from editorial.admin_reports import register_report
from editorial.exports import FormulaSafeExportMixin

from .models import (
    ConsortiumPartnership,
    ProcedureChapter,
    ProcedureLink,
    ProcedureUpdate,
)
from .views import (
    PROCEDURE_CHECKS_PERMISSION,
    ProcedureChecksReport,
)


class ProcedureLinkIndexView(FormulaSafeExportMixin, IndexView):
    """Procedure links as Wagtail lists them, downloaded as CSV without formulas."""


class ProcedureLinkViewSet(SnippetViewSet):
    model = ProcedureLink
    index_view_class = ProcedureLinkIndexView
    icon = "link-external"
    menu_label = "Procedure links"
    list_display = ["title", "chapter", "url"]
    list_filter = ["chapter"]
    list_export = ["title", "chapter", "url", "note"]
    search_fields = ["title", "url", "note"]
    panels = [
        FieldPanel("title"),
        FieldPanel("url"),
        FieldPanel("chapter"),
        FieldPanel("note"),
        FieldPanel("related_documents", widget=forms.CheckboxSelectMultiple),
    ]

    def get_queryset(self, request):
        return ProcedureLink.objects.select_related("chapter")


class ProcedureChapterViewSet(SnippetViewSet):
    model = ProcedureChapter
    icon = "list-ol"
    menu_label = "Chapters"
    list_display = ["title"]
    search_fields = ["title"]


class ProcedureUpdateViewSet(SnippetViewSet):
    model = ProcedureUpdate
    icon = "date"
    menu_label = "Updates"
    list_display = ["published_on", "chapter_titles", "summary"]
    ordering = ["-published_on"]
    panels = [
        FieldPanel("published_on"),
        FieldPanel("chapters", widget=forms.CheckboxSelectMultiple),
        FieldPanel("summary"),
    ]

    def get_queryset(self, request):
        return ProcedureUpdate.objects.prefetch_related("chapters")


class ConsortiumPartnershipViewSet(SnippetViewSet):
    model = ConsortiumPartnership
    icon = "group"
    menu_label = "Partnerships"
    list_display = ["name", "website", "is_this_partnership"]
    search_fields = ["name"]


class ProceduresViewSetGroup(SnippetViewSetGroup):
    items = (
        ProcedureLinkViewSet,
        ProcedureChapterViewSet,
        ProcedureUpdateViewSet,
        ConsortiumPartnershipViewSet,
    )
    menu_label = "Procedures"
    menu_icon = "doc-full"
    menu_order = 250


register_snippet(ProceduresViewSetGroup)


register_report(
    ProcedureChecksReport,
    url="checks-after-procedure-updates",
    namespace="procedure_checks",
    name="checks-after-procedure-updates",
    order=1070,
    permission=PROCEDURE_CHECKS_PERMISSION,
)


@hooks.register("before_edit_page")
def warn_when_linked_procedures_changed(request, page):
    # Shown when the editor opens the page; a POST goes on to save it.
    if request.method != "GET":
        return
    check = ProcedureUpdate.objects.page_check(page.pk)
    if check is None:
        return
    buttons = []
    if request.user.has_perm(PROCEDURE_CHECKS_PERMISSION):
        buttons.append(messages.button(reverse("procedure_checks:report"), "All checks"))
    then = "Then record its review: set its “Last reviewed” date (Settings tab) and publish it."
    # The procedures page, which also shows the dates of the manual's updates.
    if getattr(page, "lists_every_procedure_link", False):
        then = (
            "Then set the dates of the last and next updates and its “Last reviewed” date "
            "(Settings tab), and publish it."
        )
    messages.warning(request, f"{check.explanation} {then}", buttons=buttons)
