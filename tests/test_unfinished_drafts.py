"""An editor's unfinished related-link row does not stop a draft being saved (autosave
saves drafts the same way); publishing still asks for one target, and says only one."""

import pytest
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.editorial import EDITORS, edit_url, logged_in, staff_member

pytestmark = pytest.mark.django_db


def links_form(page, link, action=None):
    data = {
        "title": page.title,
        "slug": page.slug,
        "search_description": page.search_description,
        "review_interval_months": page.review_interval_months,
        "body": streamfield(
            [
                (
                    "related_links",
                    {
                        "heading": "Related",
                        "links": {
                            "count": 1,
                            "0": {"deleted": "", "order": 0, "value": link},
                        },
                    },
                )
            ]
        ),
    }
    if action:
        data[action] = action
    return nested_form_data(data)


EMPTY_ROW = {"page": "", "document": "", "url": "", "text": ""}


def test_an_empty_link_row_does_not_block_saving_a_draft(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    response = editor.post(edit_url(guidance_page), links_form(guidance_page, EMPTY_ROW))
    assert response.status_code == 302
    guidance_page.refresh_from_db()
    draft = guidance_page.get_latest_revision_as_object()
    assert draft.body[0].block_type == "related_links"


def test_submitting_asks_for_one_target_only(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    response = editor.post(
        edit_url(guidance_page), links_form(guidance_page, EMPTY_ROW, "action-submit")
    )
    assert response.status_code == 200
    assert "only one is needed" in response.content.decode()
    two = {**EMPTY_ROW, "url": "https://example.org/", "page": guidance_page.pk, "text": "x"}
    response = editor.post(edit_url(guidance_page), links_form(guidance_page, two))
    assert "Choose only one of a page, a document or a web address" in response.content.decode()
