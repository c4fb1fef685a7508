"""The anonymous page cache: fast, and never stale after an editor's change."""

import datetime
import gzip
import os
import signal
import threading
import time
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError
from django.test import override_settings
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from documents.models import DocumentType
from pages.models import GuidancePage
from partnership_site.cache import ResilientRedisCache
from search.models import PromotedResult
from sitewide import page_cache as page_cache_module
from sitewide.models import ContentVersion, PartnershipSettings
from sitewide.page_cache import (
    DATABASE_VERSION_KEY,
    DatabaseVersion,
    database_version,
    invalidate_page_cache,
    page_cache,
    page_cache_version,
    remember,
)
from tests.editorial import sign_in
from tests.factories import (
    create_document,
    create_guidance_page,
    opening_period,
    set_partnership_settings,
)
from tests.production_server import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cache_on():
    cache.clear()
    with override_settings(PAGE_CACHE_SECONDS=600):
        yield
    cache.clear()


@pytest.fixture
def guidance(guidance_page):
    """The address of a published guidance page."""
    return guidance_page.url


@pytest.fixture
def library(library_page):
    """The library's address, listing a toolkit and a document of another type."""
    create_document("Harbour Neglect Toolkit", document_type=DocumentType.TOOLKIT)
    create_document("Harbour Escalation Protocol", document_type=DocumentType.PROTOCOL)
    return library_page.url


