"""Outgoing HTTP for webhooks and chat channels, and the rules against SSRF.

A URL someone types makes Tandem's server send requests, so:

* only ``http`` and ``https``, with a host and no user name or password in it;
* never Tandem's own host (``TANDEM_SITE_URL`` and ``ALLOWED_HOSTS``): a webhook
  must not drive Tandem's own pages from inside;
* never an address that is not public (loopback, private networks, link-local,
  which includes cloud metadata at 169.254.169.254, multicast, reserved,
  unspecified), checked for **every** address the name resolves to, when the
  URL is saved and again before every attempt; the connection then goes to the
  address that was checked (no second lookup, so a name that changes its answer
  between the check and the connection cannot slip through);
* redirects are not followed (a 3xx counts as a failure), and each attempt
  waits at most ``TANDEM_WEBHOOKS_TIMEOUT_SECONDS``.

``TANDEM_WEBHOOKS_ALLOW_PRIVATE`` (local development, the test suite) lifts the
address rule; the own-host rule then only refuses the exact host and port of
``TANDEM_SITE_URL``.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "Tandem-Webhooks/1"


class Refused(ValueError):
    """The URL may not be called; the message says why, for a person."""


@dataclass(frozen=True)
class Answer:
    status: int | None  # None: no HTTP answer at all
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _site_host_port() -> tuple[str, int]:
    site = urlsplit(settings.SITE_URL)
    return (site.hostname or "").lower(), site.port or (443 if site.scheme == "https" else 80)


def _is_own_host(host: str, port: int) -> bool:
    site_host, site_port = _site_host_port()
    if settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE:
        return host == site_host and port == site_port
    if host == site_host:
        return True
    for allowed in settings.ALLOWED_HOSTS:
        allowed = allowed.lower().strip("[]")
        if allowed == host or (allowed.startswith(".") and (host.endswith(allowed) or host == allowed[1:])):
            return True
    return False


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def parse(url: str) -> tuple[str, str, int]:
    """``(scheme, host, port)`` of an acceptable URL; ``Refused`` otherwise (no network)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused("That is not a valid URL.") from error
    if parts.scheme not in ("http", "https"):
        raise Refused("Only http:// and https:// URLs can receive events.")
    if not parts.hostname:
        raise Refused("The URL needs a host name.")
    if parts.username or parts.password:
        raise Refused("Put no user name or password in the URL; the signature proves the sender.")
    host = parts.hostname.lower()
    port = port or (443 if parts.scheme == "https" else 80)
    if _is_own_host(host, port):
        raise Refused("Tandem does not send events to its own address.")
    return parts.scheme, host, port


def resolve(host: str, port: int) -> str:
    """The address to connect to: every address ``host`` resolves to must be public
    (unless private ones are allowed); ``Refused`` otherwise."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Refused(f"The host name {host} does not resolve.") from error
    addresses = [info[4][0] for info in infos]
    if not settings.TANDEM_WEBHOOKS_ALLOW_PRIVATE and not all(_public(a) for a in addresses):
        raise Refused("That address is not on the public internet.")
    return addresses[0]


def check(url: str, *, look_up: bool = True) -> None:
    """Refuse a URL that may not receive events (``Refused`` with the reason)."""
    _scheme, host, port = parse(url)
    if look_up:
        try:
            ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            try:
                resolve(host, port)
            except Refused as error:
                if "does not resolve" in str(error):
                    return  # maybe a name that is down today: each attempt checks again
                raise
        else:
            resolve(host.strip("[]"), port)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to a checked address, with the certificate checked for the host name."""

    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def post_json(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url`` once; never raises for the network or the receiver."""
    started = time.monotonic()
    try:
        scheme, host, port = parse(url)
        address = resolve(host.strip("[]"), port)
    except Refused as error:
        return Answer(None, 0, str(error))
    parts = urlsplit(url.strip())
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
    connection = connection_class(
        host.strip("[]"), address, port=port, timeout=settings.TANDEM_WEBHOOKS_TIMEOUT_SECONDS
    )
    all_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
    try:
        connection.request("POST", target, body=body, headers=all_headers)
        response = connection.getresponse()
        response.read(64 * 1024)
        return Answer(response.status, _since(started))
    except (OSError, http.client.HTTPException) as error:
        kind = "Timed out" if isinstance(error, TimeoutError | socket.timeout) else "Connection failed"
        return Answer(None, _since(started), f"{kind}: {error}"[:300])
    finally:
        connection.close()


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
