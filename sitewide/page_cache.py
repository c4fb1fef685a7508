"""Whole-page cache for anonymous visitors.

Practitioners are anonymous, and most of them read the same few pages: answering them
from the cache takes no database work at all. Anyone with a session (partnership staff)
always gets a freshly rendered page. Publishing, unpublishing, moving or deleting a page,
and saving a document or the site settings, invalidates every cached page at once by
moving a version number: the site is small, and a stale contact number is worse than a
few re-renders.

The version has two parts. The cache's own (Redis, or the server's cache folder) is read
on every request, so a change made on one server shows on the others at once. The
database's (ContentVersion) reaches every process, whatever cache it has: a process reads
it every CONTENT_VERSION_CHECK_SECONDS, so a scheduled job run as its own container, or a
change saved while Redis was unreachable, reaches the web server within that time. A move
of the cache's part that failed because the cache was unreachable is made again once it
answers. While the database does not answer, a process takes the database's part from the
cache, where each read leaves it, so every worker goes on serving what the others cached.

Pages show whether the "concerned about a child" team is open now, so nothing is cached
past the next opening or closing time.

A page is stored under its address and the values of the query parameters it declares
(uses_query_parameters): any other parameter is ignored, so the number of stored pages is
bounded by the content, not by what visitors put in addresses.

The parts every page repeats (menu, breadcrumbs, footer) are also cached as fragments
under the same version, so staff and first visits skip their queries too.
"""

import contextvars
import functools
import gzip
import hashlib
import re
import threading
import time
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.signals import request_finished
from django.db import DatabaseError, transaction
from django.http import HttpResponse, QueryDict
from django.utils.cache import patch_vary_headers

from .models import ContentVersion

VERSION_KEY = "page-cache:version"
DATABASE_VERSION_KEY = "page-cache:database-version"
EXCLUDED_PREFIXES = ("/admin/", "/documents/", "/static/", "/media/")


def page_cache():
    return caches[settings.PAGE_CACHE_ALIAS]


class PendingMove:
    """Whether this process failed to move the cache's version (the cache unreachable)
    and must move it once the cache answers again."""

    def __init__(self):
        self._event = threading.Event()

    def record(self):
        self._event.set()

    def take(self):
        """True once for each recorded failure (threads race for it: one wins)."""
        if not self._event.is_set():
            return False
        self._event.clear()
        return True


pending_move = PendingMove()


class DatabaseVersion:
    """This process's copy of ContentVersion, read again every
    CONTENT_VERSION_CHECK_SECONDS (at once after this process moved it)."""

    def __init__(self):
        self._number = None
        self._read_at = None
        self._reading = threading.Lock()

    def get(self):
        if self._due():
            # One thread reads. When the interval has passed, the others go on with the
            # number known until then. When none is known (a new worker's first requests,
            # or this process has just moved it) they wait for the read: a number not read
            # from the database would file pages under a version that is not current, and
            # serve whatever was filed there before.
            waiting = self._number is None or self._read_at is None
            if self._reading.acquire(blocking=waiting):
                try:
                    if self._due():
                        self._read()
                finally:
                    self._reading.release()
        return self._number

    def _due(self):
        read_at = self._read_at
        return (
            self._number is None
            or read_at is None
            or time.monotonic() - read_at >= settings.CONTENT_VERSION_CHECK_SECONDS
        )

    def _read(self):
        # Set first: a database that does not answer is asked again only after the
        # interval, while pages cached under the last number known are still served.
        self._read_at = time.monotonic()
        try:
            self._number = ContentVersion.current()
        except DatabaseError:
            # The latest number any process read: a worker that served nothing since the
            # last change (or has just started) would otherwise look pages up under a
            # number nobody filed them under, and a miss needs the database that is not
            # answering. Never an older number than its own: the number only grows.
            known = [self._number, page_cache().get(DATABASE_VERSION_KEY)]
            self._number = max((number for number in known if number is not None), default=0)
        else:
            page_cache().set(DATABASE_VERSION_KEY, self._number, timeout=None)

    def forget(self):
        self._read_at = None


database_version = DatabaseVersion()


