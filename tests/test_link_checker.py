"""check_links, against small HTTP servers this test starts on the loopback interface: what
it finds, what it records, and how it behaves with slow, broken and unwilling servers."""

import io
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Page

from linkhealth.external_urls import external_urls
from linkhealth.link_checker import LinkChecker
from linkhealth.models import LinkCheck, LinkUse
from pages.models import GuidancePage, ProceduresPage
from procedures.models import ConsortiumPartnership, ProcedureLink
from tests.factories import (
    create_consortium_partnership,
    create_page,
    create_procedure_link,
    set_partnership_settings,
)
from tests.network_guard import NetworkAccessBlocked

pytestmark = pytest.mark.django_db

FAST = {"timeout": 0.5, "max_connections": 10, "max_per_host": 10, "retries": 0}


class Handler(BaseHTTPRequestHandler):
    """Answers by path: /ok, /moved (301, then 302, then /ok), /missing, /broken, /slow,
    /no-head (405 to HEAD), /busy (503 once, then 200), /to?location=… (302 there) and /flaky
    (whatever the test sets)."""

    def do_HEAD(self):
        self.answer()

    def do_GET(self):
        self.answer()

    def answer(self):
        server = self.server
        path = urlsplit(self.path).path
        host = self.headers["Host"].rsplit(":", 1)[0]
        with server.lock:
            server.requests.append((self.command, path))
            server.active[host] = server.active.get(host, 0) + 1
            server.most_active[host] = max(server.most_active.get(host, 0), server.active[host])
        try:
            status, location = self.decide(server, path)
        finally:
            # Done before the answer is sent: a client can only start its next request once
            # it has the answer, so requests counted as active together truly overlapped.
            with server.lock:
                server.active[host] -= 1
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def decide(self, server, path):
        location = None
        if path == "/moved":
            status, location = 301, "/moved-again"
        elif path == "/moved-again":
            status, location = 302, "/ok"
        elif path == "/to":
            status, location = 302, parse_qs(urlsplit(self.path).query)["location"][0]
        elif path == "/slow":
            time.sleep(float(parse_qs(urlsplit(self.path).query)["seconds"][0]))
            status = 200
        elif path == "/no-head":
            status = 405 if self.command == "HEAD" else 200
        elif path == "/busy":
            status = 200 if server.requests.count(("HEAD", "/busy")) > 1 else 503
        else:
            status = {"/ok": 200, "/missing": 404, "/broken": 500}.get(path)
            status = server.statuses.get(path, status or 404)
        return status, location

    def log_message(self, *args):
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.requests = []
        self.statuses = {}
        self.active = {}
        self.most_active = {}

    def handle_error(self, request, client_address):
        pass  # clients that gave up on a slow answer

    def url(self, path, host="127.0.0.1"):
        return f"http://{host}:{self.server_port}{path}"


