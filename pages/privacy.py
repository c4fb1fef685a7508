"""Which pages a view restriction (password, login, groups) covers, and which of them a
request may open, without a query for anonymous visitors.

Wagtail reads the restrictions from the database on every page request and in every
listing of public pages. Restrictions are rare and change only when an editor sets one
(which moves the content version), so they are remembered for the version with the paths
they cover, and only a page below one of them costs a query.

Listings, the menu, featured sections, search and promoted results show a restricted page
only to a request its restriction accepts (Wagtail's own `accept_request`): a signed-in
member of staff sees the pages for signed-in users, a visitor who gave a page's password
sees that page, and nobody else sees their titles.
"""

import operator
from functools import reduce

from django.db.models import Prefetch, Q
from wagtail.models import Page, PageViewRestriction

from sitewide.page_cache import current_content_version, remember


def page_restrictions():
    """Each restriction with the tree paths it covers: its page's and its page's aliases'
    (an alias shows its source page, so it carries the source's restrictions)."""
    return remember("page-restrictions", current_content_version(), read_page_restrictions)


def read_page_restrictions():
    restrictions = (
        PageViewRestriction.objects.order_by("pk")
        .select_related("page")
        .prefetch_related("groups", Prefetch("page__aliases", queryset=Page.objects.only("path")))
    )
    return tuple(
        (
            restriction,
            frozenset(
                [restriction.page.path, *(alias.path for alias in restriction.page.aliases.all())]
            ),
        )
        for restriction in restrictions
    )


def restricted_paths():
    """The tree paths of restricted pages and of their aliases."""
    return frozenset(path for _restriction, paths in page_restrictions() for path in paths)


def restrictions_refusing(request):
    """The restrictions that `request` does not pass, with the paths they cover."""
    return [
        (restriction, paths)
        for restriction, paths in page_restrictions()
        if not restriction.accept_request(request)
    ]


def paths_hidden_from(request):
    """The paths of restricted pages that `request` may not open: their titles must not
    reach it, nor those of the pages below them."""
    return frozenset(
        path for _restriction, paths in restrictions_refusing(request) for path in paths
    )


def audience_key(request):
    """The same for every request that may open the same restricted pages: what a cached
    fragment listing pages (the menu) is kept under, so that what staff see never reaches
    anonymous visitors, and what anonymous visitors see is never shown to staff short."""
    return "-".join(str(restriction.pk) for restriction, _paths in restrictions_refusing(request))


def is_hidden(page, hidden_paths):
    return any(page.path.startswith(path) for path in hidden_paths)


def visible_pages(pages, request):
    """`pages` less those that `request` may not open."""
    hidden = paths_hidden_from(request)
    if not hidden:
        return pages
    return pages.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in hidden)))