def page_cache_version():
    """The content version, or None when the cache keeps nothing (Redis unreachable):
    then nothing is remembered, because nothing could tell the other servers' copies
    that they are out of date."""
    cache = page_cache()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, first_content_version(), timeout=None)
        version = cache.get(VERSION_KEY)
        if version is not None:
            # A new start is a move too.
            pending_move.take()
    elif pending_move.take():
        move_cache_version()
        version = cache.get(VERSION_KEY)
    if version is None:
        return None
    return f"{version}.{database_version.get()}"


def first_content_version():
    # From the clock, not 1: when the cache starts again empty (Redis restarted), a
    # process that remembered something under an earlier version must not take the new
    # version for that one.
    return time.time_ns()


# The version the request being served read, as a 1-tuple (the version itself may be
# None): what is remembered without the request at hand (view restrictions) then costs
# no second read of the cache.
serving_version = contextvars.ContextVar("serving_version", default=None)


def content_version(request):
    """The page-cache version, read from the cache once per request."""
    if not hasattr(request, "_content_version"):
        request._content_version = page_cache_version()
        serving_version.set((request._content_version,))
    return request._content_version


def current_content_version():
    """The version the request being served read; outside a request, read now."""
    serving = serving_version.get()
    return serving[0] if serving is not None else page_cache_version()


def forget_serving_version(**kwargs):
    serving_version.set(None)


request_finished.connect(forget_serving_version)


def invalidate_page_cache(**kwargs):
    # The cache's version now, so that this process and the servers sharing its cache
    # see the change at once; both versions again when the change is committed, because
    # another process that read the new version before the commit may have remembered
    # what the database held until then, and the database's version moves only with it.
    move_cache_version()
    transaction.on_commit(move_content_version)


def move_content_version():
    ContentVersion.move()
    database_version.forget()
    move_cache_version()


def move_cache_version():
    cache = page_cache()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, first_content_version(), timeout=None)
    if cache.get(VERSION_KEY) is None:
        pending_move.record()


_remembered = {}


def remember(key, version, compute):
    """compute()'s answer, shared by all of this process's requests (and threads) while
    the content version stays `version`, and for REMEMBERED_STATE_SECONDS at most: for
    what every page needs and only an editor's change can change. Callers must not
    change what they are given."""
    if version is None:
        return compute()
    now = time.monotonic()
    remembered = _remembered.get(key)
    if remembered is not None and remembered[0] == version and now < remembered[2]:
        return remembered[1]
    value = compute()
    _remembered[key] = (version, value, now + settings.REMEMBERED_STATE_SECONDS)
    return value


def uses_query_parameters(request, names):
    """Declares the query parameters the response to `request` depends on (pages declare
    theirs as `cache_query_parameters`): the page cache keys the response on their values
    and ignores any other. A response that declares none is cached only for an address
    without a query string."""
    request.page_cache_query_parameters = tuple(names)


def page_location(request):
    return f"{request.get_host()}{request.path}"


def parameters_key(version, location):
    digest = hashlib.sha256(location.encode()).hexdigest()
    return f"page-cache:{version}:parameters:{digest}"


def cache_key(request, version, location, parameters, encoding):
    query = declared_query(request.META.get("QUERY_STRING", ""), parameters)
    digest = hashlib.sha256(f"{location}?{query}".encode()).hexdigest()
    return f"page-cache:{version}:{encoding}:{digest}"


@functools.lru_cache(maxsize=256)
def declared_query(query_string, parameters):
    """The values of the declared `parameters` in a request's `query_string`, as a query
    string. Parsing a query string (Django's QueryDict, from the bytes the request came
    with, as request.GET does) was half of what it added to a hit, so the process keeps
    the answers for the latest few hundred: the searches and filters being read most."""
    values = QueryDict(query_string.encode("iso-8859-1"))
    return urlencode([(name, value) for name in parameters for value in values.getlist(name)])


_declared_parameters = {}


def declared_parameters(cache, version, location):
    """The query parameters the page at `location` declared under this version, or None
    while no response has declared them. Kept by the process once read: they come from
    the page's type, which only a change that moves the version can change, and a hit on
    a page with a query string (search, library filters) then reads one cache entry, not
    two. One version per address is kept, so this holds no more than the site's pages."""
    known = _declared_parameters.get(location)
    if known is not None and known[0] == version:
        return known[1]
    parameters = cache.get(parameters_key(version, location))
    if parameters is not None:
        _declared_parameters[location] = (version, parameters)
    return parameters


