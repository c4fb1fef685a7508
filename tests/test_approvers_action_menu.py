"""The Approver's action menu on a page awaiting approval: the decision first (approving
publishes it), no separate Publish beside it, and Unpublish last."""

import re

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupApprovalTask, Workflow, WorkflowTask

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


def approve_from_the_editor(approver, page):
    data = guidance_page_form(page, "New.", "action-workflow-action")
    data["workflow-action-name"] = "approve"
    response = approver.post(edit_url(page), data, follow=True)
    return [str(message).strip() for message in response.context["messages"]]


def test_approving_says_the_page_is_published_and_practitioners_see_it(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    editor.post(edit_url(guidance_page), guidance_page_form(guidance_page, "New.", "action-submit"))
    approver = logged_in(staff_member("approver", APPROVERS))
    said = approve_from_the_editor(approver, guidance_page)
    assert said == [f"“{guidance_page.title}” approved and published: practitioners now see it."]
    guidance_page.refresh_from_db()
    assert guidance_page.live and not guidance_page.has_unpublished_changes


def test_approving_one_step_of_several_says_what_it_awaits(guidance_page):
    workflow = Workflow.objects.get(name="Partnership approval")
    second = GroupApprovalTask.objects.create(name="Safeguarding lead sign-off")
    second.groups.set(Group.objects.filter(name=APPROVERS))
    WorkflowTask.objects.create(workflow=workflow, task=second, sort_order=99)
    editor = logged_in(staff_member("editor", EDITORS))
    editor.post(edit_url(guidance_page), guidance_page_form(guidance_page, "New.", "action-submit"))
    approver = logged_in(staff_member("approver", APPROVERS))
    said = approve_from_the_editor(approver, guidance_page)
    assert said == [f"“{guidance_page.title}” approved, awaiting Safeguarding lead sign-off."]
