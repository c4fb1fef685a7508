"""The site as production runs it, on this machine, for the tests that need it running.

Servers are started with scripts/run-production-locally, which takes the container image's
steps (the runtime lock in a virtualenv of its own, collectstatic, gunicorn.conf.py), under
the production settings, on a throw-away PostgreSQL database, with Redis where a test asks
for it. They listen on 127.0.0.1 only, and cannot reach another machine: their outgoing HTTP
goes to a proxy address where nothing listens (a page with a video would otherwise ask
YouTube for the player).

One site (database, static and media folders, demo content, an editor) is built on first use
and shared by the whole test run; so is one plain server. Tests that need servers of their
own (Redis, faults) start and stop them in module fixtures.

PostgreSQL is the one named by DATABASE_URL when that is PostgreSQL, else 127.0.0.1:5432 as
user postgres. Without PostgreSQL or redis-server the tests are skipped, and fail in CI.
"""

import base64
import contextlib
import fcntl
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from bs4 import BeautifulSoup
from django_otp.oath import TOTP
from psycopg import sql

from tests.demo_database import STORE, source_fingerprint
from tests.required_tools import require

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run-production-locally"
# The site's public name in these tests; a TLS proxy in front would send it.
HOST = "safeguarding.test"
EDITOR = ("editor", "a-long-editor-password-for-tests-only")
# Each username's unused recovery codes, from setting up their authenticator app: a code
# from the app works once in its 30 seconds, a recovery code once at any time.
RECOVERY_CODES = {}
NOWHERE = "http://127.0.0.1:9"
# How often the servers read the database's content version (5 s as shipped): what a
# test makes from another process reaches them within this, and the tests wait for it.
CONTENT_VERSION_CHECK_SECONDS = 2
# Settings the tests choose for themselves, whatever the developer's shell says.
INHERITED_SETTINGS = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "DEBUG",
    "REDIS_URL",
    "PAGE_CACHE_SECONDS",
    "CACHE_DIR",
    "LOG_LEVEL",
    "CSRF_TRUSTED_ORIGINS",
)
INHERITED_PREFIXES = ("AWS_", "FRONTEND_CACHE_", "SECURE_", "EMAIL_", "GUNICORN_")

# The template databases of KeptProductionSite.
KEPT_PRODUCTION_PREFIX = "partnership_production_demo_"

SITE_KEY = pytest.StashKey()
PLAIN_SERVER_KEY = pytest.StashKey()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresDatabase:
    def __init__(self):
        configured = os.environ.get("DATABASE_URL", "")
        server = urlsplit(
            configured
            if configured.startswith(("postgres://", "postgresql://"))
            else "postgres://postgres@127.0.0.1:5432/postgres"
        )
        self.name = f"partnership_production_test_{secrets.token_hex(4)}"
        self.address = f"{server.hostname}:{server.port or 5432}"
        self.url = urlunsplit(server._replace(path=f"/{self.name}", query=""))
        self.maintenance_url = urlunsplit(server._replace(path="/postgres", query=""))

    def _execute(self, url, query, params=None):
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as db:
            cursor = db.execute(query, params)
            return cursor.fetchall() if cursor.description else None

    def create(self, template=None):
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name))
        if template:
            statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
        try:
            self._execute(self.maintenance_url, statement)
        except psycopg.OperationalError as error:
            require(False, f"PostgreSQL is not reachable at {self.address}: {error}")

    def databases_named(self, prefix):
        try:
            rows = self._execute(
                self.maintenance_url,
                "SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                (prefix,),
            )
        except psycopg.OperationalError as error:
            require(False, f"PostgreSQL is not reachable at {self.address}: {error}")
        return [name for (name,) in rows]

    def keep_as(self, name):
        """A copy of this database as it stands, as a template for later ones."""
        self._execute(
            self.maintenance_url,
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.name)
            ),
        )

    def drop_database(self, name):
        self._execute(
            self.maintenance_url,
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)),
        )

    def drop(self):
        self.allow_connections(True)
        self.drop_database(self.name)

    def allow_connections(self, allowed):
        self._execute(
            self.maintenance_url,
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(self.name), sql.Literal(allowed)
            ),
        )

    def drop_connections(self):
        """Ends every connection to the site's database, as a failover or a restart of
        PostgreSQL would; returns how many there were."""
        return len(
            self._execute(
                self.maintenance_url,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            )
        )

    def query(self, query, *params):
        return self._execute(self.url, query, params)


