"""Admin logins are paused after repeated failures (django-axes with
editorial.login_throttle): for one username from one address, for one address over every
username, and for one username over every address, for a while. An IPv6 address counts
as its /64, and the client's address is read from a proxy's header only when the
connection comes from a trusted proxy."""

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

from editorial.login_throttle import LIMITS, throttled_address
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
        " 'LOGIN_ADDRESS_FAILURE_LIMIT': settings.LOGIN_ADDRESS_FAILURE_LIMIT,"
        " 'LOGIN_USERNAME_FAILURE_LIMIT': settings.LOGIN_USERNAME_FAILURE_LIMIT,"
        " 'TRUSTED_PROXY_ADDRESSES': settings.TRUSTED_PROXY_ADDRESSES,"
        " 'TRUSTED_PROXY_HEADER': settings.TRUSTED_PROXY_HEADER}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
    )
    if result.returncode:
        raise ValueError(result.stderr.strip().splitlines()[-1])
    return json.loads(result.stdout.splitlines()[-1])


PROXY = "10.0.0.2"


@pytest.fixture(scope="module")
def one_proxy_settings():
    """The settings a deployment behind one reverse proxy gets from
    TRUSTED_PROXY_ADDRESSES: read once for the module, as each reading starts Python."""
    configured = settings_under(TRUSTED_PROXY_ADDRESSES=f"{PROXY},10.9.0.0/16")
    assert configured["TRUSTED_PROXY_ADDRESSES"] == [PROXY, "10.9.0.0/16"]
    assert configured["TRUSTED_PROXY_HEADER"] == "X-Forwarded-For"
    return configured


@pytest.fixture
def behind_one_proxy(one_proxy_settings):
    with override_settings(TRUSTED_PROXY_ADDRESSES=one_proxy_settings["TRUSTED_PROXY_ADDRESSES"]):
        yield


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


def test_behind_a_chain_of_trusted_proxies_the_client_is_the_first_untrusted_address(
    client, editor, behind_one_proxy
):
    # A load balancer in 10.9.0.0/16 passed the request on to the proxy.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(
            client,
            "wrong",
            address=PROXY,
            x_forwarded_for=f"192.0.2.{attempt}, {OFFICE}, 10.9.4.4",
        )
    assert log_in(client, PASSWORD, address=PROXY, x_forwarded_for=OFFICE).status_code == 429


def test_a_forwarded_header_from_a_peer_that_is_not_a_trusted_proxy_is_ignored(
    client, editor, behind_one_proxy
):
    # Someone who reaches gunicorn directly, not through the proxy, invents an address
    # for each attempt: they are counted by their own.
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", address=OFFICE, x_forwarded_for=f"192.0.2.{attempt}")
    assert log_in(client, PASSWORD, address=OFFICE, x_forwarded_for="192.0.2.99").status_code == (
        429
    )


def test_proxy_addresses_that_are_not_addresses_stop_the_site_starting():
    with pytest.raises(ValueError, match="TRUSTED_PROXY_ADDRESSES: 'proxy.internal' is not"):
        settings_under(TRUSTED_PROXY_ADDRESSES="proxy.internal")
    with pytest.raises(ValueError, match="TRUSTED_PROXY_COUNT is no longer read"):
        settings_under(TRUSTED_PROXY_COUNT="1")


def test_the_lockout_parameters_are_the_throttles_limits_in_order():
    assert settings.AXES_LOCKOUT_PARAMETERS == [
        ["username", "ip_address"],
        "ip_address",
        "username",
    ]
    assert [limit.parameters for limit in LIMITS] == [
        ("username", "ip_address"),
        ("ip_address",),
        ("username",),
    ]


def test_password_spraying_from_one_address_is_paused(client, editor):
    """40 failed logins over 20 usernames from one address: two guesses at each, never
    enough to pause one username, but the address is paused at its own limit."""
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 30
    answers = [
        log_in(client, "Summer2026!", username=f"staff{attempt % 20}").status_code
        for attempt in range(40)
    ]
    assert answers == [200] * 29 + [429] * 11
    response = log_in(Client(), PASSWORD)
    assert response.status_code == 429
    assert (
        "There were 30 failed attempts to log in from your network, under several usernames, "
        "so logging in from here is paused for 15 minutes." in response.content.decode()
    )
    # The real user, elsewhere, is not held up; nor are the guessed usernames.
    assert log_in(Client(), PASSWORD, address="198.51.100.7").status_code == 302


def test_guessing_from_addresses_in_one_ipv6_64_counts_as_one_address(client, editor):
    answers = [
        log_in(client, "wrong", address=f"2001:db8:1:2::{attempt + 1:x}").status_code
        for attempt in range(40)
    ]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429] * (
        41 - settings.AXES_FAILURE_LIMIT
    )
    assert log_in(client, PASSWORD, address="2001:db8:1:2:ffff::1").status_code == 429


def test_the_next_ipv6_64_is_someone_elses(client, editor):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong", address=f"2001:db8:1:2::{attempt + 1:x}")
    assert log_in(Client(), PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_guessing_at_one_username_from_many_addresses_is_paused(client, editor):
    assert settings.LOGIN_USERNAME_FAILURE_LIMIT == 20
    answers = [
        log_in(Client(), "wrong", address=f"192.0.2.{attempt + 1}").status_code
        for attempt in range(40)
    ]
    assert answers == [200] * 19 + [429] * 21
    response = log_in(Client(), PASSWORD, address="198.51.100.7")
    assert response.status_code == 429
    assert (
        "There were 20 failed attempts to log in as eddie from different places, so logging "
        "in as eddie is paused for 15 minutes, wherever you are." in response.content.decode()
    )
    # Colleagues carry on.
    staff_member("anna", EDITORS, password=PASSWORD)
    assert log_in(Client(), PASSWORD, username="anna", address="192.0.2.1").status_code == 302


def test_the_pause_ends_with_the_cool_off_and_nothing_is_lost(client, editor):
    for attempt in range(settings.LOGIN_USERNAME_FAILURE_LIMIT):
        log_in(Client(), "wrong", address=f"192.0.2.{attempt + 1}")
    assert log_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_does_not_clear_the_addresss_count(client, editor):
    """A sprayer with an account of their own cannot start afresh by logging in."""
    for attempt in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
        log_in(client, "wrong", username=f"staff{attempt}")
    assert log_in(Client(), PASSWORD).status_code == 302
    assert log_in(client, "wrong", username="staff99").status_code == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "counted_as"),
    [
        ("203.0.113.10", "", "203.0.113.10"),
        ("203.0.113.10", "192.0.2.1", "203.0.113.10"),
        ("::ffff:203.0.113.10", "", "203.0.113.10"),
        ("2001:db8:1:2:3:4:5:6", "", "2001:db8:1:2::"),
        (PROXY, "192.0.2.1, 2001:db8:9:9::7", "2001:db8:9:9::"),
        (PROXY, "not an address", PROXY),
        (PROXY, "10.9.1.1", "10.9.1.1"),
    ],
)
def test_what_each_client_is_counted_as(rf, remote, forwarded, counted_as):
    request = rf.post(LOGIN, REMOTE_ADDR=remote, headers={"x_forwarded_for": forwarded})
    with override_settings(TRUSTED_PROXY_ADDRESSES=[PROXY, "10.9.0.0/16"]):
        assert throttled_address(request) == counted_as
