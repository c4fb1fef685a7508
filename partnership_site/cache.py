"""Django's Redis cache, made to keep the site up while Redis is down.

Every cache user here (the anonymous page cache, sessions, Wagtail's redirect imports)
can do without the cache: a page is rendered from the database instead, only slower. So
when Redis cannot be reached the cache behaves as Django's DummyCache, which keeps nothing,
and leaves Redis alone for a few seconds rather than wait for another timeout on every call.
It logs a warning when Redis goes away and when it is back (once for each server thread:
Django gives every thread a cache object of its own), not on every call in between.

Publishing while Redis is away still invalidates the pages Redis holds: the page cache
moves the database's part of the content version, and the cache's part once Redis
answers again (sitewide/page_cache.py).
"""

import logging
import time

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)


class ResilientRedisCache(RedisCache):
    retry_after_seconds = 5

    def __init__(self, server, params):
        super().__init__(server, params)
        self._stand_in = DummyCache(server, params)
        self._retry_at = None

    def _call(self, name, *args, **kwargs):
        if self._retry_at is not None and time.monotonic() < self._retry_at:
            return getattr(self._stand_in, name)(*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            if self._retry_at is None:
                logger.warning(
                    "Redis is unavailable, so pages are rendered without the cache: %s", error
                )
            self._retry_at = time.monotonic() + self.retry_after_seconds
            return getattr(self._stand_in, name)(*args, **kwargs)
        if self._retry_at is not None:
            logger.info("Redis is available again")
            self._retry_at = None
        return result

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        return self._call("clear")
