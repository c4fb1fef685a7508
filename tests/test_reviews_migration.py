"""Upgrading a database from before reviews had an app of their own (reviews 0001): the
document and page reviews recorded and the reminders sent keep their rows, their content
types keep their permissions, and Reviewers keep theirs."""

import copy
import datetime

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from reviews.models import REVIEW_PERMISSION, DocumentReview, PageReview, ReviewReminder

REVIEWS_APP_CREATED = ("reviews", "0001_initial")


@pytest.fixture
def upgrade_database(monkeypatch, tmp_path, django_db_blocker):
    """A database of its own, migrated from nothing, as the default one while the test runs:
    migrations (Wagtail's data migrations among them) write to the default database, and the
    one the other tests share keeps its demo content only because it is never migrated again.
    """
    shared = connections[DEFAULT_DB_ALIAS]
    settings_dict = copy.deepcopy(shared.settings_dict)
    if shared.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = str(tmp_path / "upgrade.sqlite3")
    else:
        settings_dict["TEST"]["NAME"] = f"{shared.settings_dict['NAME']}_reviews_upgrade"
    upgrade = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    # create_test_db writes the test database's name into the settings too.
    monkeypatch.setitem(settings.DATABASES[DEFAULT_DB_ALIAS], "NAME", settings_dict["NAME"])
    connections[DEFAULT_DB_ALIAS] = upgrade
    try:
        with django_db_blocker.unblock():
            upgrade.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            try:
                yield upgrade
            finally:
                upgrade.creation.destroy_test_db(settings_dict["NAME"], verbosity=0)
    finally:
        connections[DEFAULT_DB_ALIAS] = shared


def test_an_upgrade_keeps_reviews_reminders_and_permissions(upgrade_database):
    executor = MigrationExecutor(upgrade_database)
    # The layout before: the reviews app's first migration and what depends on it undone.
    before = [
        parent
        for parent in executor.loader.graph.node_map[REVIEWS_APP_CREATED].parents
        if parent.key[0] in ("documents", "pages")
    ]
    old_apps = executor.migrate([parent.key for parent in before] + [("reviews", None)]).apps

    User = old_apps.get_model("auth", "User")
    Permission = old_apps.get_model("auth", "Permission")
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
    old_permissions = dict(
        Permission.objects.filter(
            content_type__app_label__in=("documents", "pages"),
            codename__in=("view_documentreview", "view_pagereview", "view_reviewreminder"),
        ).values_list("codename", "pk")
    )

    executor = MigrationExecutor(upgrade_database)
    executor.migrate(executor.loader.graph.leaf_nodes())

    document_review = DocumentReview.objects.get()
    assert (document_review.document_id, document_review.reviewer_id) == (document.pk, reviewer.pk)
    assert document_review.reviewed_on == datetime.date(2026, 3, 2)
    assert document_review.note == "Checked against the new procedures."
    page_review = PageReview.objects.get()
    assert (page_review.page_id, page_review.outcome) == (page.pk, "updated")
    reminder = ReviewReminder.objects.get()
    assert (reminder.owner_email, reminder.sent_on) == (
        "owner@example.org",
        datetime.date(2026, 5, 4),
    )

    new_apps = executor.loader.project_state().apps
    moved = new_apps.get_model("auth", "Permission").objects.filter(
        content_type__app_label="reviews"
    )
    assert len(old_permissions) == 3
    assert dict(moved.values_list("codename", "pk")) | old_permissions == dict(
        moved.values_list("codename", "pk")
    )
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
