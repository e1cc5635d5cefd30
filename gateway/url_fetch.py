"""Fetch a job's input from a caller's `image_url` without letting the caller reach our network.

Server-side request forgery guard: only http(s) on allowed ports, no userinfo, and every address
the host resolves to must be public unless an operator trusts its network. The request then goes
to the vetted address itself (the Host header and TLS SNI carry the name), so a DNS answer that
changes between the check and the connection (rebinding) cannot redirect it. Redirects are
followed by hand, each hop vetted like the first; the body is capped and the whole fetch timed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import httpx

from shared.config import UrlFetchSettings
from shared.errors import ImageTooLargeError, UrlFetchFailedError, UrlNotAllowedError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_DEFAULT_PORTS = {"http": 80, "https": 443}
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
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
class FetchedFile:
    """A downloaded input: its bytes, a name from the last URL's path and the declared type."""

    data: bytes
    filename: str
    content_type: str | None


@dataclass(frozen=True)
class _Target:
    """One hop's URL with the addresses that passed the guard."""

    url: httpx.URL
    addresses: list[str]


class UrlFetcher:
    """Downloads `image_url` inputs under the SSRF guard; one instance serves many fetches."""

    def __init__(
        self, settings: UrlFetchSettings, *, max_bytes: int, resolver: Resolver | None = None
    ) -> None:
        self._settings = settings
        self._max_bytes = max_bytes
        self._resolver: Resolver = resolver or resolve_host
        self._trusted: list[IPNetwork] = [
            ipaddress.ip_network(cidr, strict=False) for cidr in settings.allowed_networks
        ]
        # Built once: loading the CA bundle for every hop would cost more than the request.
        self._tls = httpx.create_ssl_context(trust_env=False)

    async def fetch(self, url: str) -> FetchedFile:
        """Download `url`, following redirects; every hop is vetted before it is connected to.

        Raises UrlNotAllowedError (scheme, port, userinfo or address refused), ImageTooLargeError
        (body over `max_bytes`) or UrlFetchFailedError (timeout, connection, status, redirects).
        """
        try:
            async with asyncio.timeout(self._settings.timeout_seconds):
                return await self._follow(_parse_url(url))
        except TimeoutError as e:
            raise UrlFetchFailedError(
                "the download did not finish in time",
                details={"timeout_seconds": self._settings.timeout_seconds},
            ) from e

    async def check(self, url: str) -> None:
        """Vet a URL the service will call later (a `webhook_url`) as a fetch vets each hop:
        scheme, userinfo, port and every address its host resolves to; connects to nothing.

        Raises UrlNotAllowedError, also when the host cannot be resolved in time.
        """
        try:
            async with asyncio.timeout(self._settings.timeout_seconds):
                await self._vet(_parse_url(url))
        except (TimeoutError, UrlFetchFailedError) as e:
            raise UrlNotAllowedError(f"the URL's host cannot be resolved: {e}") from e

    async def _follow(self, url: httpx.URL) -> FetchedFile:
        current = url
        for _ in range(self._settings.max_redirects + 1):
            target = await self._vet(current)
            outcome = await self._get(target)
            if isinstance(outcome, httpx.URL):
                current = outcome
                continue
            data, content_type = outcome
            return FetchedFile(data, _filename(current), content_type)
        raise UrlFetchFailedError(
            "too many redirects", details={"max_redirects": self._settings.max_redirects}
        )

    async def _vet(self, url: httpx.URL) -> _Target:
        """Check scheme, userinfo, port and every resolved address; connect to nothing."""
        if url.scheme not in _DEFAULT_PORTS:
            raise UrlNotAllowedError(
                "only http and https URLs are accepted", details={"scheme": url.scheme}
            )
        if url.userinfo:
            raise UrlNotAllowedError("URLs with a user name or password are not accepted")
        if not url.host:
            raise UrlNotAllowedError("the URL has no host")
        port = url.port or _DEFAULT_PORTS[url.scheme]
        if port not in self._settings.allowed_ports:
            raise UrlNotAllowedError(
                f"port {port} is not allowed",
                details={"port": port, "allowed_ports": list(self._settings.allowed_ports)},
            )
        addresses = await self._addresses(url.raw_host.decode("ascii"), port)
        for address in addresses:
            self._check_address(address, url.host)
        return _Target(url, [str(address) for address in addresses])

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
        if _in_networks(ip, self._trusted) or is_public_address(ip):
            return
        raise UrlNotAllowedError(
            "the URL points to an address that is not public",
            details={"host": host, "address": str(ip)},
        )

    async def _get(self, target: _Target) -> httpx.URL | tuple[bytes, str | None]:
        """GET from the first vetted address that accepts a connection."""
        error: Exception | None = None
        for address in target.addresses:
            try:
                return await self._get_from(target.url, address)
            except httpx.ConnectError as e:
                error = e
        raise UrlFetchFailedError(
            f"cannot connect to {target.url.host}", details={"host": target.url.host}
        ) from error

    async def _get_from(self, url: httpx.URL, address: str) -> httpx.URL | tuple[bytes, str | None]:
        headers = {"Host": url.netloc.decode("ascii"), "Accept-Encoding": "identity"}
        extensions = (
            {} if _ip_literal(url.host) else {"sni_hostname": url.raw_host.decode().rstrip(".")}
        )
        # A client per hop: a pooled connection would carry one name's TLS session to another.
        # trust_env=False: a proxy from the environment would make the pinned address moot.
        async with httpx.AsyncClient(
            verify=self._tls, trust_env=False, timeout=self._settings.timeout_seconds
        ) as client:
            request = client.build_request(
                "GET", url.copy_with(host=address), headers=headers, extensions=extensions
            )
            try:
                response = await client.send(request, stream=True)
            except httpx.ConnectError:
                raise
            except httpx.HTTPError as e:
                raise UrlFetchFailedError(f"the download failed: {e}") from e
            try:
                return await self._read(url, response)
            finally:
                await response.aclose()

    async def _read(
        self, url: httpx.URL, response: httpx.Response
    ) -> httpx.URL | tuple[bytes, str | None]:
        location = response.headers.get("location")
        if response.status_code in _REDIRECT_STATUSES and location:
            try:
                return url.join(location)
            except httpx.InvalidURL as e:
                raise UrlNotAllowedError(f"the redirect goes to an invalid URL: {e}") from e
        if not response.is_success:
            raise UrlFetchFailedError(
                f"the server answered {response.status_code}",
                details={"status": response.status_code},
            )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise self._too_large(int(declared))
        try:
            data = await self._read_capped(response.aiter_bytes())
        except httpx.HTTPError as e:
            raise UrlFetchFailedError(f"the download failed: {e}") from e
        return data, response.headers.get("content-type")

    async def _read_capped(self, chunks: AsyncIterator[bytes]) -> bytes:
        body = bytearray()
        async for chunk in chunks:
            body += chunk
            if len(body) > self._max_bytes:
                raise self._too_large(len(body))
        return bytes(body)

    def _too_large(self, size: int) -> ImageTooLargeError:
        return ImageTooLargeError(
            "the file at the URL is larger than the limit",
            details={"bytes": size, "limit": self._max_bytes},
        )


def _parse_url(url: str) -> httpx.URL:
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


def _filename(url: httpx.URL) -> str:
    name = url.path.rsplit("/", 1)[-1].strip()  # httpx has already percent-decoded the path
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:"')
    return name[:255] or "download"