def is_cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not request.path.startswith(EXCLUDED_PREFIXES)
    )


def shared_max_age(response):
    """The response's own word on how long a shared cache may keep it (s-maxage)."""
    for directive in response.get("Cache-Control", "").split(","):
        name, _, value = directive.strip().partition("=")
        if name == "s-maxage" and value.isdigit():
            return int(value)
    return 0


def is_cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "public" in response.get("Cache-Control", "")
        and shared_max_age(response) > 0
    )


ACCEPTS_GZIP = re.compile(r"\bgzip\b")
COMPRESSIBLE_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml")


def accepted_encoding(request):
    accepted = request.META.get("HTTP_ACCEPT_ENCODING", "")
    return "gzip" if ACCEPTS_GZIP.search(accepted) else "identity"


class StoredPage(NamedTuple):
    """What the cache keeps of a response for one Accept-Encoding: its headers and the
    bytes to send, gzipped once when stored for clients that accept gzip (when worth it).
    Each encoding is an entry of its own, so a hit reads (and the file cache inflates)
    only the bytes it sends, and compresses nothing. Cheaper to read than a pickled
    HttpResponse."""

    stored_at: float
    status: int
    headers: dict
    body: bytes
    content_encoding: str | None

    @classmethod
    def encodings_of(cls, response):
        """{"gzip": StoredPage, "identity": StoredPage}, the same one when gzip does not pay."""
        patch_vary_headers(response, ("Accept-Encoding",))
        body = response.content
        compressible = (
            len(body) >= 200
            and not response.has_header("Content-Encoding")
            and response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES)
        )
        gzipped = gzip.compress(body, compresslevel=9, mtime=0) if compressible else None
        headers = {name: value for name, value in response.items() if name != "Content-Length"}
        plain = cls(time.time(), response.status_code, headers, body, None)
        if gzipped is None or len(gzipped) >= len(body):
            return {"gzip": plain, "identity": plain}
        return {"gzip": plain._replace(body=gzipped, content_encoding="gzip"), "identity": plain}

    def response(self, label):
        response = HttpResponse(self.body, status=self.status, headers=self.headers)
        response["Content-Length"] = str(len(self.body))
        if self.content_encoding:
            response["Content-Encoding"] = self.content_encoding
        # A shared cache in front counts the time spent here against s-maxage.
        response["Age"] = str(max(0, int(time.time() - self.stored_at)))
        response["X-Page-Cache"] = label
        return response


class AnonymousPageCacheMiddleware:
    """Answers anonymous GET and HEAD requests from the stored bytes of what the page
    last rendered, for as long as the page's own Cache-Control allows a shared cache to
    keep it (sitewide/http_caching.py)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)

        cache = page_cache()
        version = content_version(request)
        location = page_location(request)
        has_query = bool(request.META.get("QUERY_STRING"))
        encoding = accepted_encoding(request)
        # An unknown version (the cache unreachable) caches nothing: a page stored under
        # it could be served after a later change that nothing could record.
        if version is not None:
            parameters = declared_parameters(cache, version, location) if has_query else ()
            if parameters is not None:
                stored = cache.get(cache_key(request, version, location, parameters, encoding))
                if stored is not None:
                    return StoredPage(*stored).response("hit")

        response = self.get_response(request)
        if not is_cacheable_response(response):
            return response
        declared = getattr(request, "page_cache_query_parameters", None)
        if version is None or (declared is None and has_query):
            response["X-Page-Cache"] = "miss"
            return response
        timeout = min(settings.PAGE_CACHE_SECONDS, shared_max_age(response))
        parameters = declared or ()
        stored = StoredPage.encodings_of(response)
        for stored_encoding, page in stored.items():
            # A plain tuple: what the cache pickles stays readable whatever this class
            # becomes.
            key = cache_key(request, version, location, parameters, stored_encoding)
            cache.set(key, tuple(page), timeout)
        if declared is not None:
            cache.set(parameters_key(version, location), parameters, timeout)
        return stored[encoding].response("miss")
