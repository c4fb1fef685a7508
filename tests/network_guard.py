"""Keeps the test suite on this machine: a test that tries to reach any other address fails.

Connections and name lookups outside loopback raise at once, so nothing leaves the machine,
and are recorded, so the test fails even if the code under test caught the error (the link
checker, for one, turns connection errors into results). The one exception is the database
server's host name, whoever runs the tests chose it: psycopg looks it up in Python before
libpq connects from C, where this guard does not reach.
"""

import ipaddress
import socket

LOCAL_NAMES = {"localhost", "localhost.localdomain"}


class NetworkAccessBlocked(OSError):
    """Raised instead of reaching an address outside this machine."""


def is_loopback(host):
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = (host or "").rstrip(".").lower()
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class LoopbackOnlyNetwork:
    def __init__(self, database_hosts=()):
        self.database_hosts = set(database_hosts)
        self.blocked = []

    def install(self, monkeypatch):
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo

        def connect(sock, address):
            self.check(sock.family, address)
            return real_connect(sock, address)

        def connect_ex(sock, address):
            self.check(sock.family, address)
            return real_connect_ex(sock, address)

        def getaddrinfo(host, *args, **kwargs):
            # A lookup of another machine's name would itself reach a DNS server.
            if host is not None and host not in self.database_hosts and not is_loopback(host):
                self.refuse(host)
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def check(self, family, address):
        if family == getattr(socket, "AF_UNIX", None):
            return
        if not is_loopback(address[0]):
            self.refuse(address)

    def refuse(self, target):
        self.blocked.append(target)
        raise NetworkAccessBlocked(f"Tests may only reach loopback addresses, not {target!r}")
