"""Requests per second and latency of the public site under gunicorn, against the ceiling.

Builds a throw-away site (demo content, production settings) and serves it exactly as the
image does: gunicorn with the project's own gunicorn.conf.py (its workers, threads and
JSON access log), on 127.0.0.1. Each page is loaded with wrk, sending Accept-Encoding as
browsers do, first with the anonymous page cache on, then off. A minimal Django view on
the same server is the ceiling, loaded before and after the page in each round; the ratio to it
is what the targets are set against (cached pages at least 90 %, uncached at least 10 % on
SQLite and 8 % on PostgreSQL).

    .venv/bin/python bench/load.py [--database sqlite|postgres] [--seconds 2] [--rounds 9]
                                   [--page NAME ...] [--mode cached|uncached]

--database postgres creates its own database on PostgreSQL (BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres) and drops it afterwards; SQLite lives in a
temporary folder. Each figure is the median of --rounds runs, and each ratio the median of
the rounds' ratios: this machine's speed moves by half from one second to the next (a
fixed loop of Python takes 0.29 to 0.56 s), so many short rounds in turns with the
minimal view give a steadier ratio than a few long ones. --recycling SECONDS loads
one cached page for that long without replacing workers, with gunicorn.conf.py's
max_requests, and with a low one, to show whether replacing workers shows in the p99.
Needs wrk (apt-get install wrk). Sends traffic only to 127.0.0.1 and stops by itself.
"""

import argparse
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
MINIMAL = "/bench/minimal/"
PAGES = {
    "home": "/",
    "guidance page": "/people-working-with-children/working-together-to-safeguard-children/",
    "library": "/people-working-with-children/local-protocols-and-guidance/",
    "search ?q=safeguarding": "/search/?q=safeguarding",
    "procedures": "/people-working-with-children/southwest-child-protection-procedures/",
}
# The anonymous page cache's lifetime in each mode (PAGE_CACHE_SECONDS).
MODES = {"cached": "600", "uncached": "0"}
ACCEPT_ENCODING = "gzip, deflate, br"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def database(kind, workdir):
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'db.sqlite3'}"
        return
    server = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    name = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def build_site(env):
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_demo_content", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run([PYTHON, "manage.py", *command], cwd=ROOT, env=env, check=True)


@contextmanager
def serve(env, *options, log=subprocess.DEVNULL):
    """gunicorn.conf.py as shipped; only the address (and `options`) are the bench's.
    Its log (the access log among it) goes to `log`; what it says on standard error
    before its logging is set up is shown if it fails to start."""
    port = free_port()
    with tempfile.TemporaryFile() as errors:
        server = subprocess.Popen(
            [GUNICORN, "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", *options],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=errors,
        )
        try:
            # A machine busy with other work can take a minute to start Django and
            # compile the templates.
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{MINIMAL}", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        errors.seek(0)
                        said = errors.read().decode(errors="replace")[-3000:]
                        raise SystemExit(f"gunicorn did not start:\n{said}") from None
                    time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=30)


