"""Upgrading a database from the layout before reviews and link health had apps of their
own (reviews 0001, linkhealth 0001): the rows, permissions and groups of the moved models
survive the move.

The migrations run on an empty database of their own, of the kind the suite runs on, standing
in for the default one while a test runs (data migrations, Wagtail's among them, write to
the default database): schema changes cannot run inside the test's transaction on SQLite, and
a transactional test would empty the demo site the other tests share. It is migrated from
nothing straight to the previous layout, never through today's and back (and kept for later
runs), and upgraded once for both moves.

The other apps' migrations, which neither depend on the moves nor are depended on by them
(Wagtail's users, axes, the second factor and the like: 65 of the 83), are applied with the
previous layout, so that the upgrade runs only the migrations the moves are part of: each
migration applied costs the executor a new rendering of the models' state, and the 65 took
two thirds of the test's time."""

import copy
import datetime
import fcntl
import hashlib
import shutil

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.utils import load_backend

from linkhealth.models import LinkCheck
from reviews.models import REVIEW_PERMISSION, DocumentReview, PageReview, ReviewReminder
from tests.demo_database import STORE, source_fingerprint
from tests.production_server import PostgresDatabase

pytestmark = pytest.mark.django_db

# Before both moves: documents and pages as the reviews app's first migration found them,
# link checks still in procedures.
PREVIOUS_LAYOUT = [
    ("documents", "0006_review_finding"),
    ("pages", "0012_review_finding_on_new_page_types_paragraph_comparison"),
    ("procedures", "0004_related_documents_count_as_uses"),
]
KEPT_PREFIX = "partnership_previous_layout_"
CHECKED_AT = datetime.datetime(2026, 3, 2, 2, 0, tzinfo=datetime.UTC)
REVIEW_CODENAMES = ("view_documentreview", "view_pagereview", "view_reviewreminder")


