"""Admin logins are locked out after repeated failures (django-axes): for one username from
one address, for a while, and the client's address is read from a proxy's header only
when the deployment says how many proxies to trust."""

import datetime
import html
import json
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.test import Client, override_settings
from django.urls import reverse

from tests.editorial import EDITORS, staff_member

pytestmark = pytest.mark.django_db

LOGIN = reverse("wagtailadmin_login")
PASSWORD = "correct horse battery staple"
OFFICE = "203.0.113.10"


@pytest.fixture
def editor():
    return staff_member("eddie", EDITORS, password=PASSWORD)


def log_in(client, password, username="eddie", address=OFFICE, **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        headers=headers,
    )


def fail_until_locked(client, **kwargs):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "wrong", **kwargs)
    return response


def is_logged_in(client):
    return client.get("/admin/").status_code == 200


def test_the_failure_limit_and_pause_come_from_the_environment():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    configured = settings_under(AXES_FAILURE_LIMIT="3", AXES_COOLOFF_MINUTES="60")
    assert configured["AXES_FAILURE_LIMIT"] == 3
    assert configured["AXES_COOLOFF_MINUTES"] == 60


def test_locks_out_after_the_configured_number_of_failures(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "wrong")
        assert response.status_code == 200, attempt
        assert "Your username and password didn't match" in html.unescape(response.content.decode())

    response = log_in(client, "wrong")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Logging in is paused" in page
    assert (
        f"There were {settings.AXES_FAILURE_LIMIT} failed attempts to log in as eddie, so "
        "logging in as eddie from here is paused for 15 minutes." in page
    )


def test_the_right_password_is_refused_while_locked_out(client, editor):
    fail_until_locked(client)
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert not is_logged_in(client)


def test_the_right_password_works_once_the_lock_expires(client, editor):
    fail_until_locked(client)
    # Fifteen minutes and a second pass.
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert is_logged_in(client)


def test_an_administrator_can_lift_the_lock_at_once(client, editor):
    fail_until_locked(client)
    call_command("axes_reset_username", "eddie", verbosity=0)
    assert log_in(client, PASSWORD).status_code == 302


def test_a_successful_login_clears_the_count(client, editor):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "wrong")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "wrong").status_code == 200
    assert log_in(client, PASSWORD).status_code == 302


def test_only_that_username_from_that_address_is_locked_out(client, editor):
    staff_member("anna", EDITORS, password=PASSWORD)
    fail_until_locked(client)
    # A colleague in the same office, and the same person from elsewhere, carry on.
    assert log_in(Client(), PASSWORD, username="anna").status_code == 302
    assert log_in(Client(), PASSWORD, address="198.51.100.7").status_code == 302


def test_without_trusted_proxies_a_forwarded_for_header_is_ignored(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", x_forwarded_for=f"192.0.2.{attempt}")
    # Inventing a new address for each attempt did not escape the lock.
    assert log_in(client, PASSWORD, x_forwarded_for="192.0.2.99").status_code == 429


def settings_under(**environment):
    """Settings read afresh with these environment variables, as a deployment would."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); print(json.dumps("
        "{'AXES_FAILURE_LIMIT': settings.AXES_FAILURE_LIMIT,"
        " 'AXES_COOLOFF_MINUTES': settings.AXES_COOLOFF_TIME.total_seconds() / 60,"
        " 'AXES_IPWARE_META_PRECEDENCE_ORDER': settings.AXES_IPWARE_META_PRECEDENCE_ORDER,"
        " 'AXES_IPWARE_PROXY_COUNT': settings.AXES_IPWARE_PROXY_COUNT,"
        " 'IPWARE_STRICT': getattr(settings, 'IPWARE_STRICT', None)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture
def behind_one_proxy():
    """The settings a deployment behind one reverse proxy gets from TRUSTED_PROXY_COUNT=1."""
    configured = settings_under(TRUSTED_PROXY_COUNT="1")
    configured.pop("AXES_FAILURE_LIMIT")
    configured.pop("AXES_COOLOFF_MINUTES")
    assert configured["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"
    with override_settings(**configured):
        yield


PROXY = "10.0.0.2"


def test_behind_a_proxy_each_client_is_told_apart_by_the_trusted_header(
    client, editor, behind_one_proxy
):
    fail_until_locked(client, address=PROXY, x_forwarded_for=OFFICE)
    assert log_in(client, PASSWORD, address=PROXY, x_forwarded_for=OFFICE).status_code == 429
    # Everyone comes through the proxy: someone elsewhere is not locked out with them.
    elsewhere = log_in(Client(), PASSWORD, address=PROXY, x_forwarded_for="198.51.100.7")
    assert elsewhere.status_code == 302


def test_behind_a_proxy_addresses_a_client_writes_into_the_header_are_not_believed(
    client, editor, behind_one_proxy
):
    # The proxy appends the address it was connected from to whatever the client sent.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", address=PROXY, x_forwarded_for=f"192.0.2.{attempt}, {OFFICE}")
    spoofed = log_in(client, PASSWORD, address=PROXY, x_forwarded_for=f"192.0.2.99, {OFFICE}")
    assert spoofed.status_code == 429
