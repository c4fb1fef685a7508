"""Requests per second and latency of the public site under gunicorn, against the ceiling.

Builds a throw-away site (demo content, production settings), serves it with production's
gunicorn.conf.py but 2 sync workers (the setting the targets are measured in) on
127.0.0.1, and loads each URL
with wrk for a few seconds: first with the anonymous page cache on, then off. A minimal
Django view on the same server is the ceiling, loaded just before each page; the ratio to
it is what the targets are set against (cached pages at least 50 %, uncached at least 8 %).

    .venv/bin/python bench/load.py [--seconds 5] [--connections 16]

Uses SQLite in a temporary folder unless DATABASE_URL names a (throw-away) database.
Needs wrk (apt-get install wrk). Sends traffic only to 127.0.0.1 and stops by itself.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
MINIMAL = "/bench/minimal/"
PAGES = {
    "home page": "/",
    "guidance page": "/people-working-with-children/working-together-to-safeguard-children/",
    "library page": "/people-working-with-children/local-protocols-and-guidance/",
    "search": "/search/?q=safeguarding",
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_site(env):
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo_content", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


def serve(env, port):
    server = subprocess.Popen(
        [
            GUNICORN,
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--worker-class",
            "sync",
            "--threads",
            "1",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{MINIMAL}", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start within 30 seconds")


def load(port, path, seconds, connections):
    url = f"http://127.0.0.1:{port}{path}"
    for _ in range(3):  # warm the workers, the cache and the database connection
        urllib.request.urlopen(url, timeout=10).read()
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{path} answered with errors under load:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
    }


def latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    workdir = Path(tempfile.mkdtemp(prefix="partnership-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        # wrk speaks plain HTTP to the server, as a TLS proxy in front would.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"sqlite:///{workdir / 'db.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "CACHE_DIR": str(workdir / "cache"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    try:
        build_site(env)
        results = {}
        for mode, cache_seconds in (("cached", "600"), ("uncached", "0")):
            port = free_port()
            server = serve({**env, "PAGE_CACHE_SECONDS": cache_seconds}, port)
            try:
                for name, path in PAGES.items():
                    # The ceiling is measured again just before each page: this machine's
                    # speed drifts over a run, and a ratio of neighbours drifts least.
                    ceiling = load(port, MINIMAL, args.seconds, args.connections)
                    result = load(port, path, args.seconds, args.connections)
                    results[f"{name} ({mode})"] = (result, ceiling)
            finally:
                server.terminate()
                server.wait(timeout=30)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(f"{'':28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'minimal':>8} {'of minimal':>10}")
    for name, (result, ceiling) in results.items():
        print(
            f"{name:28} {result['rps']:8.0f} {result['p50']:8.2f} {result['p99']:8.2f} "
            f"{ceiling['rps']:8.0f} {result['rps'] / ceiling['rps']:10.1%}"
        )
    database = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(
        f"({database}, gunicorn 2 sync workers, "
        f"wrk {args.connections} connections, {args.seconds} s each)"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
