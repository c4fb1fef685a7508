"""Logs as JSON lines on standard output, each with the id of the request it belongs to.

One line per event suits a container platform's log collector, and the request id ties the
access log line to whatever the application logged while answering. Gunicorn's access
records carry every detail of the request, so only a chosen few go out: the method, the
path without its query string (search terms are what people are worried about), the status,
the size and the time taken. Client addresses, cookies, referrers and user agents are left
out: they are personal data, and nothing here needs them.
"""

import contextvars
import json
import logging
from datetime import UTC, datetime

# The id of the request being answered in this thread, for the log lines it causes.
request_id = contextvars.ContextVar("request_id", default=None)


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
            if getattr(record, "request_id", None):
                entry["request_id"] = record.request_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def access_fields(atoms):
    """The fields kept from one of gunicorn's access records (see gunicorn.glogging)."""
    fields = {
        "message": f"{atoms['m']} {atoms['U']} {atoms['s']}",
        "method": atoms["m"],
        "path": atoms["U"],
        "status": int(atoms["s"]),
        "bytes": atoms["B"],
        "duration_ms": atoms["M"],
    }
    if atoms["{x-request-id}o"] != "-":
        fields["request_id"] = atoms["{x-request-id}o"]
    return fields


def axes_client(username, ip_address, user_agent, path_info, request):
    """How django-axes names a client in its log lines: by request id alone. Who tried to
    log in, and from where, stays in its own records in the admin, out of the logs."""
    return f"request {getattr(request, 'request_id', None) or request_id.get()}"


def logging_config(level):
    """The logging set-up shared by Django (production settings) and gunicorn.conf.py."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "partnership_site.logs.RequestIdFilter"}},
        "formatters": {"json": {"()": "partnership_site.logs.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            # Gunicorn's own records would otherwise also reach the root's handler.
            "gunicorn.error": {"handlers": ["stdout"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
            # Wagtail runs search indexing as immediate tasks; one line each drowns the rest.
            "django_tasks": {"level": "WARNING"},
        },
    }