def load(port, path, seconds, connections):
    url = f"http://127.0.0.1:{port}{path}"
    for _ in range(4):  # warm the workers, the cache and the database connections
        request = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT_ENCODING})
        # An http:// address on this machine, built above.
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
    output = subprocess.run(
        # A response slower than wrk's default 2 s counts as a socket error; on a shared
        # machine an uncached page can take that long, and is then measured, not refused.
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
        + ["-H", f"Accept-Encoding: {ACCEPT_ENCODING}", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"{path} answered with errors under load:\n{output}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency(output, "50%"),
        "p99": latency(output, "99%"),
    }


def latency(output, percentile):
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def median(runs):
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def against_the_ceiling(port, path, args):
    """The page and the minimal view, in turns, the minimal view first and last: (the
    page's medians, the ceiling's medians, the median of each round's ratio to the mean of
    the minimal view's runs either side of it, as the machine's speed drifts)."""
    ceilings = [load(port, MINIMAL, args.seconds, args.connections)]
    pages = []
    for _ in range(args.rounds):
        pages.append(load(port, path, args.seconds, args.connections))
        ceilings.append(load(port, MINIMAL, args.seconds, args.connections))
    ratio = statistics.median(
        page["rps"] / statistics.mean((before["rps"], after["rps"]))
        for page, before, after in zip(pages, ceilings, ceilings[1:], strict=False)
    )
    return median(pages), median(ceilings), ratio


def recycling(env, args):
    """The cached home page for --recycling seconds: with no replacement (what a busy
    machine alone does to the p99), with gunicorn.conf.py's own max_requests, and with
    2,000 plus up to 1,000 (a replacement every few seconds, ten times as often as
    shipped). Each row says how many workers were replaced during the run, counted in
    gunicorn's log."""
    rows = []
    for label, options in (
        ("no replacement", ("--max-requests", "0")),
        ("max_requests as shipped", ()),
        ("max_requests 2000", ("--max-requests", "2000", "--max-requests-jitter", "1000")),
    ):
        with tempfile.TemporaryFile() as log:
            with serve({**env, "PAGE_CACHE_SECONDS": "600"}, *options, log=log) as port:
                result = load(port, PAGES["home"], args.recycling, args.connections)
            log.seek(0)
            replaced = log.read().count(b"Autorestarting worker")
        name = f"home cached, {label}: {replaced} replaced"
        rows.append((name, result, None, None))
    return rows


def environment(workdir, database_url):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        # wrk speaks plain HTTP to the server, as a TLS proxy in front would.
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "CACHE_DIR": str(workdir / "cache"),
    }
    for name in ("DEBUG", "REDIS_URL", "GUNICORN_CMD_ARGS", "WEB_CONCURRENCY", "GUNICORN_THREADS"):
        env.pop(name, None)
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--recycling", type=int, metavar="SECONDS")
    parser.add_argument(
        "--page", choices=PAGES, action="append", help="only this page (may be repeated)"
    )
    parser.add_argument("--mode", choices=MODES, action="append", help="only cached or uncached")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    load_before = os.getloadavg()[0]
    workdir = Path(tempfile.mkdtemp(prefix="partnership-bench-"))
    rows = []
    try:
        with database(args.database, workdir) as database_url:
            env = environment(workdir, database_url)
            build_site(env)
            if args.recycling:
                rows += recycling(env, args)
            else:
                for mode in args.mode or MODES:
                    with serve({**env, "PAGE_CACHE_SECONDS": MODES[mode]}) as port:
                        for name in args.page or PAGES:
                            path = PAGES[name]
                            measured = against_the_ceiling(port, path, args)
                            rows.append((f"{name} ({mode})", *measured))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    print(
        f"| {'page':40} | {'req/s':>7} | {'p50 ms':>7} | {'p99 ms':>7} | {'p99/p50':>7} "
        f"| {'minimal req/s':>13} | {'of minimal':>10} |"
    )
    print(f"|{'-' * 42}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 9}|{'-' * 15}|{'-' * 12}|")
    for name, result, ceiling, ratio in rows:
        ratio = f"{ratio:.1%}" if ceiling else "-"
        minimal = f"{ceiling['rps']:.0f}" if ceiling else "-"
        print(
            f"| {name:40} | {result['rps']:7.0f} | {result['p50']:7.2f} | {result['p99']:7.2f} "
            f"| {result['p99'] / result['p50']:7.1f} | {minimal:>13} | {ratio:>10} |"
        )
    runs = (
        f"one run of {args.recycling} s each"
        if args.recycling
        else f"median of {args.rounds} rounds of {args.seconds} s each"
    )
    print(
        f"({'PostgreSQL' if args.database == 'postgres' else 'SQLite'}, gunicorn.conf.py as "
        f"shipped, wrk {args.connections} connections, {runs}, load average before: "
        f"{load_before:.1f})"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
