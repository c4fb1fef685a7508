"""The demo site's test database, built once and copied for each test process.

Migrating and loading the demo content takes a core forty seconds (longer on PostgreSQL),
and each pytest-xdist worker, and each run, would otherwise do it again. The first process
to need the database builds it and keeps a copy in var/test-databases/ (a SQLite file, or
a PostgreSQL template database named after it) with the media files the demo content
wrote; every other process, in this run or a later one, makes its own database with
Django's test set-up without migrations (every table, no rows), then fills it from the
copy in a second.

The copy is named by a fingerprint of everything that shapes it (the code, migrations,
templates, demo fixtures and locked dependencies; not the tests): change any of them and
the next run builds a new copy and removes the old one. Deleting var/test-databases/ (make
clean) forces a rebuild."""

import fcntl
import hashlib
import shutil
import sqlite3
from pathlib import Path

import psycopg
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import setup_databases
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
STORE = ROOT / "var" / "test-databases"
# What does not shape the demo database: the tests themselves, the benchmarks, documents,
# and what git, Python, the tools and the project's own runs leave behind (hidden files
# and folders among them).
NOT_FINGERPRINTED = {"var", "tests", "bench", "__pycache__"}
NOT_FINGERPRINTED_SUFFIXES = {".pyc", ".md"}


def source_fingerprint(root=ROOT):
    """A short hash of the files the demo database is built from."""
    digest = hashlib.sha256()
    for path in sorted(files_shaping_the_database(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def files_shaping_the_database(folder):
    for path in folder.iterdir():
        if path.name in NOT_FINGERPRINTED or path.name.startswith("."):
            continue
        if path.is_dir():
            yield from files_shaping_the_database(path)
        elif path.suffix not in NOT_FINGERPRINTED_SUFFIXES:
            yield path


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
    """The kept copy of the demo database for this test run's database: a folder in
    STORE and, on PostgreSQL, a template database."""

    def __init__(self):
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.vendor = self.connection.vendor
        self.fingerprint = source_fingerprint()
        self.folder = STORE / f"{self.vendor}-{self.fingerprint}"
        # Named before the test set-up renames the connection's database, so that every
        # process names the same one.
        self.template_prefix = f"test_{self.connection.settings_dict['NAME']}_demo_"
        self.template = f"{self.template_prefix}{self.fingerprint}"

    def database_for_this_process(self, verbosity):
        """Copies the kept copy, or builds the demo database and keeps a copy of it."""
        STORE.mkdir(parents=True, exist_ok=True)
        with open(STORE / f"{self.vendor}.lock", "w") as lock:
            # One builds while the others wait: building side by side would only share
            # the cores between them.
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self._is_kept():
                return self._copied(verbosity)
            self._remove_older_copies()
            config = build_demo_database(verbosity)
            self._keep()
            return config

    def _is_kept(self):
        if not (self.folder / "ready").exists():
            return False
        # PostgreSQL may have been reset since.
        return self.vendor == "sqlite" or bool(
            self._postgres("SELECT 1 FROM pg_database WHERE datname = %s", self.template)
        )

    def _remove_older_copies(self):
        for folder in STORE.glob(f"{self.vendor}-*"):
            shutil.rmtree(folder)
        if self.vendor == "postgresql":
            for (name,) in self._postgres(
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                self.template_prefix,
            ):
                self._postgres_command("DROP DATABASE IF EXISTS {}", name)

    def _keep(self):
        shutil.copytree(settings.MEDIA_ROOT, self.folder / "media")
        if self.vendor == "sqlite":
            self._sqlite_backup(into_file=True)
        else:
            # A database being copied may have no other connection open.
            connections.close_all()
            built = self.connection.settings_dict["NAME"]
            self._postgres_command("CREATE DATABASE {} TEMPLATE {}", self.template, built)
        (self.folder / "ready").touch()

    def _copied(self, verbosity):
        test_settings = self.connection.settings_dict["TEST"]
        test_settings["MIGRATE"] = False
        try:
            config = create_test_database(verbosity)
        finally:
            test_settings["MIGRATE"] = True
        shutil.copytree(self.folder / "media", settings.MEDIA_ROOT, dirs_exist_ok=True)
        if self.vendor == "sqlite":
            self._sqlite_backup(into_file=False)
        else:
            name = self.connection.settings_dict["NAME"]
            connections.close_all()
            self._postgres_command("DROP DATABASE {}", name)
            self._postgres_command("CREATE DATABASE {} TEMPLATE {}", name, self.template)
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

    def _postgres_command(self, statement, *names):
        self._postgres(sql.SQL(statement).format(*map(sql.Identifier, names)))

    def _postgres(self, query, *params):
        database = self.connection.settings_dict
        with psycopg.connect(
            dbname="postgres",
            host=database["HOST"] or None,
            port=database["PORT"] or None,
            user=database["USER"] or None,
            password=database["PASSWORD"] or None,
            autocommit=True,
        ) as maintenance:
            cursor = maintenance.execute(query, params or None)
            return cursor.fetchall() if cursor.description else None
