"""What each staff group may and may not do, asked of the admin's own views.

Editors write pages, documents, images and snippets and submit pages for approval;
Approvers approve, publish and unpublish; Reviewers use the review tools. Nobody but an
administrator (a superuser) manages users, groups, workflows or settings.
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, Page

from procedures.models import (
    ConsortiumPartnership,
    ProcedureChapter,
    ProcedureLink,
    ProcedureUpdate,
)
from search.models import PromotedResult
from tests.editorial import (
    APPROVERS,
    EDITORS,
    REVIEWERS,
    edit_url,
    guidance_page_form,
    logged_in,
    staff_member,
)
from tests.factories import (
    create_consortium_partnership,
    create_document,
    create_procedure_link,
    create_procedure_update,
    create_promoted_result,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_guidance_page")]

GROUPS = [EDITORS, APPROVERS, REVIEWERS]
SNIPPETS = [ProcedureLink, ProcedureChapter, ProcedureUpdate, ConsortiumPartnership, PromotedResult]


def snippet_url(model, action, instance=None):
    name = f"wagtailsnippets_{model._meta.app_label}_{model._meta.model_name}:{action}"
    return reverse(name, args=[instance.pk] if instance else [])


@pytest.fixture
def snippets(guidance_page):
    """One of each snippet staff keep, by model."""
    link = create_procedure_link("Referring a walrus")
    return {
        ProcedureLink: link,
        ProcedureChapter: link.chapter,
        ProcedureUpdate: create_procedure_update(datetime.date(2031, 1, 1), [link.chapter]),
        ConsortiumPartnership: create_consortium_partnership("Walrus Bay"),
        PromotedResult: create_promoted_result("walrus", page=guidance_page),
    }


@pytest.fixture
def targets(guidance_page, section, site, snippets):
    document = create_document("Walrus sighting protocol")
    urls = {
        "edit a page": edit_url(guidance_page),
        "add a page": reverse("wagtailadmin_pages:add", args=("pages", "guidancepage", section.pk)),
        "unpublish a page": reverse("wagtailadmin_pages:unpublish", args=[guidance_page.pk]),
        "delete a page": reverse("wagtailadmin_pages:delete", args=[guidance_page.pk]),
        "upload a document": reverse("wagtaildocs:add"),
        "edit a document": reverse("wagtaildocs:edit", args=[document.pk]),
        "delete a document": reverse("wagtaildocs:delete", args=[document.pk]),
        "upload an image": reverse("wagtailimages:add"),
        "manage users": reverse("wagtailusers_users:index"),
        "manage groups": reverse("wagtailusers_groups:index"),
        "manage workflows": reverse("wagtailadmin_workflows:index"),
        "manage sites": reverse("wagtailsites:index"),
        "manage redirects": reverse("wagtailredirects:index"),
        "edit the partnership settings": reverse(
            "wagtailsettings:edit", args=["sitewide", "partnershipsettings", site.pk]
        ),
        "see review dates": reverse("review_dates:report"),
        "see checks after procedure updates": reverse("procedure_checks:report"),
        "see broken links": reverse("broken_links:report"),
    }
    for model in SNIPPETS:
        name = model._meta.verbose_name
        instance = snippets[model]
        urls[f"add a {name}"] = snippet_url(model, "add")
        urls[f"edit a {name}"] = snippet_url(model, "edit", instance)
        urls[f"delete a {name}"] = snippet_url(model, "delete", instance)
    return urls


ALLOWED = {
    EDITORS: {
        "edit a page",
        "add a page",
        "upload a document",
        "edit a document",
        # Not "delete a document": the document is public (documents/permissions.py);
        # retiring one is done by withdrawing it, which keeps its public entry.
        "upload an image",
        *(
            f"{action} a {model._meta.verbose_name}"
            for model in SNIPPETS
            for action in ("add", "edit")
        ),
    },
    # Correcting a page before approving it may mean fixing or uploading its document; a
    # public document is deleted only by an administrator (documents/permissions.py).
    APPROVERS: {"unpublish a page", "upload a document", "edit a document"},
    REVIEWERS: {"see review dates", "see checks after procedure updates"},
}


@pytest.mark.parametrize("group", GROUPS)
def test_each_group_can_do_what_its_role_needs_and_nothing_else(group, targets):
    client = logged_in(staff_member(group.lower(), group))
    allowed, refused = set(), set()
    for what, url in targets.items():
        response = client.get(url)
        if response.status_code == 200:
            allowed.add(what)
        else:
            assert response.status_code in (302, 403), (what, response.status_code)
            assert response.status_code == 403 or response["Location"] == reverse(
                "wagtailadmin_home"
            ), what
            refused.add(what)
    assert allowed == ALLOWED[group]
    assert refused == set(targets) - ALLOWED[group]


def test_no_group_is_given_what_only_administrators_may_do():
    groups = Group.objects.filter(name__in=GROUPS)
    administrative = Permission.objects.filter(
        group__in=groups,
        content_type__app_label__in=["auth", "wagtailcore", "wagtailusers", "sitewide"],
    )
    assert not administrative.exists()
    assert not GroupPagePermission.objects.filter(
        group__in=groups, permission__codename__in=["bulk_delete_page", "unlock_page"]
    ).exists()
    assert set(Group.objects.values_list("name", flat=True)) >= set(GROUPS)
    assert not Group.objects.filter(name="Moderators").exists()


def test_an_editor_cannot_publish_only_save_a_draft(guidance_page, client):
    editor = logged_in(staff_member("editor", EDITORS))
    response = editor.post(
        edit_url(guidance_page),
        guidance_page_form(guidance_page, "Draft wording.", "action-publish"),
    )
    assert response.status_code == 302

    guidance_page.refresh_from_db()
    assert guidance_page.has_unpublished_changes
    assert "Draft wording." not in client.get(guidance_page.url).content.decode()


def test_an_editor_cannot_unpublish(guidance_page):
    editor = logged_in(staff_member("editor", EDITORS))
    editor.post(reverse("wagtailadmin_pages:unpublish", args=[guidance_page.pk]))
    assert Page.objects.get(pk=guidance_page.pk).live


def test_an_approver_can_unpublish(guidance_page, client):
    approver = logged_in(staff_member("approver", APPROVERS))
    response = approver.post(reverse("wagtailadmin_pages:unpublish", args=[guidance_page.pk]))
    assert response.status_code == 302
    assert not Page.objects.get(pk=guidance_page.pk).live
    assert client.get(guidance_page.url).status_code == 404


def test_only_reviewers_record_page_reviews_and_they_open_no_editor(guidance_page):
    review_url = reverse("review_dates:mark_page_reviewed", args=[guidance_page.pk])
    for group in GROUPS:
        client = logged_in(staff_member(f"{group.lower()}-reviewing", group))
        assert (client.get(review_url).status_code == 200) == (group == REVIEWERS), group
