"""The "Partnership approval" workflow: an Editor's change reaches practitioners only once an
Approver has approved it; Approvers are emailed when a page awaits them, and the Editor
when it is approved or sent back with a comment."""

import html

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from wagtail.models import Page, Workflow, WorkflowState

from pages.models import ContentPage
from tests.editorial import (
    APPROVERS,
    edit_url,
    guidance_page_form,
    logged_in,
    staff_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

NEW_WORDING = "Call the front door on 01632 960 123 the same day."


@pytest.fixture(autouse=True)
def page_cache_on():
    """Anonymous pages cached as in production: approval must reach them all the same."""
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield


def public_text(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def submit(editor, page, paragraph=NEW_WORDING):
    response = logged_in(editor).post(
        edit_url(page), guidance_page_form(page, paragraph, "action-submit")
    )
    assert response.status_code == 302
    return WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))


def act(approver, page, action, comment=""):
    task_state = page.current_workflow_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    response = logged_in(approver).post(url, {"comment": comment})
    assert response.status_code == 302
    return task_state


def emails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_every_content_page_goes_through_partnership_approval(guidance_page):
    [workflow] = Workflow.objects.filter(active=True)
    assert workflow.name == "Partnership approval"
    assert workflow.workflow_pages.get().page == Page.get_first_root_node()
    [task] = [task.specific for task in workflow.tasks.all()]
    assert list(task.groups.values_list("name", flat=True)) == [APPROVERS]
    content_pages = [page for page in Page.objects.specific() if isinstance(page, ContentPage)]
    assert guidance_page in content_pages
    assert all(page.get_workflow() == workflow for page in content_pages)


def test_an_editors_change_is_public_only_once_an_approver_approves(
    client, guidance_page, editor, approver
):
    before = public_text(client, guidance_page)
    submit(editor, guidance_page)
    assert NEW_WORDING not in public_text(client, guidance_page)
    assert public_text(client, guidance_page) == before

    act(approver, guidance_page, "approve")
    assert NEW_WORDING in public_text(client, guidance_page)
    guidance_page.refresh_from_db()
    assert guidance_page.live and not guidance_page.has_unpublished_changes


def test_approvers_are_emailed_when_a_page_awaits_them(guidance_page, editor, approver):
    administrator = staff_member("administrator")
    administrator.is_superuser = True
    administrator.save()
    submit(editor, guidance_page)

    [message] = emails_to(approver)
    assert guidance_page.title in message.subject
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert f"{settings.WAGTAILADMIN_BASE_URL}{edit_url(guidance_page)}" in message.body
    assert not emails_to(editor)
    # Administrators are not copied in on every submission.
    assert not emails_to(administrator)


def test_the_editor_is_told_when_the_change_is_approved(guidance_page, editor, approver):
    submit(editor, guidance_page)
    act(approver, guidance_page, "approve")
    [message] = emails_to(editor)
    assert f'The page "{guidance_page.title}" has been approved' in message.subject


def test_an_approver_may_publish_a_page_awaiting_approval_from_the_editor(
    client, guidance_page, editor, approver
):
    submit(editor, guidance_page)
    corrected = "Call the front door on 01632 960 124 the same day."
    response = logged_in(approver).post(
        edit_url(guidance_page), guidance_page_form(guidance_page, corrected, "action-publish")
    )
    assert response.status_code == 302
    assert corrected in public_text(client, guidance_page)


def test_rejection_returns_the_change_to_the_editor_with_a_comment(
    client, guidance_page, editor, approver
):
    workflow_state = submit(editor, guidance_page)
    comment = "The front door's number changed in May: please check it."
    act(approver, guidance_page, "reject", comment)

    assert NEW_WORDING not in public_text(client, guidance_page)
    workflow_state.refresh_from_db()
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert workflow_state.requested_by == editor

    [message] = emails_to(editor)
    assert message.subject == (
        f'The page "{guidance_page.title}" has been rejected during "Partnership approval".'
    )
    assert comment in html.unescape(message.body)

    # Back with the Editor: the comment shows where they edit, and they can send it again.
    editor_view = logged_in(editor).get(edit_url(guidance_page))
    assert editor_view.status_code == 200
    assert comment in html.unescape(editor_view.content.decode())
    guidance_page.refresh_from_db()
    resubmitted = submit(editor, guidance_page, "Call the front door on 01632 960 124.")
    assert resubmitted.status == WorkflowState.STATUS_IN_PROGRESS


def test_an_editor_cannot_approve_their_own_change(guidance_page, editor):
    submit(editor, guidance_page)
    task_state = guidance_page.current_workflow_task_state
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[guidance_page.pk, "approve", task_state.pk]
    )
    response = logged_in(editor).post(url)
    assert response.status_code in (302, 403)
    guidance_page.refresh_from_db()
    assert guidance_page.workflow_in_progress
    assert guidance_page.has_unpublished_changes
