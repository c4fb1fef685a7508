"""The dashboard offers each role only what it may use: "Search all pages…" refused
Reviewers ("Sorry, you do not have permission"), so they are not offered it."""

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model

from tests.editorial import APPROVERS, EDITORS, REVIEWERS, staff_member

from .browsing import Tab, sign_in

PASSWORD = "a long password for the dashboard test"


@pytest.mark.parametrize(
    ("group", "offered"), [(REVIEWERS, False), (EDITORS, True), (APPROVERS, True)]
)
def test_dashboard_page_search_only_for_those_who_may_explore_pages(
    browser, site_url, django_db_blocker, group, offered
):
    # The live server's requests reach the database outside any test transaction.
    with django_db_blocker.unblock():
        user = staff_member(f"dashboard-{group.lower()}", group, password=PASSWORD)
        tab = Tab(browser, site_url)
        try:
            sign_in(tab, user, PASSWORD, "/admin/")
            search = tab.page.get_by_placeholder("Search all pages…")
            assert search.is_visible() is offered
            if offered:
                search.fill("strategy")
                search.press("Enter")
                tab.page.wait_for_load_state()
                assert "you do not have permission" not in tab.page.content()
        finally:
            tab.close()
            AccessAttempt.objects.filter(username=user.username).delete()
            AccessLog.objects.filter(username=user.username).delete()
            get_user_model().objects.filter(pk=user.pk).delete()
