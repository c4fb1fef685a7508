"""What an Approver compares: list items and paragraphs of changed text stay apart."""

import pytest
from django.urls import reverse
from wagtail.rich_text import RichText

pytestmark = pytest.mark.django_db


def revision_with(page, html):
    page.body = [("paragraph", RichText(html))]
    return page.save_revision()


def test_list_items_are_not_run_together(admin_client, guidance_page):
    before = revision_with(guidance_page, "<ul><li>children</li><li>staff work</li></ul>")
    after = revision_with(guidance_page, "<ul><li>children</li><li>staff working</li></ul>")
    html = admin_client.get(
        reverse(
            "wagtailadmin_pages:revisions_compare",
            kwargs={
                "pk": guidance_page.pk,
                "revision_id_a": before.pk,
                "revision_id_b": after.pk,
            },
        )
    ).content.decode()
    assert "childrenstaff" not in html
    assert "children<br>staff" in html
