"""The site as production runs it (tests/production_server.py), for the tests in this
folder: one site per test process, and servers started once per module.

The folder is one unit of work for pytest-xdist (tests/conftest.py), so that the site,
whose building takes the longest of any fixture, is built once per run."""

import pytest

from tests.production_server import RedisServer, Server, plain_server, production_site


@pytest.fixture(scope="module")
def production(request):
    """The production site of this test process."""
    return production_site(request.config)


@pytest.fixture(scope="module")
def plain(request, production):
    """The production site's server with the production defaults (file cache, no Redis),
    shared by the test process."""
    return plain_server(request.config)


@pytest.fixture(scope="module")
def redis(request, production):
    """A Redis of the module's own, which its tests may pause or stop."""
    redis = RedisServer(production.root / f"redis-{module_name(request)}")
    yield redis
    redis.stop()


@pytest.fixture(scope="module")
def redis_server(request, production, redis):
    """A production server of the module's own, its page cache and sessions in `redis`."""
    server = Server(production, module_name(request), REDIS_URL=redis.url)
    yield server
    server.stop()


def module_name(request):
    return request.module.__name__.rpartition(".")[2]
