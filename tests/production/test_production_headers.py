"""What the site sends as production serves it: security headers on a public page, a
document download, an error page and the admin's login, its cookies, the health check,
request ids and logs; and, in a real browser, that pages and the admin work under their
Content-Security-Policy. (gunicorn with the production settings: tests/production_server.py.)"""

import json
import re
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from tests.production_server import (
    EDITOR,
    HOST,
    Client,
    give_second_factor_in_browser,
)
from tests.required_tools import require

# A word in the title of the module's own page and document, for searches that find them.
OWN_WORD = "Kestrel"
OWN_CONTENT = f"""
import json
from pages.models import LocalGuidancePage
page = factories.create_guidance_page("{OWN_WORD} Lodge visits")
document = factories.create_document("{OWN_WORD} Lodge visiting protocol")
library = LocalGuidancePage.objects.live().public().order_by("path").first()
print(json.dumps({{"page": page.url, "document": document.pk, "library": library.url}}))
"""
VIDEO_PLAYERS = ("https://www.youtube-nocookie.com/", "https://player.vimeo.com/")
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def own(production):
    """The addresses of a guidance page of the module's own and of the site's library of
    local guidance, which lists the id of a document of the module's own."""
    return json.loads(production.make(OWN_CONTENT).splitlines()[-1])


@pytest.fixture
def visitor(plain):
    return Client(plain)


