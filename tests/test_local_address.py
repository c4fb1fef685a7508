"""`make run PORT=…` tells the developer, the approval emails and the Site the address
actually served, not the default port."""

import os
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from wagtail.models import Site

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parent.parent


def test_make_run_serves_and_links_the_port_asked_for(tmp_path):
    # A stand-in for the virtualenv's python: records each command and the address it got.
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\necho "$* with $WAGTAILADMIN_BASE_URL"\n')
    python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key != "WAGTAILADMIN_BASE_URL"}
    result = subprocess.run(
        ["make", "--no-print-directory", "run", "PORT=8420", f"BIN={tmp_path}"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    lines = result.stdout.splitlines()
    assert "manage.py create_local_admin with http://127.0.0.1:8420" in lines
    assert "Serving the site on http://127.0.0.1:8420/ (Ctrl+C to stop)" in lines
    assert "manage.py runserver 127.0.0.1:8420 with http://127.0.0.1:8420" in lines


def test_local_admin_prints_the_served_address_and_points_the_site_at_it(tmp_path, capsys):
    with override_settings(
        DEBUG=True, VAR_DIR=tmp_path, WAGTAILADMIN_BASE_URL="http://127.0.0.1:8420"
    ):
        call_command("create_local_admin")
    assert "Log in at http://127.0.0.1:8420/admin/ " in capsys.readouterr().out
    site = Site.objects.get(is_default_site=True)
    assert site.root_url == "http://127.0.0.1:8420"
