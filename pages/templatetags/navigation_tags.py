from django import template
from django.db.models import Q
from wagtail.models import Page, Site

from pages.privacy import is_hidden, paths_hidden_from

register = template.Library()


def navigation_pages(request, current_page):
    """The menu's top-level pages that the request may open and the current page's
    ancestors, in one query.

    Both come from the same rows near the top of the tree; the result is kept on
    the request because the header and the breadcrumbs ask separately.
    """
    if not hasattr(request, "_navigation_pages"):
        site = Site.find_for_request(request)
        if site is None:
            request._navigation_pages = ([], [])
            return request._navigation_pages
        root = site.root_page
        ancestor_paths = []
        if current_page is not None and current_page.depth > root.depth:
            ancestor_paths = [
                current_page.path[: depth * Page.steplen]
                for depth in range(root.depth, current_page.depth)
            ]
        pages = Page.objects.filter(
            Q(path__startswith=root.path, depth=root.depth + 1, show_in_menus=True, live=True)
            | Q(path__in=ancestor_paths)
        ).order_by("path")
        hidden = paths_hidden_from(request)
        menu, ancestors = [], []
        for page in pages:
            if page.path in ancestor_paths:
                ancestors.append(page)
            if (
                page.depth == root.depth + 1
                and page.show_in_menus
                and page.live
                and not is_hidden(page, hidden)
            ):
                menu.append(page)
        request._navigation_pages = (menu, ancestors)
    return request._navigation_pages


@register.inclusion_tag("sitewide/primary_navigation.html", takes_context=True)
def primary_navigation(context):
    """The top-level pages marked "show in menus"."""
    request = context["request"]
    current = context.get("page")
    menu, _ancestors = navigation_pages(request, current)
    return {
        "request": request,
        "items": [
            (item, current is not None and current.path.startswith(item.path)) for item in menu
        ],
        "current": current,
    }


@register.inclusion_tag("sitewide/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page, include_page=False):
    """The way back up from a page to the home page; from one of a page's own routes (a
    document's entry in the library), the page itself is a step back too."""
    request = context["request"]
    _menu, ancestors = navigation_pages(request, page)
    return {"request": request, "ancestors": [*ancestors, page] if include_page else ancestors}
