"""The guard on every URL the service calls for a client: `image_url` downloads in the gateway,
webhook deliveries in the workers (server-side request forgery).

Only http(s) on allowed ports, no userinfo, and every address the host resolves to must be
public unless an operator trusts its network (or, for webhooks, names the host). A request then
goes to a vetted address itself (the Host header and TLS SNI carry the name), so a DNS answer
that changes between the check and the connection (rebinding) cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

import httpx

from shared.config import Settings
from shared.errors import UrlFetchFailedError, UrlNotAllowedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

DEFAULT_PORTS = {"http": 80, "https": 443}
_HOST_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?", re.IGNORECASE)  # after IDNA
_NAT64_PREFIX = ipaddress.IPv6Network("64:ff9b::/96")
# Not global but not flagged by `ipaddress` as anything else in every Python version.
_NEVER_PUBLIC = (ipaddress.IPv4Network("192.0.0.0/24"), ipaddress.IPv4Network("100.64.0.0/10"))


class Resolver(Protocol):
    """Resolves a host name to IP address strings; called in a worker thread."""

    def __call__(self, host: str, port: int) -> list[str]: ...


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver: every address `getaddrinfo` gives for a TCP connection."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_public_address(ip: IPAddress) -> bool:
    """True when `ip` is globally routable unicast, looking through IPv4 embedded in IPv6."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None:
        return is_public_address(embedded)
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    if any(ip in network for network in _NEVER_PUBLIC):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv4-mapped, 6to4 or NAT64 address reaches, if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_PREFIX:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class Target:
    """A URL that passed the guard, with the addresses it may be reached at."""

    url: httpx.URL
    addresses: list[str]


class UrlGuard:
    """Vets URLs and opens connections to vetted addresses only; one instance serves many."""

    def __init__(
        self,
        *,
        allowed_ports: Iterable[int],
        trusted_networks: Iterable[str] = (),
        trusted_hosts: Iterable[str] = (),
        resolver: Resolver | None = None,
    ) -> None:
        """`trusted_networks` are CIDRs and `trusted_hosts` host names (`host` for any port,
        `host:port` for one) an operator allows although they are not public."""
        self._ports = frozenset(allowed_ports)
        self._networks: list[IPNetwork] = [
            ipaddress.ip_network(cidr, strict=False) for cidr in trusted_networks
        ]
        self._hosts = frozenset(host.lower() for host in trusted_hosts)
        self._resolver: Resolver = resolver or resolve_host
        # Built once: loading the CA bundle for every connection would cost more than it.
        self._tls = httpx.create_ssl_context(trust_env=False)

    async def vet(self, url: str | httpx.URL) -> Target:
        """Check scheme, userinfo, port and every resolved address; connect to nothing.

        Raises UrlNotAllowedError, or UrlFetchFailedError when the host does not resolve.
        """
        url = parse_url(url) if isinstance(url, str) else url
        if url.scheme not in DEFAULT_PORTS:
            raise UrlNotAllowedError(
                "only http and https URLs are accepted", details={"scheme": url.scheme}
            )
        if url.userinfo:
            raise UrlNotAllowedError("URLs with a user name or password are not accepted")
        if not url.host:
            raise UrlNotAllowedError("the URL has no host")
        port = url.port or DEFAULT_PORTS[url.scheme]
        trusted = {url.host.lower(), f"{url.host.lower()}:{port}"} & self._hosts
        if port not in self._ports and not trusted:
            raise UrlNotAllowedError(
                f"port {port} is not allowed",
                details={"port": port, "allowed_ports": sorted(self._ports)},
            )
        addresses = await self._addresses(url.raw_host.decode("ascii"), port)
        for address in addresses:
            if not trusted:
                self._check_address(address, url.host)
        return Target(url, [str(address) for address in addresses])

    async def check(self, url: str, timeout: float) -> None:
        """Vet a URL the service will call later (a `webhook_url`): connects to nothing.

        Raises UrlNotAllowedError, also when the host cannot be resolved in time.
        """
        try:
            async with asyncio.timeout(timeout):
                await self.vet(url)
        except (TimeoutError, UrlFetchFailedError) as e:
            raise UrlNotAllowedError(f"the URL's host cannot be resolved: {e}") from e

    @asynccontextmanager
    async def client(self, timeout: float) -> AsyncIterator[httpx.AsyncClient]:
        """An HTTP client for requests to vetted addresses (see `request`).

        One per connection target: a pooled connection would carry one name's TLS session to
        another. trust_env=False: a proxy from the environment would make the pinned address
        moot.
        """
        async with httpx.AsyncClient(verify=self._tls, trust_env=False, timeout=timeout) as c:
            yield c

    @staticmethod
    def request(
        client: httpx.AsyncClient,
        method: str,
        url: httpx.URL,
        address: str,
        *,
        headers: dict[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Request:
        """A request for `url` sent to `address` (one of its vetted addresses), the name in
        the Host header and in TLS SNI."""
        sni = {} if _ip_literal(url.host) else {"sni_hostname": url.raw_host.decode().rstrip(".")}
        return client.build_request(
            method,
            url.copy_with(host=address),
            headers={"Host": url.netloc.decode("ascii"), **(headers or {})},
            content=content,
            extensions=sni,
        )

    async def _addresses(self, host: str, port: int) -> list[IPAddress]:
        literal = _ip_literal(host)
        if literal is not None:
            return [literal]
        if not _HOST_NAME.fullmatch(host):
            raise UrlNotAllowedError("the URL's host is not a valid name", details={"host": host})
        try:
            answers = await asyncio.to_thread(self._resolver, host, port)
        except (OSError, UnicodeError) as e:
            raise UrlFetchFailedError(f"cannot resolve {host}", details={"host": host}) from e
        if not answers:
            raise UrlFetchFailedError(f"{host} has no address", details={"host": host})
        addresses = [_ip_literal(answer) for answer in answers]
        if None in addresses:
            raise UrlNotAllowedError(f"{host} resolved to a non-address", details={"host": host})
        return [address for address in addresses if address is not None]

    def _check_address(self, ip: IPAddress, host: str) -> None:
        if _in_networks(ip, self._networks) or is_public_address(ip):
            return
        raise UrlNotAllowedError(
            "the URL points to an address that is not public",
            details={"host": host, "address": str(ip)},
        )


def webhook_guard(settings: Settings, resolver: Resolver | None = None) -> UrlGuard:
    """The guard on webhook URLs: the image URL guard's ports and networks, and the hosts
    `webhooks.allow_hosts` names."""
    return UrlGuard(
        allowed_ports=settings.url_fetch.allowed_ports,
        trusted_networks=settings.url_fetch.allowed_networks,
        trusted_hosts=settings.webhooks.allow_hosts,
        resolver=resolver,
    )


def parse_url(url: str) -> httpx.URL:
    try:
        return httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError) as e:
        raise UrlNotAllowedError(f"the URL is not valid: {e}") from e


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _in_networks(ip: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    candidates: Sequence[IPAddress] = [ip] + [a for a in [_embedded_ipv4(ip)] if a is not None]
    return any(
        candidate in network
        for candidate in candidates
        for network in networks
        if candidate.version == network.version
    )
