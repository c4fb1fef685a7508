"""A database from before link health had its own app (link checks in `procedures`)
upgrades with its link checks and with the groups given the broken links report.

The migrations run on an empty database of their own, of the kind the suite runs on, standing
in for the default one while the test runs (data migrations, Wagtail's among them, write to
the default database): schema changes cannot run inside the test's transaction on SQLite, and
a transactional test would empty the demo site the other tests share."""

import copy
import datetime

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from linkhealth.models import LinkCheck
from tests.production_server import PostgresDatabase

pytestmark = pytest.mark.django_db

BEFORE_THE_MOVE = ("procedures", "0004_related_documents_count_as_uses")
CHECKED_AT = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def empty_database(tmp_path):
    """An empty database, standing in for the default one."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    postgres = None
    if connections["default"].vendor == "postgresql":
        postgres = PostgresDatabase()
        postgres.create()
        settings_dict["NAME"] = postgres.name
    else:
        settings_dict["NAME"] = str(tmp_path / "previous_layout.sqlite3")
    test_database = connections[DEFAULT_DB_ALIAS]
    connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)
    connections[DEFAULT_DB_ALIAS] = connection
    try:
        yield connection
    finally:
        connections[DEFAULT_DB_ALIAS] = test_database
        connection.close()
        ContentType.objects.clear_cache()
    if postgres:
        postgres.drop()


def migrate(connection, targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def previous_layout(connection):
    """The leaf nodes of the previous layout: every app as now, without linkhealth and with
    procedures before the move."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [
        *(node for node in leaves if node[0] not in {"procedures", "linkhealth"}),
        BEFORE_THE_MOVE,
    ]


def test_link_checks_and_who_may_see_them_survive_the_move(empty_database, django_user_model):
    old_apps = migrate(empty_database, previous_layout(empty_database))
    OldLinkCheck = old_apps.get_model("procedures", "LinkCheck")
    OldContentType = old_apps.get_model("contenttypes", "ContentType")
    OldPermission = old_apps.get_model("auth", "Permission")
    OldGroup = old_apps.get_model("auth", "Group")
    OldLinkCheck.objects.create(
        url="https://www.proceduresonline.com/swcpp/",
        status_code=404,
        checked_at=CHECKED_AT,
        first_failed_at=CHECKED_AT,
        used_on=[
            {
                "content_type_id": 1,
                "object_id": 3,
                "label": "Home",
                "location": "Body",
                "edit_url": "/admin/pages/3/edit/",
            }
        ],
    )
    OldLinkCheck.objects.create(url="https://www.gov.uk/", status_code=200, checked_at=CHECKED_AT)
    old_type = OldContentType.objects.create(app_label="procedures", model="linkcheck")
    see_report = OldPermission.objects.create(
        content_type=old_type,
        codename="view_link_health",
        name="Can see the broken links report",
    )
    OldGroup.objects.create(name="Link checkers").permissions.add(see_report)

    migrate(empty_database, MigrationExecutor(empty_database).loader.graph.leaf_nodes())

    assert {
        (check.url, check.status_code, check.is_failing) for check in LinkCheck.objects.all()
    } == {
        ("https://www.proceduresonline.com/swcpp/", 404, True),
        ("https://www.gov.uk/", 200, False),
    }
    failing = LinkCheck.objects.failing().get()
    assert failing.first_failed_at == CHECKED_AT
    assert failing.uses[0].label == "Home"
    checker = django_user_model.objects.create_user("checker", password="not used")
    checker.groups.add(Group.objects.get(name="Link checkers"))
    assert checker.has_perm("linkhealth.view_link_health")
    assert not ContentType.objects.filter(app_label="procedures", model="linkcheck").exists()
