"""What production puts in front of the site's own middleware (settings/production.py)."""

import logging
import re
import uuid

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.signals import request_finished
from django.db import DatabaseError, connection
from django.http import HttpResponse

from .logs import request_id

logger = logging.getLogger(__name__)

# Ids from proxies and load balancers (UUIDs, hex digests) pass; anything that could forge
# or break a log line does not.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
ADMIN_PREFIX = "/admin/"


def is_preview_of_a_page(request):
    """Wagtail's admin previews a page by passing a made-up request for it through the
    middleware, inside the admin's own request, which keeps its id. Wagtail marks it for
    middleware with is_dummy, not documented: tests/test_request_ids.py fails if it changes."""
    return getattr(request, "is_dummy", False)


class RequestIdMiddleware:
    """Gives each request an id, logged with everything it causes and sent back in the
    X-Request-ID response header. A proxy's own id is kept, so that its logs and ours tie up.

    The id stays set until the response is finished, not just until this middleware returns:
    Django logs error responses (404, 413...) after the middleware has run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_preview_of_a_page(request):
            return self.get_response(request)
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if VALID_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        request_id.set(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def forget_request_id(**kwargs):
    request_id.set(None)


request_finished.connect(forget_request_id)


class HealthCheckMiddleware:
    """Answers /healthz with 200 "ok" when the database answers, 503 otherwise.

    It runs before the rest of the middleware, so that the container's own check works
    whatever Host it sends (ALLOWED_HOSTS need not list 127.0.0.1), over plain HTTP (no
    redirect to HTTPS) and never from the page cache. Answering any host reveals nothing: the
    body is one word. Redis is not checked: the site works without it, and a cache outage
    must not take every server out of the load balancer at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != "/healthz":
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError as error:
            logger.warning("Health check: the database did not answer: %s", error)
            response = HttpResponse("unavailable", content_type="text/plain", status=503)
        else:
            response = HttpResponse("ok", content_type="text/plain")
        response["Cache-Control"] = "no-store"
        return response


class RequestSizeLimitMiddleware:
    """Refuses bodies larger than the largest document upload and its form, unread.

    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but not files: any form, the
    admin's login page included, would write a file of any size to disk before its view
    could refuse it. A proxy in front may have a limit of its own; this one holds without.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.limit:
            return HttpResponse("Request too large", content_type="text/plain", status=413)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (CONTENT_SECURITY_POLICY), with the Wagtail admin's own
    policy (CONTENT_SECURITY_POLICY_ADMIN) for the admin and its previews of pages, which
    the admin shows in a frame. Responses with their own policy keep it, such as Wagtail's
    document downloads ("default-src 'none'")."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.config is None and not report_only and self.is_for_the_admin(request):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts

    @staticmethod
    def is_for_the_admin(request):
        # Wagtail sets is_preview (documented for templates) on the request it makes up for
        # a preview, before the response passes back through the middleware.
        return request.path.startswith(ADMIN_PREFIX) or getattr(request, "is_preview", False)


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (PERMISSIONS_POLICY), for responses that set none;
    django-csp and Django's SecurityMiddleware do not send it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response
