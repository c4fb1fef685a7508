from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from .blocks import LINKED_PAGE_FIELDS


class BasePageLinkHandler(PageLinkHandler):
    """Expands links to pages in rich text with one query instead of Wagtail's two.

    Wagtail loads each linked page's own type in case it builds its URL differently;
    no page type on this site does, so the shared page table is enough.
    """

    @classmethod
    def get_many(cls, attrs_list):
        ids = [attrs.get("id") for attrs in attrs_list]
        pages = Page.objects.filter(pk__in=ids).only(*LINKED_PAGE_FIELDS)
        pages_by_str_id = {str(page.pk): page for page in pages}
        return [pages_by_str_id.get(str(id_)) for id_ in ids]
