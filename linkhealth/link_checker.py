"""Checking external web addresses over HTTP, for check_links.

Nothing here touches the database: worker threads only talk HTTP, and check_links stores
the results from its own thread.
"""

import datetime
import ipaddress
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from itertools import chain, zip_longest
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.utils import timezone
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError

# Rate limiting, and gateways or servers that are briefly down or overloaded: worth another
# try after a pause. Anything else is what the server means.
TEMPORARY_STATUSES = frozenset({429, 502, 503, 504})
MAX_REDIRECTS = 10


class RefusedAddress(requests.RequestException):
    """The host resolves to an address on this server or its private network, which the
    checker does not request: an editor's link must not become a way to scan the server's
    network."""


def is_public(address):
    """Whether an IP address is on the public internet: not loopback, private, link-local,
    reserved, multicast, unspecified or otherwise special, IPv6 addresses that carry an
    IPv4 address judged by that address."""
    address = ipaddress.ip_address(address.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


class PublicAddressAdapter(HTTPAdapter):
    """Sends each request, and each redirect hop (requests sends every hop through its
    adapter), only to a public address, and connects to the very address it checked.

    requests would otherwise look the name up again when it connects, and a name server
    under an attacker's control could answer a public address to the check and a private
    one to the connection (DNS rebinding). So the name is resolved here, every address it
    has is checked, and the connection pool is keyed on the checked address, with the host
    name kept for the Host header, TLS's server name and the certificate check (through
    requests' documented adapter methods). Hosts in `allowed_hosts` (local test servers)
    skip the check, not the pinning."""

    def __init__(self, allowed_hosts=(), **kwargs):
        self.allowed_hosts = frozenset(host.lower() for host in allowed_hosts)
        self.pinned = threading.local()
        super().__init__(**kwargs)

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        self.pinned.address = self.checked_address(parts.hostname or "", parts.port, parts.scheme)
        return super().send(request, **kwargs)

    def checked_address(self, host, port, scheme):
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            addresses = self.resolve(host, port or (443 if scheme == "https" else 80))
        if host.lower() not in self.allowed_hosts and not all(map(is_public, addresses)):
            raise RefusedAddress(f"{host} is on a private or local network")
        return addresses[0]

    def resolve(self, host, port):
        try:
            found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as error:
            raise requests.ConnectionError(f"Host name not found: {host}") from error
        return [info[4][0] for info in found]

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        hostname = host_params["host"]
        host_params["host"] = self.pinned.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return host_params, pool_kwargs

    def add_headers(self, request, **kwargs):
        request.headers["Host"] = urlsplit(request.url).netloc.rpartition("@")[2]


@dataclass(frozen=True)
class CheckResult:
    url: str
    status_code: int | None = None
    final_url: str = ""
    redirect_chain: list = field(default_factory=list)
    error: str = ""
    checked_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def ok(self):
        return not self.error and self.status_code is not None and self.status_code < 400

    @property
    def outcome(self):
        """What a person reading the progress needs: the status, or what went wrong."""
        return self.error or str(self.status_code)


class LinkChecker:
    """Checks many external addresses at once without hammering anyone: a bounded number of
    connections in all and to each host, a timeout on every request, another try (after a
    growing pause) for failures that are usually temporary, and HEAD first with GET for
    servers that will not answer HEAD properly. Redirects are followed and recorded."""

    def __init__(
        self,
        *,
        timeout,
        max_connections,
        max_per_host,
        retries,
        retry_delay,
        user_agent,
        allowed_hosts=(),
    ):
        self.timeout = timeout
        self.max_connections = max_connections
        self.retries = retries
        self.retry_delay = retry_delay
        self.user_agent = user_agent
        self.allowed_hosts = allowed_hosts
        self._host_slots = defaultdict(lambda: threading.BoundedSemaphore(max_per_host))
        self._lock = threading.Lock()
        self._thread_state = threading.local()
        self._sessions = []

    @classmethod
    def from_settings(cls):
        return cls(
            timeout=settings.LINK_CHECK_TIMEOUT_SECONDS,
            max_connections=settings.LINK_CHECK_MAX_CONNECTIONS,
            max_per_host=settings.LINK_CHECK_MAX_CONNECTIONS_PER_HOST,
            retries=settings.LINK_CHECK_RETRIES,
            retry_delay=settings.LINK_CHECK_RETRY_DELAY_SECONDS,
            user_agent=f"{settings.WAGTAIL_SITE_NAME} link checker "
            f"(+{settings.WAGTAILADMIN_BASE_URL})",
            allowed_hosts=settings.LINK_CHECK_ALLOWED_HOSTS,
        )

    def check_all(self, urls):
        """Check each address once, yielding each result as soon as it is known."""
        pool = ThreadPoolExecutor(self.max_connections, thread_name_prefix="check-links")
        try:
            futures = [pool.submit(self.check, url) for url in interleaved_by_host(urls)]
            for future in as_completed(futures):
                yield future.result()
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            for session in self._sessions:
                session.close()

    def check(self, url):
        # The host's slot is held through the pauses between tries too: a server that asked
        # us to slow down gets no other requests from us meanwhile.
        with self._slot_for(url):
            for attempt in range(self.retries + 1):
                if attempt:
                    time.sleep(self.retry_delay * 2 ** (attempt - 1))
                result, temporary = self._try(url)
                if not temporary:
                    break
            return result

    def _try(self, url):
        """One try: the result, and whether the failure (if any) is worth another try."""
        session = self._session()
        try:
            response = session.head(url, allow_redirects=True, timeout=self.timeout)
            response.close()
            if response.status_code >= 400 and response.status_code not in TEMPORARY_STATUSES:
                # Many servers refuse HEAD (405, 501) or answer it differently from GET, which
                # is what a practitioner's browser sends. The body is not downloaded.
                response = session.get(url, allow_redirects=True, timeout=self.timeout, stream=True)
                response.close()
        except requests.RequestException as error:
            temporary = isinstance(
                error, requests.ConnectionError | requests.Timeout
            ) and not isinstance(error, requests.exceptions.SSLError)
            return CheckResult(url, error=self._describe(error)), temporary
        result = CheckResult(
            url,
            status_code=response.status_code,
            final_url=response.url,
            redirect_chain=[
                {"url": hop.url, "status_code": hop.status_code} for hop in response.history
            ],
        )
        return result, response.status_code in TEMPORARY_STATUSES

    def _describe(self, error):
        """Why there was no answer, in words an editor can act on."""
        if isinstance(error, RefusedAddress):
            return "Not checked: the address is on a private or local network"
        if isinstance(error, requests.Timeout):
            return f"No answer within {self.timeout:g} seconds"
        if isinstance(error, requests.exceptions.SSLError):
            return "Secure connection failed (certificate or encryption problem)"
        if isinstance(error, requests.TooManyRedirects):
            return f"More than {MAX_REDIRECTS} redirects"
        if isinstance(error, requests.ConnectionError):
            causes = list(_causes(error))
            if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
                return "Connection refused"
            if any(isinstance(cause, NameResolutionError | socket.gaierror) for cause in causes):
                return "Host name not found"
            return "Could not connect"
        if isinstance(error, ValueError):  # requests' invalid URL, schema and header errors
            return "Not a valid web address"
        return str(error) or type(error).__name__

    def _session(self):
        # requests does not promise that a Session is safe to share between threads.
        session = getattr(self._thread_state, "session", None)
        if session is None:
            session = requests.Session()
            # Straight to the checked address: a proxy from the environment would connect
            # to the name itself.
            session.trust_env = False
            adapter = PublicAddressAdapter(self.allowed_hosts)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            session.headers["User-Agent"] = self.user_agent
            session.max_redirects = MAX_REDIRECTS
            self._thread_state.session = session
            with self._lock:
                self._sessions.append(session)
        return session

    def _slot_for(self, url):
        with self._lock:
            return self._host_slots[host_of(url)]


def host_of(url):
    return (urlsplit(url).hostname or "").lower()


def interleaved_by_host(urls):
    """The addresses taken from each host in turn, so that the workers waiting for a busy
    host (the procedures manual has dozens of links) are not all that is running."""
    by_host = defaultdict(list)
    for url in urls:
        by_host[host_of(url)].append(url)
    return [url for url in chain.from_iterable(zip_longest(*by_host.values())) if url]


def _causes(error):
    """The error and everything behind it: requests wraps urllib3's errors, which keep the
    socket error as their reason or cause."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        behind = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        pending.extend(
            cause for cause in [*behind, *current.args] if isinstance(cause, BaseException)
        )
