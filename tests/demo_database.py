"""The demo site's test database, built once per test run and copied for each pytest-xdist
worker.

Migrating and loading the demo content takes a core half a minute (longer on PostgreSQL),
and each worker would otherwise do it again. The first worker to need the database builds
it and keeps a copy (a SQLite file, or a PostgreSQL template database) with the media files
the demo content wrote; each other worker makes its own database with Django's test set-up
without migrations (every table, no rows), then fills it from the copy."""

import fcntl
import shutil
import sqlite3

import psycopg
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import setup_databases
from psycopg import sql


def build_demo_database(verbosity):
    """The test database with the demo site, for this test process. Returns what Django's
    teardown_databases() takes."""
    config = create_test_database(verbosity)
    call_command("load_demo_content", verbosity=0)
    return config


def create_test_database(verbosity):
    """Django's test database for this process, made as its settings say (migrated or not)."""
    # No test serialises the database for its rollback: skip reading it all back.
    return setup_databases(
        verbosity=verbosity,
        interactive=False,
        aliases={DEFAULT_DB_ALIAS},
        serialized_aliases=set(),
    )


class DemoDatabaseCopy:
    """The copy of the demo database kept in `folder` (one folder shared by a run's
    workers), and, on PostgreSQL, the template database of the run's database name."""

    def __init__(self, folder):
        self.folder = folder
        self.connection = connections[DEFAULT_DB_ALIAS]
        # Named before the test set-up renames the connection's database, so that every
        # worker, and the process that started them, names the same one.
        self.template = f"test_{self.connection.settings_dict['NAME']}_demo"

    def database_for_this_worker(self, verbosity):
        """Builds the demo database, or copies the copy if another worker built it."""
        self.folder.mkdir(exist_ok=True)
        with open(self.folder / "lock", "w") as lock:
            # One builds while the others wait: building side by side would only share
            # the cores between them.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if (self.folder / "ready").exists():
                return self._copied(verbosity)
            config = build_demo_database(verbosity)
            self._keep()
            return config

    def _keep(self):
        shutil.copytree(settings.MEDIA_ROOT, self.folder / "media")
        if self.connection.vendor == "sqlite":
            self._sqlite_backup(into_file=True)
        else:
            # A database being copied may have no other connection open.
            connections.close_all()
            self._postgres("DROP DATABASE IF EXISTS {}", self.template)
            built = self.connection.settings_dict["NAME"]
            self._postgres("CREATE DATABASE {} TEMPLATE {}", self.template, built)
        (self.folder / "ready").touch()

    def _copied(self, verbosity):
        test_settings = self.connection.settings_dict["TEST"]
        test_settings["MIGRATE"] = False
        try:
            config = create_test_database(verbosity)
        finally:
            test_settings["MIGRATE"] = True
        shutil.copytree(self.folder / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
        if self.connection.vendor == "sqlite":
            self._sqlite_backup(into_file=False)
        else:
            name = self.connection.settings_dict["NAME"]
            connections.close_all()
            self._postgres("DROP DATABASE {}", name)
            self._postgres("CREATE DATABASE {} TEMPLATE {}", name, self.template)
        # The content types the empty tables were given have other ids than the copy's.
        ContentType.objects.clear_cache()
        return config

    def _sqlite_backup(self, into_file):
        self.connection.ensure_connection()
        database = self.connection.connection
        copy = sqlite3.connect(self.folder / "demo.sqlite3")
        try:
            if into_file:
                database.backup(copy)
            else:
                copy.backup(database)
        finally:
            copy.close()

    def _postgres(self, statement, *names):
        database = self.connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            autocommit=True,
        ) as maintenance:
            maintenance.execute(sql.SQL(statement).format(*map(sql.Identifier, names)))

    def remove(self):
        """Once the whole run has ended: the PostgreSQL template (pytest removes the folder)."""
        if self.connection.vendor == "postgresql":
            self._postgres("DROP DATABASE IF EXISTS {}", self.template)
