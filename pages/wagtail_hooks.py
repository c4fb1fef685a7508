from django.contrib import messages
from django.shortcuts import redirect
from wagtail import hooks

from .models import ProtocolPage
from .rich_text import BasePageLinkHandler


# After Wagtail's own registration of the "page" link type, so that this one replaces it.
@hooks.register("register_rich_text_features", order=100)
def register_page_link_handler(features):
    features.register_link_type(BasePageLinkHandler)


@hooks.register("before_delete_page")
def keep_protocols_with_public_versions(request, page):
    """Readers open and compare a protocol's earlier versions, which are the page's
    revisions: deleting the page (or a page above it) would take them away, so staff are
    told to unpublish it instead."""
    protocols = ProtocolPage.objects.descendant_of(page, inclusive=True).filter(
        document__versions__revision__isnull=False
    )
    titles = sorted(set(protocols.values_list("title", flat=True)))
    if not titles:
        return None
    messages.error(
        request,
        f"“{page.title}” cannot be deleted: readers can open earlier versions of "
        f"{', '.join(titles)}. Unpublish it instead to take it off the site.",
    )
    return redirect("wagtailadmin_explore", page.get_parent().pk)
