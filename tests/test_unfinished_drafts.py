"""Unfinished drafts: an empty related-link row does not stop one being saved (autosave
saves drafts the same way), publishing still asks for one target and says only one; and an
editor continuing an unsubmitted draft is told whose and when, with a way back."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.test.utils.form_data import nested_form_data, streamfield

from tests.editorial import EDITORS, edit_url, guidance_page_form, logged_in, staff_member

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


def test_an_editor_is_told_they_continue_someone_elses_unsubmitted_draft(guidance_page):
    author = staff_member("author", EDITORS)
    logged_in(author).post(
        edit_url(guidance_page), guidance_page_form(guidance_page, "Half done.", None)
    )
    guidance_page.refresh_from_db()
    draft = guidance_page.latest_revision
    editor = logged_in(staff_member("editor", EDITORS))
    html = editor.get(edit_url(guidance_page)).content.decode()
    saved = date_format(timezone.localtime(draft.created_at), "j F Y \\a\\t H:i")
    assert f"You are continuing a draft saved by Author on {saved}, not yet submitted" in html
    revert = reverse(
        "wagtailadmin_pages:revisions_revert",
        args=[guidance_page.pk, guidance_page.live_revision_id],
    )
    assert f'href="{revert}"' in html
    assert "Start again from the published page" in html
    # Starting again loads the published page into the editor.
    assert "Half done." not in editor.get(revert).content.decode()


def test_no_such_warning_on_a_page_without_a_draft_or_right_after_ones_own_save(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    assert "You are continuing a draft" not in editor.get(edit_url(guidance_page)).content.decode()
    editor.post(edit_url(guidance_page), guidance_page_form(guidance_page, "Mine.", None))
    assert "You are continuing a draft" not in editor.get(edit_url(guidance_page)).content.decode()
