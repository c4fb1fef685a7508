"""Gunicorn's settings in production (the container's command, scripts/run-production-locally).

Any of them can be changed without a new image through GUNICORN_CMD_ARGS, e.g.
GUNICORN_CMD_ARGS="--timeout 60".
"""

import gc
import os
import sys
from pathlib import Path

from partnership_site.logs import logging_config

wsgi_app = "partnership_site.wsgi"
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Threads keep a worker answering while one of its requests streams a document to a slow
# phone connection. Each thread holds its own database connection.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker that stops answering gunicorn for `timeout` seconds is replaced. On shutdown (a
# new release) requests in progress get `graceful_timeout` seconds to finish: give the
# container longer than that to stop (docker run --stop-timeout 30; Kubernetes' default).
timeout = 30
graceful_timeout = 25
# Each response closes its connection. A connection kept alive stays with the worker that
# accepted it: when a worker is replaced, the clients it served (a proxy's or a load
# balancer's few long-lived connections, here as in the benchmark) reconnect all at once
# to whichever worker is ready first, and stay there, so one worker served everything
# while the other idled (measured: half the throughput, p99 6 x p50, until the next
# replacement moved them all back). Behind the TLS proxy a new connection costs a local
# handshake; nginx, for one, opens a connection per request to its upstream by default.
keepalive = 0
# Workers are replaced now and then, so that a slow leak cannot grow for ever.
# At cached-page speeds a worker serves a thousand requests a second: restarting it every
# thousand would cost more than the leaks it guards against. The jitter is half the limit,
# so that the workers' restarts are spread out rather than falling together.
max_requests = 20000
max_requests_jitter = 10000
# Workers are forked from a master that has already loaded Django, so a replaced worker
# answers again within milliseconds instead of the second Django takes to start (load
# meanwhile falls on the other workers), and the workers share the loaded code's memory.
preload_app = True
# The workers' heartbeat files in memory: a container's disk can stall them. Not a
# temporary file of ours: gunicorn creates and removes its own there.
worker_tmp_dir = "/dev/shm"  # noqa: S108

# Django alone decides from SECURE_PROXY_SSL_HEADER whether a request came over HTTPS, so
# that trust in the proxy is configured in one place.
secure_scheme_headers = {}
# Nothing here uses gunicorn's control socket, and it would be shared by every gunicorn
# run by the same user.
control_socket_disable = True

# JSON lines on standard output, the access log included (partnership_site/logs.py).
logconfig_dict = logging_config(os.environ.get("LOG_LEVEL") or "INFO")


def when_ready(server):
    """Before the first worker is forked: what each new worker would otherwise do on its
    first requests (resolve the URL patterns, which imports every view, and compile the
    site's templates) is done once here and inherited, so a worker replaced under load
    answers at full speed at once. Nothing here opens a database connection, which forked
    workers must not share."""
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (evaluated for its imports)
    templates = Path(__file__).resolve().parent / "templates"
    for template in templates.rglob("*.html"):
        get_template(str(template.relative_to(templates)))


def pre_fork(server, worker):
    """Just before each worker is forked: the objects the master has loaded (Django,
    Wagtail, the compiled templates, some 200,000 of them) are left out of the workers'
    garbage collections. Otherwise each full collection walks them all, tens of
    milliseconds on this machine, and the first ones in a new worker also copy the
    master's memory page by page as they mark each object: a latency spike at every
    replacement, and memory no longer shared. This is gc.freeze()'s documented use."""
    gc.freeze()


def worker_exit(server, worker):
    """In a worker that has finished: when it ends normally (replaced after max_requests,
    or the server stopping), it leaves at once instead of tearing down the interpreter.
    Freeing every object one by one took a quarter of a second, while the master waited to
    fork its replacement and the other worker carried the load alone. Its standard output
    (the log) is flushed first; its database connections close with the process. An
    abnormal end (a failed boot or a crash) takes the normal way out, so gunicorn sees its
    exit code. gunicorn calls this hook while the worker's SystemExit is being raised."""
    ending = sys.exc_info()[1]
    if isinstance(ending, SystemExit) and ending.code in (0, None):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