@pytest.fixture
def previous_layout(tmp_path):
    """A database in the previous layout, with the content types and permissions `migrate`
    made then and no content, standing in for the default one; yields the connection and
    the models as they were then.

    Migrating to it takes a core about 17 s: the first run keeps a copy in
    var/test-databases/ (a SQLite file, or a PostgreSQL template database) named by the
    fingerprint the demo database is kept under (tests/demo_database.py) and by the
    migrations it has, and later runs copy it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    targets = previous_layout_targets(loader.graph)
    kept = kept_name(targets)
    STORE.mkdir(parents=True, exist_ok=True)
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    postgres = None
    with open(STORE / "previous-layout.lock", "w") as lock:
        # One builds while the others wait (PostgreSQL's run and SQLite's may overlap).
        fcntl.flock(lock, fcntl.LOCK_EX)
        if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
            postgres = PostgresDatabase()
            is_kept = kept in postgres.databases_named(kept)
            postgres.create(template=kept if is_kept else None)
            settings_dict["NAME"] = postgres.name
        else:
            kept_file = STORE / f"{kept}.sqlite3"
            is_kept = kept_file.exists()
            settings_dict["NAME"] = str(tmp_path / "previous_layout.sqlite3")
            if is_kept:
                shutil.copyfile(kept_file, settings_dict["NAME"])
        test_database = connections[DEFAULT_DB_ALIAS]
        connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict)
        connections[DEFAULT_DB_ALIAS] = connection
        try:
            if is_kept:
                old_apps = loader.project_state(targets).apps
            else:
                old_apps = migrate(connection, targets)
                # What `migrate` did after migrating then: the content types and their
                # permissions.
                emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS, apps=old_apps, plan=[])
                connection.close()
                keep(postgres, settings_dict["NAME"], kept)
            # Copied or kept: another run need not wait for this one's test too.
            lock.close()
            yield connection, old_apps
        finally:
            connections[DEFAULT_DB_ALIAS] = test_database
            connection.close()
            ContentType.objects.clear_cache()
            if postgres:
                postgres.drop()


def previous_layout_targets(graph):
    """The migrations a database of the previous layout ends with, as `migrate` targets. It
    has PREVIOUS_LAYOUT and what that depends on, and every other migration but those that
    depend on a migration after it (the moves and what came with or after them)."""
    previous = {node for target in PREVIOUS_LAYOUT for node in graph.forwards_plan(target)}
    after = {node for target in PREVIOUS_LAYOUT for node in graph.backwards_plan(target)} - previous
    applied = set(graph.nodes) - after
    # Only those nothing else applied depends on: the executor migrates back to a target
    # that an earlier target's plan already applied.
    return sorted(
        node
        for node in applied
        if not any(child in applied for child in graph.node_map[node].children)
    )


def kept_name(targets):
    fingerprint = f"{source_fingerprint()} {targets}"
    return f"{KEPT_PREFIX}{hashlib.sha256(fingerprint.encode()).hexdigest()[:12]}"


def keep(postgres, sqlite_file, kept):
    """Keeps the database just migrated as `kept`, in place of any older copy."""
    if postgres:
        for name in postgres.databases_named(KEPT_PREFIX):
            postgres.drop_database(name)
        postgres.keep_as(kept)
        return
    for older in STORE.glob(f"{KEPT_PREFIX}*.sqlite3"):
        older.unlink()
    partial = STORE / f"{kept}.partial"
    shutil.copyfile(sqlite_file, partial)
    partial.replace(STORE / f"{kept}.sqlite3")


def migrate(connection, targets=None):
    """Migrates to `targets` (by default the latest migration of every app); returns the
    models as they are there."""
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_an_upgrade_keeps_reviews_link_checks_and_who_may_see_them(
    previous_layout, django_user_model
):
    connection, old_apps = previous_layout
    reviews = recorded_reviews(old_apps)
    add_link_checks(old_apps)

    new_apps = migrate(connection)

    reviews_are_kept(new_apps, reviews)
    link_checks_are_kept(django_user_model)


def recorded_reviews(old_apps):
    """A document review, a page review and a reminder, as the previous layout kept them."""
    User = old_apps.get_model("auth", "User")
    Collection = old_apps.get_model("wagtailcore", "Collection")
    Page = old_apps.get_model("wagtailcore", "Page")
    ProtocolDocument = old_apps.get_model("documents", "ProtocolDocument")
    reviewer = User.objects.create(username="reviewer")
    document = ProtocolDocument.objects.create(
        title="Neglect strategy",
        file="documents/neglect.pdf",
        collection=Collection.objects.get(depth=1),
    )
    page = Page.objects.get(depth=1)
    old_apps.get_model("documents", "DocumentReview").objects.create(
        document=document,
        reviewer=reviewer,
        reviewed_on=datetime.date(2026, 3, 2),
        outcome="no_changes",
        note="Checked against the new procedures.",
    )
    old_apps.get_model("pages", "PageReview").objects.create(
        page=page, reviewer=reviewer, reviewed_on=datetime.date(2026, 4, 1), outcome="updated"
    )
    old_apps.get_model("documents", "ReviewReminder").objects.create(
        owner_email="owner@example.org", sent_on=datetime.date(2026, 5, 4)
    )
    permissions = dict(
        old_apps.get_model("auth", "Permission")
        .objects.filter(
            content_type__app_label__in=("documents", "pages"), codename__in=REVIEW_CODENAMES
        )
        .values_list("codename", "pk")
    )
    assert len(permissions) == len(REVIEW_CODENAMES)
    return {"document": document.pk, "page": page.pk, "reviewer": reviewer.pk} | permissions


def reviews_are_kept(new_apps, old):
    document_review = DocumentReview.objects.get()
    assert (document_review.document_id, document_review.reviewer_id) == (
        old["document"],
        old["reviewer"],
    )
    assert document_review.reviewed_on == datetime.date(2026, 3, 2)
    assert document_review.note == "Checked against the new procedures."
    page_review = PageReview.objects.get()
    assert (page_review.page_id, page_review.outcome) == (old["page"], "updated")
    reminder = ReviewReminder.objects.get()
    assert (reminder.owner_email, reminder.sent_on) == (
        "owner@example.org",
        datetime.date(2026, 5, 4),
    )
    moved = new_apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="reviews", codename__in=REVIEW_CODENAMES
    )
    assert dict(moved.values_list("codename", "pk")) == {
        codename: old[codename] for codename in REVIEW_CODENAMES
    }
    app_label, codename = REVIEW_PERMISSION.split(".")
    assert (
        new_apps.get_model("auth", "Group")
        .objects.filter(
            name="Reviewers",
            permissions__content_type__app_label=app_label,
            permissions__codename=codename,
        )
        .exists()
    )


def add_link_checks(old_apps):
    """A failing and a passing link check, and a group given the broken links report."""
    OldLinkCheck = old_apps.get_model("procedures", "LinkCheck")
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
    old_type, _ = old_apps.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="procedures", model="linkcheck"
    )
    see_report, _ = old_apps.get_model("auth", "Permission").objects.get_or_create(
        content_type=old_type,
        codename="view_link_health",
        defaults={"name": "Can see the broken links report"},
    )
    old_apps.get_model("auth", "Group").objects.create(name="Link checkers").permissions.add(
        see_report
    )


def link_checks_are_kept(django_user_model):
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
