"""The Redis cache that keeps the site up while Redis is down (partnership_site/cache.py).
tests/production/test_faults.py stops Redis under a running server; these look at the cache
itself."""

import logging
import time

import pytest
from django.core.cache.backends.redis import RedisCache

from partnership_site.cache import ResilientRedisCache
from tests.production_server import RedisServer, free_port

OPTIONS = {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}


@pytest.fixture
def unreachable():
    return ResilientRedisCache(f"redis://127.0.0.1:{free_port()}/0", OPTIONS)


def test_an_unreachable_redis_behaves_as_a_cache_that_keeps_nothing(unreachable, caplog):
    with caplog.at_level(logging.INFO, logger="partnership_site.cache"):
        unreachable.set("page", "<html>")
        assert unreachable.get("page") is None
        assert unreachable.get("page", "fallback") == "fallback"
        assert unreachable.get_or_set("page-cache:version", 1) == 1
        assert unreachable.get_many(["a", "b"]) == {}
        assert unreachable.has_key("page") is False
        assert unreachable.delete("page") is False
        # As for a key that is not there: the page cache then starts a new version.
        with pytest.raises(ValueError):
            unreachable.incr("page-cache:version")

    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "Redis is unavailable" in caplog.records[0].getMessage()


def test_it_waits_before_trying_redis_again(unreachable, monkeypatch):
    tries = []
    monkeypatch.setattr(RedisCache, "get", lambda self, *args, **kwargs: tries.append(args))
    unreachable._retry_at = time.monotonic() + 60

    assert unreachable.get("page") is None
    assert tries == []


def test_it_uses_redis_again_once_it_is_back(tmp_path, caplog):
    redis = RedisServer(tmp_path)
    cache = ResilientRedisCache(redis.url, OPTIONS)
    cache.retry_after_seconds = 0.1
    try:
        cache.set("page", "before")
        assert cache.get("page") == "before"
        redis.stop()
        assert cache.get("page") is None
        redis.start()
        time.sleep(0.2)
        with caplog.at_level(logging.INFO, logger="partnership_site.cache"):
            cache.set("page", "after")
        assert cache.get("page") == "after"
        assert "Redis is available again" in caplog.text
    finally:
        redis.stop()