def content_security_policy(response):
    directives = (part.split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {name: sources for name, *sources in directives}


def set_cookies(response):
    cookies = SimpleCookie()
    for header in response.raw.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies


def test_public_pages_carry_the_security_headers(visitor):
    for cache in ("miss", "hit"):
        response = visitor.get("/")
        assert response.status_code == 200
        assert response.headers["X-Page-Cache"] == cache
        headers = response.headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["X-Frame-Options"] == "DENY"
        assert "camera=()" in headers["Permissions-Policy"]
        assert "geolocation=()" in headers["Permissions-Policy"]
        assert headers["Server"] == "gunicorn"
        assert "Set-Cookie" not in headers

    policy = content_security_policy(response)
    assert policy["default-src"] == ["'self'"]
    # Scripts and styles fall back on default-src: the site's own files only.
    assert "script-src" not in policy and "style-src" not in policy
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert policy["frame-src"] == [origin.rstrip("/") for origin in VIDEO_PLAYERS]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_public_pages_have_no_inline_scripts_or_styles(visitor, own):
    for path in ("/", own["library"], f"/search/?q={OWN_WORD}", "/no-such-page/"):
        page = BeautifulSoup(visitor.get(path).text, "html.parser")
        assert not page.find_all("style"), path
        assert all(script.get("src") for script in page.find_all("script")), path
        for element in page.find_all(True):
            assert "style" not in element.attrs, (path, element)
            assert not any(name.startswith("on") for name in element.attrs), (path, element)


def test_plain_http_is_sent_to_https(visitor, own):
    response = visitor.get(own["page"], headers={"X-Forwarded-Proto": "http"})
    assert response.status_code == 301
    assert response.headers["Location"] == f"https://{HOST}{own['page']}"
    assert "Strict-Transport-Security" not in response.headers


def test_documents_download_as_attachments_the_browser_cannot_reinterpret(visitor, own):
    library = visitor.get(own["library"]).text
    address = re.search(rf'href="(/documents/{own["document"]}/[^"?]+\.pdf)"', library).group(1)

    response = visitor.get(address)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert re.match(
        r'(inline|attachment); filename="[^"]+\.pdf"', response.headers["Content-Disposition"]
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Wagtail's own policy for documents: nothing in a document may run or load anything.
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"
    assert response.headers["Strict-Transport-Security"]
    assert "X-Page-Cache" not in response.headers
    assert "Set-Cookie" not in response.headers


def test_error_pages_reveal_nothing(visitor):
    response = visitor.get("/no-such-page/?q=<script>")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert "<script>" not in response.text.replace('<script defer src="', "")
    for detail in ("Traceback", "Django", "DEBUG", "urlpatterns", "partnership_site"):
        assert detail not in response.text
    assert content_security_policy(response)["default-src"] == ["'self'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"

    response = visitor.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert "attacker.example" not in response.text
    assert "ALLOWED_HOSTS" not in response.text


def test_the_admin_login_has_its_own_policy_and_safe_cookies(visitor):
    response = visitor.get("/admin/login/")

    assert response.status_code == 200
    policy = content_security_policy(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert (
        "no-store" in response.headers["Cache-Control"]
        or "private" in response.headers["Cache-Control"]
    )
    csrf = set_cookies(response)["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"

    response = visitor.log_in()
    session = set_cookies(response)["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert visitor.get("/admin/").status_code == 200


def test_the_health_check_answers_any_host_over_plain_http_and_is_never_cached(plain):
    client = Client(plain)
    client.session.headers.update({"Host": "10.0.0.7:8000", "X-Forwarded-Proto": "http"})
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.text == "ok"
        assert response.headers["Cache-Control"] == "no-store"
        assert "X-Page-Cache" not in response.headers


def test_each_request_has_an_id_in_the_response_and_the_logs(plain, visitor):
    response = visitor.get("/no-such-page/", headers={"X-Request-ID": "proxy-7c2e9a41"})
    assert response.headers["X-Request-ID"] == "proxy-7c2e9a41"
    forged = visitor.get("/", headers={"X-Request-ID": 'bad id"\\n{"level": "ERROR"}'})
    assert re.fullmatch(r"[0-9a-f]{32}", forged.headers["X-Request-ID"])

    entries = [e for e in plain.log_entries() if e.get("request_id") == "proxy-7c2e9a41"]
    loggers = {entry["logger"] for entry in entries}
    assert loggers == {"django.request", "gunicorn.access"}
    access = next(entry for entry in entries if entry["logger"] == "gunicorn.access")
    assert access["path"] == "/no-such-page/"
    assert access["status"] == 404


def test_logs_are_json_lines_with_no_personal_data(plain, visitor):
    visitor.get(
        "/search/?q=jane.doe%40example.org+bruises",
        headers={"User-Agent": "Jane's phone", "Cookie": "sessionid=not-a-real-session-key"},
    )

    entries = plain.log_entries()  # fails on any line that is not JSON
    logged = repr(entries)
    for personal in ("jane.doe", "bruises", "Jane's phone", "not-a-real-session-key"):
        assert personal not in logged
    # Nor who logged in to the admin (earlier in this module), nor from where: django-axes
    # names a client by request id (partnership_site.logs.axes_client).
    messages = [entry["message"] for entry in entries if entry["logger"] != "gunicorn.error"]
    assert not [message for message in messages if EDITOR[0] in message]
    assert not [message for message in messages if "127.0.0.1" in message]
    assert any(message.startswith("AXES: Successful login by request ") for message in messages)
    access = [entry for entry in entries if entry["logger"] == "gunicorn.access"]
    assert access
    assert {key for entry in access for key in entry} <= {
        "time", "level", "logger", "message", "method", "path", "status", "bytes",
        "duration_ms", "request_id",
    }  # fmt: skip
    assert any(entry["path"] == "/search/" for entry in access)


@pytest.fixture(scope="module")
def browser():
    require(
        CHROMIUM.exists(), f"headless Chromium not found at {CHROMIUM}: apt-get install chromium"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


class Tab:
    """A browser tab on the server, as if through the TLS proxy. It notes what the page's
    policy blocked and every request for another site, which gets a stand-in answer."""

    def __init__(self, browser, server):
        self.site_url = server.url("")
        self.context = browser.new_context(
            base_url=self.site_url, extra_http_headers={"X-Forwarded-Proto": "https"}
        )
        self.context.route("**/*", self._keep_on_this_machine)
        self.page = self.context.new_page()
        self.blocked = []
        self.elsewhere = []
        self.page.on("console", self._note_blocked)
        self.page.on("pageerror", lambda error: self.blocked.append(str(error)))

    def _keep_on_this_machine(self, route):
        if route.request.url.startswith(self.site_url):
            route.continue_()
        else:
            self.elsewhere.append(route.request.url)
            route.fulfill(content_type="text/html", body="<p>Stand-in video player</p>")

    def _note_blocked(self, message):
        if "Content Security Policy" in message.text:
            self.blocked.append(f"{self.page.url}: {message.text}")

    def open(self, path):
        return self.page.goto(path)


def test_public_pages_work_under_their_policy(browser, plain, visitor):
    sitemap = ElementTree.fromstring(visitor.get("/sitemap.xml").content)
    paths = [
        re.sub(r"^https?://[^/]+", "", loc.text)
        for loc in sitemap.iter()
        if loc.tag.endswith("loc")
    ]
    tab = Tab(browser, plain)

    for path in [*paths, "/search/?q=neglect", "/no-such-page/"]:
        tab.open(path)
        for play in tab.page.locator("[data-video-player] button").all():
            play.click()
            tab.page.wait_for_selector(".video__player iframe")

    tab.context.close()
    assert tab.blocked == []
    assert tab.elsewhere, "no page showed a video player"
    assert all(url.startswith(VIDEO_PLAYERS) for url in tab.elsewhere), tab.elsewhere


def test_the_admin_works_under_its_policy(browser, plain, production):
    # A page of each type: each has its own editing form.
    pages = [
        row[0]
        for row in production.database.query(
            "SELECT DISTINCT ON (content_type_id) id FROM wagtailcore_page WHERE depth > 1"
        )
    ]
    document = production.database.query("SELECT min(id) FROM documents_protocoldocument")[0][0]
    tab = Tab(browser, plain)
    tab.open("/admin/login/")
    tab.page.fill("#id_username", "editor")
    tab.page.fill("#id_password", EDITOR[1])
    tab.page.click("button[type=submit]")
    give_second_factor_in_browser(tab.page, production.database)
    tab.open("/admin/")
    assert urlsplit(tab.page.url).path == "/admin/"

    for page in pages:
        assert tab.open(f"/admin/pages/{page}/edit/").status == 200
        tab.page.wait_for_selector(".Draftail-Editor")  # the admin's scripts ran
    tab.page.click("[data-side-panel-toggle=preview]")
    tab.page.wait_for_selector("#w-preview-iframe[src*='preview']")
    tab.page.wait_for_load_state("networkidle")
    for path in (
        "/admin/",
        "/admin/pages/",
        "/admin/documents/",
        f"/admin/documents/edit/{document}/",
        "/admin/images/",
        "/admin/reports/site-history/",
    ):
        assert tab.open(path).status == 200, path

    tab.context.close()
    assert tab.blocked == []
    assert tab.elsewhere == []