def test_a_second_anonymous_request_does_no_sql(client, guidance, django_assert_num_queries):
    first = client.get(guidance)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(guidance)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_publishing_shows_the_change_on_the_next_request(client, guidance_page):
    client.get(guidance_page.url)
    guidance_page.title = "Sharing information (2026 edition)"
    guidance_page.save_revision().publish()
    response = client.get(guidance_page.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Sharing information (2026 edition)" in response.content.decode()


def test_unpublishing_and_moving_invalidate(client, section, guidance_page, home):
    moving = create_guidance_page("Youth club guidance", parent=section)
    assert guidance_page.title in client.get(section.url).content.decode()
    guidance_page.unpublish()
    assert guidance_page.title not in client.get(section.url).content.decode()
    client.get("/")
    moving.move(home, pos="last-child")
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_saving_a_document_or_the_settings_invalidates(client, library):
    document = create_document("Lighthouse Toolkit")
    client.get(library)
    document.title = "Lighthouse Toolkit (2026)"
    document.save()
    assert "Lighthouse Toolkit (2026)" in client.get(library).content.decode()

    client.get("/")
    partnership = PartnershipSettings.objects.get()
    partnership.contact_phone = "01632 960 999"
    partnership.save()
    assert "01632 960 999" in client.get("/").content.decode()


def test_logged_in_staff_always_get_fresh_pages(client, guidance_page, django_user_model):
    sign_in(client, django_user_model.objects.create_user("editor"))
    client.get(guidance_page.url)
    # A change that sends no signal: only a fresh render can show it.
    GuidancePage.objects.filter(pk=guidance_page.pk).update(title="Changed behind the cache")
    response = client.get(guidance_page.url)
    assert "X-Page-Cache" not in response
    assert "Changed behind the cache" in response.content.decode()


def test_errors_admin_and_downloads_are_not_cached(client):
    assert "X-Page-Cache" not in client.get("/no-such-page/")
    assert "X-Page-Cache" not in client.get("/admin/login/")
    document = create_document("Lighthouse Toolkit")
    assert "X-Page-Cache" not in client.get(document.url)


@pytest.fixture
def open_until_six(db):
    """The contact panel's team answers on weekdays until 6pm."""
    set_partnership_settings(opening_periods=[opening_period(range(5), "08:00", "18:00")])


def test_nothing_is_cached_past_the_next_opening_or_closing_time(client, open_until_six):
    five_to_six = timezone.make_aware(datetime.datetime(2026, 11, 23, 17, 55))
    with (
        mock.patch("django.utils.timezone.now", return_value=five_to_six),
        mock.patch.object(type(page_cache()), "set", autospec=True) as cache_set,
    ):
        client.get("/")
    timeout = cache_set.call_args.args[3]
    assert timeout == 5 * 60


def test_query_strings_are_cached_separately(client, library):
    all_documents = client.get(library).content.decode()
    toolkits = client.get(library, {"document_type": "toolkit"}).content.decode()
    assert "Harbour Escalation Protocol" in all_documents
    assert "Harbour Escalation Protocol" not in toolkits
    assert client.get(library, {"document_type": "toolkit"})["X-Page-Cache"] == "hit"


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_cache_can_be_switched_off(client, guidance):
    client.get(guidance)
    assert "X-Page-Cache" not in client.get(guidance)


@override_settings(PAGE_CACHE_SECONDS=0)
def test_the_remembered_site_and_home_page_follow_publishing(
    client, home, django_assert_max_num_queries
):
    client.get("/")
    with django_assert_max_num_queries(6):
        client.get("/")  # site, home page and fragments remembered
    home.intro = "<p>A new introduction for practitioners.</p>"
    home.save_revision().publish()
    assert "A new introduction for practitioners." in client.get("/").content.decode()


def test_promoting_a_search_result_invalidates(client, guidance_page):
    assert client.get("/search/?q=walrus")["X-Page-Cache"] == "miss"
    PromotedResult.objects.create(terms="walrus", page=guidance_page)
    response = client.get("/search/?q=walrus")
    assert response["X-Page-Cache"] == "miss"
    assert "promoted-heading" in response.content.decode()


def test_changing_an_image_invalidates():
    # A replaced image file gets new rendition addresses: cached pages would show the old.
    image = get_image_model().objects.create(
        title="Team photo", file=get_test_image_file("team.png")
    )
    before = page_cache_version()
    image.title = "The team"
    image.save()
    assert page_cache_version() != before


def test_what_was_read_before_a_change_was_committed_is_not_kept(
    django_capture_on_commit_callbacks,
):
    # Another process may read the new version before the change is committed, and
    # remember what the database still held: the version moves again on commit.
    with django_capture_on_commit_callbacks(execute=True):
        invalidate_page_cache()
        remember("example", page_cache_version(), lambda: "read before the commit")
    assert remember("example", page_cache_version(), lambda: "read after") == "read after"


def test_a_cache_that_starts_again_empty_starts_a_new_version():
    # e.g. Redis restarted: what a process remembered under the old version is not reused.
    first = page_cache_version()
    cache.clear()
    assert page_cache_version() != first


def test_unknown_hosts_are_refused_before_anything_is_remembered_for_them(client):
    # Otherwise each made-up Host header would take a place in every server's memory.
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    assert not [key for key in page_cache_module._remembered if "attacker.example" in str(key)]


def test_what_a_process_remembers_is_read_again_after_the_configured_time():
    # Even when no version move reaches it (a change saved while Redis was unreachable),
    # no process keeps a view restriction or a setting longer than this.
    version = page_cache_version()
    assert remember("example", version, lambda: "first read") == "first read"
    assert remember("example", version, lambda: "second read") == "first read"
    later = time.monotonic() + settings.REMEMBERED_STATE_SECONDS
    with mock.patch("time.monotonic", return_value=later):
        assert remember("example", version, lambda: "read again") == "read again"


@override_settings(CONTENT_VERSION_CHECK_SECONDS=0)
def test_a_change_recorded_only_in_the_database_moves_the_version():
    # As a scheduled job run as its own process, with a cache of its own, records it.
    before = page_cache_version()
    ContentVersion.move()
    assert page_cache_version() != before


def test_the_database_version_is_read_again_after_the_configured_interval():
    # What an earlier test read may have been rolled back since.
    database_version.forget()
    before = page_cache_version()
    ContentVersion.move()
    assert page_cache_version() == before
    later = time.monotonic() + settings.CONTENT_VERSION_CHECK_SECONDS
    with mock.patch("time.monotonic", return_value=later):
        assert page_cache_version() != before


def database_read_held_until(release, number):
    def read():
        assert release.wait(10)
        return number

    return read


def test_a_new_workers_threads_wait_for_its_first_read_of_the_database_version():
    # A gunicorn worker replaced under load starts its threads together. Before, the
    # threads that came second took the number it starts with (0) and filed the page
    # under a version no other worker used: a render for nothing, and a page stored
    # there earlier would have been served whatever has changed since.
    version = DatabaseVersion()
    release = threading.Event()
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(version.get())) for _ in range(4)]
    with mock.patch.object(
        ContentVersion, "current", side_effect=database_read_held_until(release, 42)
    ) as current:
        for thread in threads:
            thread.start()
        time.sleep(0.2)
        assert answers == []
        release.set()
        for thread in threads:
            thread.join(10)
    assert answers == [42] * 4
    assert current.call_count == 1


