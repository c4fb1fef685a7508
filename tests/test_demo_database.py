"""The demo database kept between test runs (tests/demo_database.py)."""

from tests.demo_database import source_fingerprint


def test_the_kept_copy_is_rebuilt_when_what_shapes_it_changes(tmp_path):
    files = {
        "pages/migrations/0001_initial.py": "operations = []",
        "templates/pages/home_page.html": "<h1>Home</h1>",
        "requirements.lock": "wagtail==8.0",
        "tests/test_home.py": "def test_home(): pass",
        "README.md": "# Read me",
        ".ruff_cache/content": "cached",
        "pages/__pycache__/models.cpython-311.pyc": "compiled",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    fingerprint = source_fingerprint(tmp_path)

    for unrelated in list(files)[3:]:
        (tmp_path / unrelated).write_text("changed")
    assert source_fingerprint(tmp_path) == fingerprint

    for shaping in list(files)[:3]:
        (tmp_path / shaping).write_text("changed")
        assert source_fingerprint(tmp_path) != fingerprint
        fingerprint = source_fingerprint(tmp_path)