class RedisServer:
    """redis-server on a free loopback port, keeping nothing on disk."""

    def __init__(self, directory):
        require(
            shutil.which("redis-server"), "redis-server not found: apt-get install redis-server"
        )
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        self.stop()
        pytest.fail("redis-server did not start within 10 seconds")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class KeptProductionSite:
    """The production site as first built (migrated, demo content, the editor), kept for
    later runs as tests/demo_database.py keeps the test database, and under the same
    fingerprint: a PostgreSQL template database and the media files in
    var/test-databases/. Building it takes a core about a minute; copying it, a second."""

    def __init__(self, database):
        self.database = database
        fingerprint = source_fingerprint()
        self.template = f"{KEPT_PRODUCTION_PREFIX}{fingerprint}"
        self.folder = STORE / f"production-{fingerprint}"
        self.media = self.folder / "media"

    @contextlib.contextmanager
    def locked(self):
        STORE.mkdir(parents=True, exist_ok=True)
        with open(STORE / "production.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def is_kept(self):
        return (self.folder / "ready").exists() and self.template in (
            self.database.databases_named(self.template)
        )

    def keep(self, media):
        for folder in STORE.glob("production-*"):
            shutil.rmtree(folder)
        for name in self.database.databases_named(KEPT_PRODUCTION_PREFIX):
            self.database.drop_database(name)
        self.database.keep_as(self.template)
        shutil.copytree(media, self.media)
        (self.folder / "ready").touch()


class ProductionSite:
    """The database, folders and environment that the servers of one test run share."""

    def __init__(self):
        self.database = PostgresDatabase()
        self.root = Path(tempfile.mkdtemp(prefix="partnership-production-"))
        self.media = self.root / "media"
        self.static = STORE / "production-static"
        self.environment = self._environment()
        kept = KeptProductionSite(self.database)
        with kept.locked():
            copying = kept.is_kept()
            self.database.create(template=kept.template if copying else None)
            try:
                if copying:
                    shutil.copytree(kept.media, self.media)
                else:
                    self._build()
                    kept.keep(self.media)
                self._add_stand_in_videos()
            except BaseException:
                self.remove()
                raise

    def _environment(self):
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in INHERITED_SETTINGS and not name.startswith(INHERITED_PREFIXES)
        }
        environment.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=f"{HOST},127.0.0.1",
            DATABASE_URL=self.database.url,
            WAGTAILADMIN_BASE_URL=f"https://{HOST}",
            SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https",
            # Collected on first use and kept for later runs: scripts/run-production-locally
            # collects again when static/ or the dependencies change.
            STATIC_ROOT=str(self.static),
            MEDIA_ROOT=str(self.media),
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            WEB_CONCURRENCY="2",
            GUNICORN_THREADS="2",
            CONTENT_VERSION_CHECK_SECONDS=str(CONTENT_VERSION_CHECK_SECONDS),
        )
        # The script's first run installs the production virtualenv: with the tests' own
        # uv where there is one (`make install-test` puts it there) rather than pip.
        uv = Path(sys.executable).with_name("uv")
        if uv.exists():
            environment["UV"] = str(uv)
        return environment

    def _build(self):
        commands = [
            ["python", "manage.py", "migrate", "--noinput", "--verbosity", "0"],
            ["python", "manage.py", "load_demo_content", "--verbosity", "0"],
            ["python", "manage.py", "createsuperuser", "--noinput"]
            + ["--username", EDITOR[0], "--email", "editor@example.org"],
        ]
        # One run of the script, as its first run installs the virtualenv.
        result = subprocess.run(
            [SCRIPT, "sh", "-c", " && ".join(subprocess.list2cmdline(c) for c in commands)],
            cwd=ROOT,
            env={**self.environment, "DJANGO_SUPERUSER_PASSWORD": EDITOR[1]},
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode:
            pytest.fail(f"Building the production site failed:\n{result.stdout}\n{result.stderr}")

    def _add_stand_in_videos(self):
        """What YouTube would have said about the demo's videos, so that their pages offer
        the player (without it, a page only links to the video)."""
        from wagtail.embeds.embeds import get_embed_hash

        for url in demo_video_urls():
            self.database.query(
                "INSERT INTO wagtailembeds_embed (url, hash, type, html, title, author_name, "
                "provider_name, thumbnail_url, width, height, last_updated) "
                "VALUES (%s, %s, 'video', %s, 'Stand-in', '', 'YouTube', '', 480, 270, now())",
                url,
                get_embed_hash(url),
                '<iframe src="https://www.youtube.com/embed/stand-in"></iframe>',
            )

    def run(self, *command, **settings):
        """`command` in a container of its own, as the scheduled jobs run: the image's steps
        (the script), the site's environment with `settings`. Returns its standard output."""
        result = subprocess.run(
            [SCRIPT, *command],
            cwd=ROOT,
            env={**self.environment, **settings},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def make(self, code, **settings):
        """Runs `code`, Python that makes what a test needs with tests/factories.py (at hand
        as `factories`), as run() runs a command; returns what it prints once every server
        of the site may serve what it made: each reads the database's content version
        every CONTENT_VERSION_CHECK_SECONDS at most."""
        output = self.run(
            "python", "manage.py", "shell", "-c", f"from tests import factories\n{code}", **settings
        )
        time.sleep(CONTENT_VERSION_CHECK_SECONDS + 0.5)
        return output

    def remove(self):
        self.database.drop()
        shutil.rmtree(self.root, ignore_errors=True)

    def media_files(self):
        return sorted(str(path.relative_to(self.media)) for path in self.media.rglob("*"))


def demo_video_urls():
    urls = []

    def collect(node):
        if isinstance(node, dict):
            if node.get("type") == "video" and isinstance(node.get("value"), dict):
                urls.append(node["value"]["video"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(json.loads((ROOT / "fixtures" / "demo_site.json").read_text()))
    return urls


def production_site(config):
    """The site of this test run, built on first use and removed when the run ends."""
    if SITE_KEY not in config.stash:
        site = ProductionSite()
        config.add_cleanup(site.remove)
        config.stash[SITE_KEY] = site
    return config.stash[SITE_KEY]


def plain_server(config):
    """One server with the production defaults (file cache, no Redis), shared by the run."""
    if PLAIN_SERVER_KEY not in config.stash:
        site = production_site(config)
        server = Server(site, "plain", CACHE_DIR=str(site.root / "plain-cache"))
        config.add_cleanup(server.stop)
        config.stash[PLAIN_SERVER_KEY] = server
    return config.stash[PLAIN_SERVER_KEY]


class Server:
    """gunicorn serving the site on a free loopback port, started the production way."""

    def __init__(self, site, name, **settings):
        self.site = site
        self.port = free_port()
        self.log = site.root / f"{name}.log"
        environment = {
            **site.environment,
            **settings,
            "GUNICORN_CMD_ARGS": f"--bind 127.0.0.1:{self.port}",
            # The browser tests' forms come from the server's own address, over plain HTTP,
            # while their X-Forwarded-Proto header makes Django expect an HTTPS origin.
            "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{self.port}",
            "HTTP_PROXY": NOWHERE,
            "HTTPS_PROXY": NOWHERE,
            "http_proxy": NOWHERE,
            "https_proxy": NOWHERE,
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [SCRIPT],
                cwd=ROOT,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_until_healthy(workers=int(environment["WEB_CONCURRENCY"]))
        except BaseException:
            self.stop()
            raise

    def _wait_until_healthy(self, workers):
        # Healthy once every worker has started (the first may answer before the others
        # are forked) and the site answers.
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"gunicorn stopped on start:\n{self.log.read_text()}")
            try:
                healthy = requests.get(self.url("/healthz"), timeout=5).status_code == 200
            except requests.RequestException:
                healthy = False
            if healthy and self.workers_booted() >= workers:
                return
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not answer within 2 minutes:\n{self.log.read_text()}")

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self):
        # SIGINT: gunicorn's quick shutdown (SIGTERM would wait for idle keep-alive
        # connections), to the script's whole process group in case it is still installing.
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            # With the machine loaded by a whole test run, a worker now and then outlives
            # the quick shutdown and the master waits out graceful_timeout (25 s) for it.
            # How gunicorn stops is tested on its own (tests/test_production_image.py);
            # a test's server need not be waited for.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def workers_booted(self):
        return self.log.read_text().count('"message": "Booting worker')

    def log_entries(self):
        """The JSON lines of the server's log so far."""
        return [json.loads(line) for line in self.log.read_text().splitlines() if line]

    def access_log_entries_after(self, start, wait=5):
        """The access log's entries after the first `start` lines of the log. gunicorn logs
        a request once its response is sent, so the client can be answered before the
        line is written: wait a little for the first."""
        deadline = time.monotonic() + wait
        while True:
            entries = [e for e in self.log_entries()[start:] if e["logger"] == "gunicorn.access"]
            if entries or time.monotonic() > deadline:
                return entries
            time.sleep(0.05)


class Client:
    """Talks to a server as a browser would through the site's TLS proxy: for the site's
    name, marked as HTTPS, and sending back its (Secure) cookies. Redirects are not
    followed: they lead to https://safeguarding.test, which is not on this machine."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}
        self.session = requests.Session()
        self.session.headers.update(
            {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
        )

    def request(self, method, path, **options):
        response = self.session.request(
            method,
            self.server.url(path),
            cookies=self.cookies,
            allow_redirects=False,
            timeout=options.pop("timeout", 15),
            **options,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def get(self, path, **options):
        return self.request("GET", path, **options)

    def post(self, path, **options):
        return self.request("POST", path, **options)

    def form(self, path, selector="form"):
        """The address and the fields of the form at `path`, filled in as a browser would
        submit it untouched."""
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return form_fields(response.text, selector)

    def log_in(self, username=EDITOR[0], password=EDITOR[1]):
        _, fields = self.form("/admin/login/")
        response = self.post(
            "/admin/login/", data={**fields, "username": username, "password": password}
        )
        assert response.status_code == 302, response.text
        self.give_second_factor(username)
        return response

    def give_second_factor(self, username):
        """The second step administrators (the editor here is one) must take, through the
        site's pages: setting up an authenticator app the first time, a recovery code after."""
        sent_to = urlsplit(self.get("/admin/").headers.get("Location", "")).path
        if sent_to not in SECOND_STEP_PATHS:
            return
        page = self.get(sent_to).text
        action, fields = form_fields(page, f'form[action="{sent_to}"]')
        code = second_factor_code(self.server.site.database, sent_to, page, username)
        response = self.post(action, data={**fields, "code": code})
        assert response.status_code in (200, 302), response.text
        keep_recovery_codes(username, response.text)
        assert self.get("/admin/").status_code == 200


SECOND_STEP_PATHS = ("/admin/two-factor/verify/", "/admin/two-factor/")


def second_factor_code(database, path, page, username=EDITOR[0]):
    """A recovery code kept from setting up the app, or, the first time, a code from the
    app being set up with the key the set-up page shows."""
    if path == "/admin/two-factor/verify/":
        return recovery_code(database, username)
    key = BeautifulSoup(page, "html.parser").select_one("#two-factor-key").text
    return f"{TOTP(base64.b32decode(key.replace(' ', ''))).token():06d}"


def recovery_code(database, username):
    """One of the user's recovery codes, each used once. The servers of a test run sign the
    editor in more often than the ten codes set-up gives, so more are added to the editor's
    recovery device when they run out, as an administrator would issue new ones."""
    codes = RECOVERY_CODES.setdefault(username, [])
    if not codes:
        fresh = [secrets.token_hex(4) for _ in range(10)]
        database.query(
            "INSERT INTO otp_static_statictoken (device_id, token)"
            " SELECT device.id, code FROM otp_static_staticdevice AS device"
            " JOIN auth_user ON auth_user.id = device.user_id, unnest(%s::text[]) AS code"
            " WHERE auth_user.username = %s",
            fresh,
            username,
        )
        codes.extend(fresh)
    return codes.pop()


def keep_recovery_codes(username, page):
    codes = BeautifulSoup(page, "html.parser").select("#recovery-codes code")
    if codes:
        RECOVERY_CODES[username] = [code.text for code in codes]


def give_second_factor_in_browser(page, database, username=EDITOR[0]):
    """The same second step in a browser tab that has just sent the password."""
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path not in SECOND_STEP_PATHS:
        return
    code = second_factor_code(database, path, page.content(), username)
    page.fill('input[name="code"]', code)
    page.click(f'form[action="{path}"] [type=submit]')
    page.wait_for_load_state()
    keep_recovery_codes(username, page.content())


def form_fields(html, selector):
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    fields = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name, kind = field.get("name"), field.get("type")
        if not name or field.has_attr("disabled") or kind in ("submit", "button", "file"):
            continue
        if kind in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            # As in a browser, a newline straight after <textarea> is not part of the value.
            fields[name] = field.text.removeprefix("\n")
        elif field.name == "select":
            option = field.find("option", selected=True) or field.find("option")
            fields[name] = option.get("value", option.text) if option else ""
        else:
            fields[name] = field.get("value", "on" if kind in ("checkbox", "radio") else "")
    return form.get("action"), fields


def raw_request(server, path="/", host=HOST):
    """GETs `path` with the Host header given, sent exactly as written (no client tidies
    them), as through the TLS proxy; returns the status code and the whole response."""
    head = (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\n"
        "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", server.port), timeout=15) as sock:
        sock.sendall(head.encode("latin-1"))
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    return int(response.split(b" ", 2)[1]), response
