"""The Approver's action menu on a page awaiting approval: the decision first (approving
publishes it), no separate Publish beside it, and Unpublish last."""

import re

import pytest

from tests.editorial import (
    APPROVERS,
    EDITORS,
    edit_url,
    guidance_page_form,
    logged_in,
    staff_member,
)

pytestmark = pytest.mark.django_db


def actions_in_order(html):
    """The action menu's items in the order shown: workflow actions, buttons and links."""
    return [
        next(part for part in match if part)
        for match in re.findall(
            r'data-workflow-action-name="([\w-]+)"|name="(action-[\w-]+)"|/(unpublish)/"', html
        )
    ]


def test_the_approvers_menu_starts_with_approving_and_has_one_way_to_publish(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    editor.post(edit_url(guidance_page), guidance_page_form(guidance_page, "New.", "action-submit"))
    approver = logged_in(staff_member("approver", APPROVERS))
    html = approver.get(edit_url(guidance_page)).content.decode()
    names = actions_in_order(html)
    assert names[0] == "approve"
    assert "action-publish" not in names
    assert names[-1] == "unpublish", names
