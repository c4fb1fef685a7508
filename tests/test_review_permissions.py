"""Who may use the reviewers' tools, and what the Reviewers group may and may not do."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission

from documents.models import ProtocolDocument
from reviews.views import ReviewDatesReport
from tests.editorial import sign_in

pytestmark = pytest.mark.django_db

REPORT_URL = "/admin/reports/review-dates/"


@pytest.fixture
def document():
    return ProtocolDocument.objects.create(title="Access test", file="documents/access-test.pdf")


@pytest.fixture
def review_urls(document, guidance_page):
    return [
        REPORT_URL,
        reverse("review_dates:report_results"),
        f"{REPORT_URL}?export=csv",
        reverse("review_dates:mark_document_reviewed", args=[document.pk]),
        reverse("review_dates:mark_page_reviewed", args=[guidance_page.pk]),
    ]


def member_of(django_user_model, group_name):
    user = django_user_model.objects.create_user(group_name.lower(), "", "pw")
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def reviewer(django_user_model):
    return member_of(django_user_model, "Reviewers")


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "Editors")


def test_anonymous_visitors_are_sent_to_log_in(client, review_urls):
    for url in review_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("wagtailadmin_login")), url


def test_editors_without_the_review_permission_are_refused(client, editor, review_urls, document):
    sign_in(client, editor)
    for url in review_urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url
        assert client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).status_code == 403

    mark_reviewed_url = reverse("review_dates:mark_document_reviewed", args=[document.pk])
    response = client.post(mark_reviewed_url, {"reviewed_on": "2026-01-05", "outcome": "updated"})
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not document.reviews.exists()


def test_the_view_itself_refuses_whoever_gets_past_the_admin_urls(editor):
    """The report must not rely on the admin's URL decorators or on a hidden menu item."""
    view = ReviewDatesReport.as_view()
    request = RequestFactory().get(REPORT_URL)
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))

    request.user = editor
    with pytest.raises(PermissionDenied):
        view(request)


def test_reviewers_may_use_the_review_tools(client, reviewer, review_urls):
    sign_in(client, reviewer)
    for url in review_urls:
        assert client.get(url).status_code == 200, url


def test_only_reviewers_see_the_menu_item_and_dashboard_panel(client, reviewer, editor):
    sign_in(client, reviewer)
    dashboard = client.get("/admin/").content.decode()
    assert f'"url": "{REPORT_URL}"' in dashboard
    assert 'id="review-dates-section"' in dashboard

    sign_in(client, editor)
    dashboard = client.get("/admin/").content.decode()
    assert REPORT_URL not in dashboard
    assert 'id="review-dates-section"' not in dashboard


def test_reviewers_group_has_only_what_reviewing_needs():
    reviewers = Group.objects.get(name="Reviewers")
    assert set(reviewers.permissions.values_list("content_type__app_label", "codename")) == {
        ("wagtailadmin", "access_admin"),
        ("documents", "review_document"),
        ("procedures", "view_procedure_checks"),
        ("feedback", "view_readerreport"),
        ("feedback", "deal_with_readerreport"),
        ("learning", "view_briefing_use_report"),
    }
    assert list(
        GroupCollectionPermission.objects.filter(group=reviewers).values_list(
            "collection", "permission__content_type__app_label", "permission__codename"
        )
    ) == [(Collection.get_first_root_node().pk, "wagtaildocs", "choose_document")]
    assert not GroupPagePermission.objects.filter(group=reviewers).exists()


def test_reviewers_cannot_edit_pages_or_add_or_edit_documents(client, reviewer, home, document):
    sign_in(client, reviewer)
    refused = [
        reverse("wagtailadmin_pages:edit", args=[home.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add"),
        reverse("wagtaildocs:edit", args=[document.pk]),
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("wagtailadmin_home"), url


def test_reviewers_can_choose_documents(client, reviewer, document):
    sign_in(client, reviewer)
    response = client.get(reverse("wagtaildocs_chooser:choose"))
    assert response.status_code == 200
    assert "Access test" in response.json()["html"]


def test_review_permission_can_be_given_to_a_group_in_the_admin(client, admin_user):
    sign_in(client, admin_user)
    reviewers = Group.objects.get(name="Reviewers")
    page = client.get(reverse("wagtailusers_groups:edit", args=[reviewers.pk])).content.decode()
    assert "Can see document review dates and record reviews" in page