@override_settings(CONTENT_VERSION_CHECK_SECONDS=0)
def test_once_the_database_version_is_known_a_read_in_progress_keeps_no_thread_waiting():
    # A database that is slow to answer (or down) must not hold up pages served from
    # the cache under the number known until then.
    version = DatabaseVersion()
    with mock.patch.object(ContentVersion, "current", return_value=7):
        assert version.get() == 7
    release = threading.Event()
    with mock.patch.object(
        ContentVersion, "current", side_effect=database_read_held_until(release, 8)
    ):
        reader = threading.Thread(target=version.get)
        reader.start()
        time.sleep(0.2)
        try:
            assert version.get() == 7
        finally:
            release.set()
            reader.join(10)
        assert version.get() == 8


@override_settings(CONTENT_VERSION_CHECK_SECONDS=0)
def test_a_worker_that_cannot_reach_the_database_takes_the_number_another_worker_read():
    # A worker that served nothing since the last change, or has just started, when the
    # database stops answering: with a number of its own, every page it looked up in the
    # cache was a miss, and a miss needs the database (a 500 in place of a cached page).
    quiet_worker = DatabaseVersion()
    quiet_worker.get()
    ContentVersion.move()
    busy_worker = DatabaseVersion()
    current = busy_worker.get()
    assert current == ContentVersion.current()
    refused = OperationalError("connection refused")
    with mock.patch.object(ContentVersion, "current", side_effect=refused):
        assert quiet_worker.get() == current
        assert DatabaseVersion().get() == current
        # Nor does a worker go back to an older number another left there.
        page_cache().set(DATABASE_VERSION_KEY, current - 1)
        assert busy_worker.get() == current


