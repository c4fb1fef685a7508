"""Each role's admin menus offer only what it may use."""

import json
import re

import pytest

from tests.editorial import APPROVERS, EDITORS, REVIEWERS, logged_in, staff_member

pytestmark = pytest.mark.django_db


def menu_names(client):
    html = client.get("/admin/").content.decode()
    props = re.search(r'id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S).group(1)
    return set(re.findall(r'"name": "([^"]+)"', json.dumps(json.loads(props))))


@pytest.mark.parametrize(
    ("group", "shown", "hidden"),
    [
        (EDITORS, {"documents", "reports", "site-history"}, {"aging-pages"}),
        (APPROVERS, {"documents", "aging-pages"}, set()),
        (REVIEWERS, {"review-dates"}, {"aging-pages", "documents", "explorer"}),
    ],
)
def test_menus_offer_each_role_what_it_may_use(group, shown, hidden):
    names = menu_names(logged_in(staff_member(group.lower(), group)))
    assert shown <= names
    assert not hidden & names