@pytest.fixture
def server():
    server = LocalServer()
    thread = threading.Thread(target=server.serve_forever, args=[0.05], daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def refused_url():
    """An address on loopback where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    # A proxy configured on the machine would otherwise be asked for loopback addresses.
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)


def checker(**options):
    return LinkChecker(
        **{
            **FAST,
            "retry_delay": 0,
            "user_agent": "test",
            "allowed_hosts": settings.LINK_CHECK_ALLOWED_HOSTS,
            **options,
        }
    )


def check(urls, **options):
    return {result.url: result for result in checker(**options).check_all(urls)}


def test_each_kind_of_answer_is_reported(server, refused_url):
    urls = {
        name: server.url(path)
        for name, path in [
            ("ok", "/ok"),
            ("moved", "/moved"),
            ("missing", "/missing"),
            ("broken", "/broken"),
            ("slow", "/slow?seconds=2"),
            ("no head", "/no-head"),
        ]
    }
    results = check([*urls.values(), refused_url])

    ok = results[urls["ok"]]
    assert (ok.ok, ok.status_code, ok.final_url, ok.redirect_chain, ok.error) == (
        True,
        200,
        urls["ok"],
        [],
        "",
    )
    moved = results[urls["moved"]]
    assert moved.ok and moved.status_code == 200
    assert moved.final_url == server.url("/ok")
    assert moved.redirect_chain == [
        {"url": urls["moved"], "status_code": 301},
        {"url": server.url("/moved-again"), "status_code": 302},
    ]
    assert (results[urls["missing"]].ok, results[urls["missing"]].status_code) == (False, 404)
    assert (results[urls["broken"]].ok, results[urls["broken"]].status_code) == (False, 500)
    slow = results[urls["slow"]]
    assert (slow.ok, slow.status_code, slow.error) == (False, None, "No answer within 0.5 seconds")
    refused = results[refused_url]
    assert (refused.ok, refused.status_code, refused.error) == (False, None, "Connection refused")
    no_head = results[urls["no head"]]
    assert (no_head.ok, no_head.status_code) == (True, 200)
    assert [request for request in server.requests if request[1] == "/no-head"] == [
        ("HEAD", "/no-head"),
        ("GET", "/no-head"),
    ]
    # A server that answers HEAD properly is asked nothing else.
    assert {method for method, path in server.requests if path in ("/ok", "/moved")} == {"HEAD"}


def test_temporary_failures_are_tried_again(server):
    busy = server.url("/busy")
    assert check([busy], retries=1)[busy].status_code == 200
    assert server.requests == [("HEAD", "/busy"), ("HEAD", "/busy")]

    slow = server.url("/slow?seconds=1")
    started = time.monotonic()
    result = check([slow], retries=1, timeout=0.2)[slow]
    assert result.error == "No answer within 0.2 seconds"
    assert server.requests.count(("HEAD", "/slow")) == 2
    assert time.monotonic() - started < 1


def test_permanent_failures_are_not_tried_again(server):
    missing = server.url("/missing")
    check([missing], retries=2)
    assert server.requests == [("HEAD", "/missing"), ("GET", "/missing")]


def test_many_slow_links_are_checked_at_once(server):
    urls = [server.url(f"/slow?seconds=1&link={number}") for number in range(20)]
    started = time.monotonic()
    results = check(urls, timeout=5, max_connections=10, max_per_host=10)
    elapsed = time.monotonic() - started
    assert all(result.ok for result in results.values()) and len(results) == 20
    assert server.most_active["127.0.0.1"] == 10
    assert elapsed < 5, f"20 one-second links took {elapsed:.1f} s with 10 connections"


def test_each_host_gets_only_its_share_of_connections(server):
    urls = [
        server.url(f"/slow?seconds=0.3&link={number}", host)
        for host in ("127.0.0.1", "localhost")
        for number in range(6)
    ]
    started = time.monotonic()
    results = check(urls, timeout=5, max_connections=10, max_per_host=2)
    elapsed = time.monotonic() - started
    assert all(result.ok for result in results.values())
    assert server.most_active == {"127.0.0.1": 2, "localhost": 2}
    # Three rounds of two on each host, the hosts side by side.
    assert elapsed < 1.5


def page_use(page, location="Body: Related links"):
    page_type = ContentType.objects.get_for_model(Page)
    return LinkUse(page_type.pk, page.pk, page.title, location, f"/admin/pages/{page.pk}/edit/")


def snippet_use(snippet, location):
    content_type = ContentType.objects.get_for_model(type(snippet))
    edit_url = f"/admin/snippets/procedures/{content_type.model}/edit/{snippet.pk}/"
    return LinkUse(content_type.pk, snippet.pk, str(snippet), location, edit_url)


@pytest.fixture
def site_links(server, monkeypatch, guidance_page):
    """The addresses check_links finds on the site, pointed at the local server."""
    procedure_link = create_procedure_link("Planning a strategy meeting")
    uses = {
        server.url("/ok"): [snippet_use(procedure_link, "Address")],
        server.url("/moved"): [page_use(guidance_page)],
        server.url("/missing"): [page_use(guidance_page), snippet_use(procedure_link, "Address")],
        server.url("/flaky"): [page_use(guidance_page, "Body: Statute")],
    }
    monkeypatch.setattr(
        "linkhealth.management.commands.check_links.external_urls",
        lambda: {url: list(url_uses) for url, url_uses in uses.items()},
    )
    return uses


class Terminal(io.StringIO):
    def isatty(self):
        return True


def run_check_links(stdout=None):
    stdout = stdout or io.StringIO()
    call_command("check_links", stdout=stdout)
    return stdout.getvalue()


@override_settings(
    LINK_CHECK_TIMEOUT_SECONDS=1, LINK_CHECK_RETRIES=0, LINK_CHECK_RETRY_DELAY_SECONDS=0
)
def test_results_are_stored_and_a_second_run_updates_them(server, site_links, guidance_page):
    server.statuses["/flaky"] = 500
    run_check_links()
    first = {check.url: check for check in LinkCheck.objects.all()}
    assert set(first) == set(site_links)

    moved = first[server.url("/moved")]
    assert (moved.status_code, moved.final_url, moved.error, moved.first_failed_at) == (
        200,
        server.url("/ok"),
        "",
        None,
    )
    assert [hop["status_code"] for hop in moved.redirect_chain] == [301, 302]
    missing = first[server.url("/missing")]
    assert (missing.status_code, missing.problem) == (404, "404 Not Found")
    assert missing.first_failed_at == missing.checked_at
    assert first[server.url("/flaky")].first_failed_at is not None
    assert missing.uses == site_links[server.url("/missing")]

    server.statuses["/flaky"] = 200
    run_check_links()
    second = {check.url: check for check in LinkCheck.objects.all()}
    still_missing = second[server.url("/missing")]
    assert still_missing.checked_at > missing.checked_at
    assert still_missing.first_failed_at == missing.first_failed_at
    recovered = second[server.url("/flaky")]
    assert (recovered.status_code, recovered.first_failed_at) == (200, None)
    assert len(still_missing.uses) == 2

    server.statuses["/flaky"] = 500
    del site_links[server.url("/ok")]
    run_check_links()
    third = {check.url: check for check in LinkCheck.objects.all()}
    assert server.url("/ok") not in third, "an address the site no longer uses is forgotten"
    assert third[server.url("/flaky")].first_failed_at == third[server.url("/flaky")].checked_at


@override_settings(LINK_CHECK_TIMEOUT_SECONDS=1, LINK_CHECK_RETRIES=0)
def test_progress_only_in_a_terminal_and_a_summary_always(server, site_links):
    server.statuses["/flaky"] = 500
    in_terminal = run_check_links(Terminal()).splitlines()
    progress = [line for line in in_terminal if line.startswith("[")]
    # Results come in as they finish, so the count runs in order but the addresses need not.
    assert [line.split(" ", 1)[0] for line in progress] == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"]
    assert sorted(line.split(" ", 1)[1] for line in progress) == sorted(
        [
            f"200 {server.url('/ok')}",
            f"200 {server.url('/moved')}",
            f"404 {server.url('/missing')}",
            f"500 {server.url('/flaky')}",
        ]
    )
    assert in_terminal[4].endswith("2 working, 2 failing (2 of them new).")

    in_cron = run_check_links().splitlines()
    assert in_cron[0].startswith("Checked 4 addresses in ")
    assert in_cron[0].endswith("2 working, 2 failing (0 of them new).")
    assert in_cron[1:] == [f"  500  {server.url('/flaky')}", f"  404  {server.url('/missing')}"]


PROCEDURES = "https://procedures.example.org/"


def procedures_page(parent=None):
    """A procedures page whose introduction links to the shared procedures."""
    intro = f'<p>Read <a href="{PROCEDURES}">the shared procedures</a>.</p>'
    return create_page(ProceduresPage, "Shared procedures for home visits", parent, intro=intro)


def test_every_external_address_on_the_site_is_found(section):
    statute = "https://legislation.example.org/children-act/section/47"
    video = "https://www.youtube.com/watch?v=Wa1ru5On1ce"
    research = "https://research.example.org/home-visits"
    advice = "https://advice.example.org/"
    partnership_settings = set_partnership_settings(
        quick_exit_url="https://weather.example.org/",
        footer_links=[
            ("link", {"page": None, "document": None, "url": PROCEDURES, "text": "Procedures"})
        ],
    )
    procedures = procedures_page(section)
    # A procedure link and a partnership at least, whatever else the site has.
    create_procedure_link("Planning a home visit")
    create_consortium_partnership("Riverside")
    guidance = create_page(
        GuidancePage,
        "Visiting a family at home",
        section,
        body=[
            {
                "type": "statute",
                "value": {"quotation": "Enquiries.", "source": "Children Act", "url": statute},
            },
            {"type": "video", "value": {"video": video, "title": "A home visit"}},
            {
                "type": "related_links",
                "value": {
                    "heading": "Related links",
                    "links": [{"page": None, "document": None, "url": research, "text": ""}],
                },
            },
            {"type": "paragraph", "value": f'<p><a href="{advice}">Advice line</a></p>'},
        ],
    )
    uses = external_urls()

    def where(url):
        return {(use.label, use.location) for use in uses[url]}

    assert where(PROCEDURES) == {
        (partnership_settings.partnership_name, "Footer links: Link"),
        (procedures.title, "Intro"),
    }
    assert where("https://weather.example.org/") == {
        (partnership_settings.partnership_name, "Neutral website")
    }
    for procedure_link in ProcedureLink.objects.all():
        assert where(procedure_link.url) == {(procedure_link.title, "Address")}
    for consortium_partnership in ConsortiumPartnership.objects.all():
        assert where(consortium_partnership.website) == {(consortium_partnership.name, "Website")}
    assert where(statute) == {(guidance.title, "Body: Statute")}
    assert where(video) == {(guidance.title, "Body: Video")}
    assert where(research) == {(guidance.title, "Body: Related links")}
    assert where(advice) == {(guidance.title, "Body: Paragraph")}
    assert all(url.startswith(("http://", "https://")) for url in uses)


def test_addresses_are_found_without_their_fragment_and_in_drafts_not_at_all(section):
    page = GuidancePage(
        title="Fragments",
        search_description="Links with fragments.",
        body=[
            (
                "paragraph",
                '<p><a href="https://example.org/guide#part-2">Part 2</a> and '
                '<a href="mailto:someone@example.org">email</a></p>',
            )
        ],
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    draft = GuidancePage(
        title="Draft",
        search_description="Unpublished.",
        live=False,
        body=[("paragraph", '<p><a href="https://draft.example.org/">Draft</a></p>')],
    )
    section.add_child(instance=draft)

    uses = external_urls()
    assert {use.label for use in uses["https://example.org/guide"]} == {"Fragments"}
    assert not any("mailto" in url or "draft.example.org" in url for url in uses)


def test_the_procedures_page_counts_as_a_page_not_its_own_type():
    page = procedures_page()
    assert page_use(page, "Intro") in external_urls()[PROCEDURES]


def test_the_network_guard_stops_and_records_anything_beyond_loopback(no_network_access):
    with socket.socket() as sock, pytest.raises(NetworkAccessBlocked):
        sock.connect(("192.0.2.1", 80))
    with pytest.raises(NetworkAccessBlocked):
        socket.getaddrinfo("www.proceduresonline.com", 443)
    assert no_network_access.blocked == [("192.0.2.1", 80), "www.proceduresonline.com"]

    # The link checker turns the refusal into a result; the guard has recorded it all the
    # same, so the test fails at teardown unless, as here, it clears the record itself.
    no_network_access.blocked.clear()
    result = check(["https://www.proceduresonline.com/swcpp/"])
    assert not result["https://www.proceduresonline.com/swcpp/"].ok
    assert no_network_access.blocked == ["www.proceduresonline.com"]
    no_network_access.blocked.clear()


REFUSED = "Not checked: the address is on a private or local network"


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.10.0.1",
        "localhost",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "[fe80::1]",
        "[fd00::1]",
        "0.0.0.0",
        "[::]",
        "240.0.0.1",
        "224.0.0.1",
        "[ff02::1]",
    ],
)
def test_loopback_private_link_local_reserved_and_multicast_addresses_are_refused(
    server, no_network_access, host
):
    url = f"http://{host}:{server.server_port}/ok"
    result = check([url], allowed_hosts=())[url]
    assert (result.ok, result.status_code, result.error) == (False, None, REFUSED)
    # Refused before connecting: neither the local server nor anything else was reached.
    assert server.requests == []
    assert no_network_access.blocked == []


def test_a_redirect_into_a_local_address_is_refused_at_that_hop(server):
    to_localhost = server.url("/to?location=" + server.url("/ok", host="localhost"))
    result = check([to_localhost], allowed_hosts=["127.0.0.1"])[to_localhost]
    assert (result.ok, result.error) == (False, REFUSED)
    # The first hop, allowed, was asked; the local one it pointed at was not.
    assert server.requests == [("HEAD", "/to")]


def test_the_checker_connects_to_the_address_it_checked(server, monkeypatch, no_network_access):
    """DNS rebinding: a name server that answers a public address to the check and the
    local server's to a second lookup does not get the checker into the server."""
    lookup = socket.getaddrinfo
    answers = iter(["93.184.216.34"])

    def rebinding(host, port, *args, **kwargs):
        if host == "rebinding.example":
            host = next(answers, "127.0.0.1")
        return lookup(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = f"http://rebinding.example:{server.server_port}/ok"
    result = check([url], allowed_hosts=())[url]
    assert not result.ok
    assert server.requests == []
    # It went for the public address it had checked (which the test network stops).
    assert no_network_access.blocked == ["93.184.216.34"]
    no_network_access.blocked.clear()


def test_the_checked_address_is_asked_for_by_its_name(server, monkeypatch):
    lookup = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, *args, **kwargs: lookup(
            "127.0.0.1" if host == "named.test" else host, *args, **kwargs
        ),
    )
    seen = []
    monkeypatch.setattr(
        Handler, "log_request", lambda handler, *args: seen.append(handler.headers["Host"])
    )
    url = f"http://named.test:{server.server_port}/ok"
    assert check([url], allowed_hosts=["named.test"])[url].ok
    assert seen == [f"named.test:{server.server_port}"]


def test_only_the_configured_hosts_are_allowed_local_addresses(server):
    assert settings.LINK_CHECK_ALLOWED_HOSTS == ["127.0.0.1", "localhost"]
    with override_settings(LINK_CHECK_ALLOWED_HOSTS=[]):
        results = list(LinkChecker.from_settings().check_all([server.url("/ok")]))
    assert [result.error for result in results] == [REFUSED]
    assert server.requests == []
