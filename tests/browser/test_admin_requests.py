"""Staff's browsers ask no other site for anything in the admin (no Gravatar avatars, which
would send a hash of each email address), and no browser gets a 404 for /favicon.ico."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model

from tests.editorial import APPROVERS, EDITORS, staff_member

from .browsing import Tab, sign_in

PASSWORD = "a long password for the admin requests test"
ADMIN_PAGES = ["/admin/", "/admin/pages/", "/admin/documents/", "/admin/account/"]


@pytest.fixture
def member_of_staff(django_db_blocker):
    with django_db_blocker.unblock():
        user = staff_member("browser-staff", EDITORS, APPROVERS, password=PASSWORD)
    yield user
    with django_db_blocker.unblock():
        AccessAttempt.objects.filter(username=user.username).delete()
        AccessLog.objects.filter(username=user.username).delete()
        get_user_model().objects.filter(pk=user.pk).delete()


def test_admin_pages_ask_no_other_site_for_anything(
    browser, site_url, member_of_staff, django_db_blocker
):
    # The live server's requests reach the database outside any test transaction.
    with django_db_blocker.unblock():
        visit_the_admin(Tab(browser, site_url), member_of_staff)


def visit_the_admin(tab, member_of_staff):
    failed = []
    tab.page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    try:
        sign_in(tab, member_of_staff, PASSWORD, "/admin/")
        for path in ADMIN_PAGES:
            tab.open(path)
            tab.page.wait_for_load_state("networkidle")
        assert tab.outside_requests == []
        assert failed == []
    finally:
        tab.close()


@pytest.mark.django_db
def test_no_404_for_the_favicon(tab):
    response = tab.page.request.get("/favicon.ico")
    assert response.status == 200
    assert response.url.endswith(".ico")
    assert response.headers["content-type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
