"""Which pages a view restriction (password, login, groups) covers, without a query.

Wagtail reads the restrictions from the database on every page request and in every
listing of public pages. Restrictions are rare and change only when an editor sets one
(which moves the content version), so the paths they cover are remembered for the
version, and only a page below one of them costs a query.
"""

import operator
from functools import reduce

from django.db.models import Q
from wagtail.models import PageViewRestriction

from sitewide.page_cache import current_content_version, remember


def restricted_paths():
    """The tree paths of restricted pages and of their aliases (an alias shows its source
    page, so it carries the source's restrictions)."""
    return remember("restricted-paths", current_content_version(), read_restricted_paths)


def read_restricted_paths():
    return frozenset(
        path
        for page_path, alias_path in PageViewRestriction.objects.values_list(
            "page__path", "page__aliases__path"
        )
        for path in (page_path, alias_path)
        if path is not None
    )


def without_restricted(pages):
    """`pages` less those a restriction covers, like Wagtail's public()."""
    paths = restricted_paths()
    if not paths:
        return pages
    return pages.exclude(reduce(operator.or_, (Q(path__startswith=path) for path in paths)))