def test_a_version_move_that_failed_while_redis_was_paused_is_made_once_it_answers(
    tmp_path, monkeypatch
):
    redis = RedisServer(tmp_path)
    monkeypatch.setattr(ResilientRedisCache, "retry_after_seconds", 0.1)
    redis_cache = {
        "default": {
            "BACKEND": "partnership_site.cache.ResilientRedisCache",
            "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    try:
        with override_settings(CACHES=redis_cache):
            before = page_cache_version()
            os.kill(redis.process.pid, signal.SIGSTOP)
            try:
                invalidate_page_cache()
                assert page_cache_version() is None
            finally:
                os.kill(redis.process.pid, signal.SIGCONT)
            time.sleep(0.2)
            after = page_cache_version()
        assert after is not None
        assert after != before
    finally:
        redis.stop()


@pytest.fixture
def file_cache(tmp_path):
    folder = tmp_path / "cache"
    backend = "django.core.cache.backends.filebased.FileBasedCache"
    with override_settings(CACHES={"default": {"BACKEND": backend, "LOCATION": str(folder)}}):
        yield folder


def test_query_parameters_a_page_does_not_read_make_no_new_renders_or_entries(
    client, guidance, file_cache
):
    assert client.get(guidance, {"x": 0})["X-Page-Cache"] == "miss"
    entries = sorted(file_cache.iterdir())
    answers = [client.get(guidance, {"x": n})["X-Page-Cache"] for n in range(1, 300)]
    assert answers == ["hit"] * 299
    assert client.get(guidance)["X-Page-Cache"] == "hit"
    assert sorted(file_cache.iterdir()) == entries


def test_a_page_is_cached_on_the_parameters_it_reads_and_no_others(client, library, file_cache):
    toolkits = client.get(library, {"document_type": "toolkit", "x": 1})
    assert toolkits["X-Page-Cache"] == "miss"
    again = client.get(library, {"x": 2, "document_type": "toolkit"})
    assert again["X-Page-Cache"] == "hit"
    assert again.content == toolkits.content
    assert client.get(library, {"document_type": "policy"})["X-Page-Cache"] == "miss"

    assert client.get("/search/", {"q": "neglect", "utm_source": "email"})["X-Page-Cache"] == "miss"
    assert client.get("/search/", {"q": "neglect"})["X-Page-Cache"] == "hit"
    assert client.get("/search/", {"q": "neglect", "page": 2})["X-Page-Cache"] == "miss"


def test_a_query_is_keyed_on_the_values_the_page_reads_however_it_is_written(client):
    # The key is read from the query string the request came with, as request.GET reads it.
    assert client.get("/search/?q=caf%C3%A9")["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=caf%c3%a9")["X-Page-Cache"] == "hit"
    assert client.get("/search/?q=cafe")["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=caf%C3%A9&q=")["X-Page-Cache"] == "miss"


def test_a_hit_on_a_query_seen_before_parses_it_no_more(client):
    # Parsing the query string was half of what it added to a hit.
    assert client.get("/search/", {"q": "neglect"})["X-Page-Cache"] == "miss"
    with mock.patch.object(page_cache_module, "QueryDict", side_effect=AssertionError):
        assert client.get("/search/", {"q": "neglect"})["X-Page-Cache"] == "hit"


def test_public_pages_say_how_long_a_shared_cache_may_keep_them(client, guidance, open_until_six):
    five_to_six = timezone.make_aware(datetime.datetime(2026, 11, 23, 17, 55))
    with mock.patch("django.utils.timezone.now", return_value=five_to_six):
        response = client.get(guidance)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"public", "max-age=0", "s-maxage=300"}


def test_staff_pages_are_private_and_never_compressed(client, guidance, django_user_model):
    client.force_login(django_user_model.objects.create_user("editor"))
    response = client.get(guidance, HTTP_ACCEPT_ENCODING="gzip")
    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
    assert not response.has_header("Content-Encoding")


def test_the_page_cache_keeps_a_page_as_long_as_its_own_header_says(client, guidance):
    with (
        mock.patch("sitewide.http_caching.seconds_until_contact_status_changes", return_value=7),
        mock.patch.object(type(page_cache()), "set", autospec=True) as cache_set,
    ):
        client.get(guidance)
    assert cache_set.call_args.args[3] == 7


def test_html_is_compressed_once_when_stored_for_clients_that_accept_it(client, guidance):
    with mock.patch("gzip.compress", wraps=gzip.compress) as compress:
        plain = client.get(guidance)
        hits = [client.get(guidance, HTTP_ACCEPT_ENCODING="gzip, br") for _ in range(3)]
    assert compress.call_count == 1
    assert not plain.has_header("Content-Encoding")
    for hit in hits:
        assert hit["X-Page-Cache"] == "hit"
        assert hit["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in hit["Vary"]
        assert gzip.decompress(hit.content) == plain.content
        assert int(hit["Content-Length"]) == len(hit.content)
    assert client.get(guidance, HTTP_ACCEPT_ENCODING="identity").content == plain.content


def test_a_hit_reads_one_entry_holding_only_the_bytes_it_sends(client, library, file_cache):
    """The file cache inflates whatever it reads: a hit that read the plain page along
    with the gzipped one, or the page's parameters again, cost a quarter more than a
    minimal view served from the cache."""
    backend = type(page_cache())
    read = backend.get
    reads = []

    def recording_get(self, key, *args, **kwargs):
        value = read(self, key, *args, **kwargs)
        reads.append(value)
        return value

    for _ in range(2):
        client.get(library, {"document_type": "toolkit"}, HTTP_ACCEPT_ENCODING="gzip")
    with mock.patch.object(backend, "get", recording_get):
        hit = client.get(library, {"document_type": "toolkit"}, HTTP_ACCEPT_ENCODING="gzip")
        plain = client.get(library, {"document_type": "toolkit"})
    assert (hit["X-Page-Cache"], plain["X-Page-Cache"]) == ("hit", "hit")
    pages = [value for value in reads if isinstance(value, tuple)]
    assert len(reads) == 4  # the version and the page, for each
    assert [[part for part in page if isinstance(part, bytes)] for page in pages] == [
        [hit.content],
        [plain.content],
    ]
    assert gzip.decompress(hit.content) == plain.content
