"""The throw-away site the in-process benchmarks run against (documents_at_scale.py,
alerts.py): a SQLite database and media folder in a temporary folder, unless DATABASE_URL
names a database that may be thrown away, under the development settings with DEBUG off."""

import os
import shutil
import sys
import tempfile
from pathlib import Path


def run_in_scratch_site(prefix, run):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    workdir = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
    os.environ.setdefault("MEDIA_ROOT", f"{workdir}/media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership_site.settings.dev")
    # Time what production runs, not the debug pages and query log.
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    try:
        run()
    finally:
        shutil.rmtree(workdir)
