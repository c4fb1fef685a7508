"""The running site (tests/production_server.py) when what it depends on fails: database
connections dropped while requests flow, the database refusing connections, Redis stopped.
It must keep answering, never hang, and recover by itself, without a restart."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from partnership_site.cache import ResilientRedisCache
from tests.production_server import Client

# gunicorn's workers × threads in these tests (WEB_CONCURRENCY, GUNICORN_THREADS).
REQUESTS_AT_ONCE = 4


@pytest.fixture(scope="module")
def section(production, redis):
    """The address of a section of the module's own."""
    code = 'print(factories.create_section("Outage test section").url)'
    return production.make(code, REDIS_URL=redis.url).split()[-1]


def workers_started(server):
    return [e for e in server.log_entries() if e["message"].startswith("Booting worker")]


def search(server, words):
    """An uncached page that needs the database: each search is a new address."""
    try:
        response = Client(server).get(f"/search/?q={words}", timeout=10)
    except requests.RequestException as error:
        return error
    return response.status_code


def test_dropped_database_connections_fail_at_most_the_requests_in_flight(production, redis_server):
    workers = workers_started(redis_server)
    dropped = 0
    with ThreadPoolExecutor(max_workers=REQUESTS_AT_ONCE) as pool:
        outcomes = pool.map(lambda n: search(redis_server, f"safeguarding {n}"), range(150))
        for _ in range(3):
            time.sleep(0.4)
            dropped += production.database.drop_connections()
        outcomes = list(outcomes)

    assert dropped, "no connection was open to drop"
    # Every request was answered in time: none hung or was cut off.
    assert all(isinstance(outcome, int) for outcome in outcomes), outcomes
    failed = [status for status in outcomes if status != 200]
    assert set(failed) <= {500}
    assert len(failed) <= 3 * REQUESTS_AT_ONCE
    # Recovered, by the same workers.
    assert [search(redis_server, f"recovered {n}") for n in range(8)] == [200] * 8
    assert workers_started(redis_server) == workers


def test_while_the_database_refuses_connections_cached_pages_are_still_served(
    production, redis_server, section
):
    visitor = Client(redis_server)
    visitor.get(section)
    assert visitor.get(section).headers["X-Page-Cache"] == "hit"

    production.database.allow_connections(False)
    try:
        production.database.drop_connections()
        started = time.monotonic()
        health = visitor.get("/healthz")
        assert (health.status_code, health.text) == (503, "unavailable")
        assert time.monotonic() - started < 5
        # Each request on a new connection, to whichever worker takes it: among them a
        # worker that had served nothing since the section was made.
        assert [visitor.get(section).status_code for _ in range(8)] == [200] * 8

        failed = visitor.get("/search/?q=outage")
        assert failed.status_code == 500
        assert "Sorry, there is a problem with the service" in failed.text
        for detail in ("Traceback", "OperationalError", "psycopg", production.database.name):
            assert detail not in failed.text
        assert "default-src 'self'" in failed.headers["Content-Security-Policy"].split("; ")
    finally:
        production.database.allow_connections(True)

    assert visitor.get("/healthz").status_code == 200
    assert visitor.get("/search/?q=outage").status_code == 200


def test_while_redis_is_stopped_pages_are_rendered_from_the_database(redis_server, redis, section):
    visitor = Client(redis_server)
    visitor.get(section)
    assert visitor.get(section).headers["X-Page-Cache"] == "hit"

    redis.stop()
    try:
        for path in (section, "/", "/search/?q=neglect"):
            response = visitor.get(path, timeout=5)
            assert response.status_code == 200, path
            assert response.headers["X-Page-Cache"] == "miss", path
        # Staff can still sign in: sessions live in the database too.
        editor = Client(redis_server)
        editor.log_in()
        assert editor.get("/admin/").status_code == 200
    finally:
        redis.start()
    warnings = [e for e in redis_server.log_entries() if e["logger"] == "partnership_site.cache"]
    assert warnings[0]["level"] == "WARNING"
    assert "Redis is unavailable" in warnings[0]["message"]

    # Back in use once each server thread's pause is over.
    time.sleep(ResilientRedisCache.retry_after_seconds)
    visitor.get(section)
    assert visitor.get(section).headers["X-Page-Cache"] == "hit"
