"""Unknown addresses, broken configuration and the system checks."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_unknown_url_gets_the_custom_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "Concerned about a child?" in html


def test_server_error_page_stands_alone(client):
    # The 500 page is rendered with no context, so it must not need the database.
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Sorry, there is a problem with the service" in html
    assert "call 999" in html


@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_a_crashing_page_shows_the_500_page(client, monkeypatch, guidance_page):
    from pages.models import GuidancePage

    def explode(self, request, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(GuidancePage, "get_context", explode)
    client.raise_request_exception = False
    response = client.get(guidance_page.url)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "boom" not in response.content.decode()


def run_with_production_settings(env_overrides):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}
    }
    env.update(DJANGO_SETTINGS_MODULE="partnership_site.settings.production", **env_overrides)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_with_production_settings({"ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "The environment variable SECRET_KEY must be set" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run_with_production_settings({"SECRET_KEY": "short", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_with_production_settings({"SECRET_KEY": "x" * 10 + "abcdefghij" * 5})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_refuses_debug():
    result = run_with_production_settings(
        {"SECRET_KEY": "abcdefghij" * 6, "ALLOWED_HOSTS": "example.org", "DEBUG": "true"}
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_unreadable_boolean_names_the_variable():
    result = run_with_production_settings(
        {"SECRET_KEY": "abcdefghij" * 6, "ALLOWED_HOSTS": "example.org", "DEBUG": "maybe"}
    )
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_production_starts_with_the_required_environment():
    result = run_with_production_settings(
        {
            "SECRET_KEY": "abcdefghij" * 6,
            "ALLOWED_HOSTS": "example.org",
            "DATABASE_URL": "postgres://partnership@db.internal:5432/partnership",
            "WAGTAILADMIN_BASE_URL": "https://example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


def test_system_checks_are_clean():
    call_command("check", fail_level="WARNING")
