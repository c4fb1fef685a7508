"""Links to pages, in rich text and in link blocks, come as each page's own type (so a page
type that builds its address differently would be honoured) in one query for all of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from pages.blocks import LinkedPageChooserBlock
from pages.models import GuidancePage, SectionPage
from pages.rich_text import BasePageLinkHandler

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(section, guidance_page):
    """Two pages of different types, as generic pages: what a link names is an id."""
    return list(Page.objects.filter(pk__in=[section.pk, guidance_page.pk]).order_by("depth"))


def test_rich_text_page_links_are_each_pages_own_type_in_one_query(pages):
    with CaptureQueriesContext(connection) as queries:
        linked = BasePageLinkHandler.get_many([{"id": str(page.pk)} for page in pages])
    assert [type(page) for page in linked] == [SectionPage, GuidancePage]
    assert [page.url for page in linked] == [page.url for page in pages]
    assert len(queries) == 1


def test_link_blocks_load_each_pages_own_type_in_one_query(pages):
    with CaptureQueriesContext(connection) as queries:
        linked = LinkedPageChooserBlock().bulk_to_python([page.pk for page in pages])
    assert [type(page) for page in linked] == [SectionPage, GuidancePage]
    assert len(queries) == 1
