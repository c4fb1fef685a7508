"""Staff sign in through editorial.backends.StaffBackend: Django's own permissions, read in
fewer queries on every admin page."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.users.models import UserProfile

from tests.editorial import EDITORS, REVIEWERS, logged_in, staff_member

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: no permissions read yet."""
    return get_user_model().objects.get(pk=user.pk)


def test_permissions_are_the_users_own_and_their_groups():
    user = staff_member("reviewer", REVIEWERS, EDITORS)
    user.user_permissions.add(Permission.objects.get(codename="view_linkcheck"))
    permissions = fresh(user).get_all_permissions()
    assert permissions == ModelBackend().get_all_permissions(fresh(user))
    assert {"procedures.view_linkcheck", "procedures.view_procedure_checks"} <= permissions
    assert fresh(user).has_perm("wagtailadmin.access_admin")
    assert not fresh(user).has_perm("sitewide.change_partnershipsettings")


def test_a_superuser_has_every_permission_and_an_inactive_user_none():
    superuser = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    assert fresh(superuser).get_all_permissions() == ModelBackend().get_all_permissions(
        fresh(superuser)
    )
    former = staff_member("former", EDITORS)
    former.is_active = False
    former.save()
    assert fresh(former).get_all_permissions() == set()
    assert not fresh(former).has_perm("wagtailadmin.access_admin")


@pytest.mark.parametrize("with_profile", [True, False])
def test_an_admin_page_reads_the_user_their_profile_and_permissions_in_two_queries(
    with_profile,
):
    user = staff_member("reviewer", REVIEWERS, EDITORS)
    if with_profile:
        UserProfile.objects.create(user=user, current_time_zone="Europe/London")
    client = logged_in(user)
    client.get("/admin/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200
    sql = [query["sql"] for query in queries]
    assert sum(statement.startswith('SELECT "auth_user"') for statement in sql) == 1
    assert not any('FROM "wagtailusers_userprofile"' in statement for statement in sql)
    assert sum('FROM "auth_permission"' in statement for statement in sql) == 1
