"""Fetch a job's input from a caller's `image_url` without letting the caller reach our network.

Every hop passes `shared.url_guard` before it is connected to, and is connected to at a vetted
address. Redirects are followed by hand, each hop vetted like the first; the body is capped and
the whole fetch timed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx

from shared.config import UrlFetchSettings
from shared.errors import ImageTooLargeError, UrlFetchFailedError, UrlNotAllowedError
from shared.url_guard import Resolver, Target, UrlGuard, parse_url

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class FetchedFile:
    """A downloaded input: its bytes, a name from the last URL's path and the declared type."""

    data: bytes
    filename: str
    content_type: str | None


class UrlFetcher:
    """Downloads `image_url` inputs under the URL guard; one instance serves many fetches."""

    def __init__(
        self, settings: UrlFetchSettings, *, max_bytes: int, resolver: Resolver | None = None
    ) -> None:
        self._settings = settings
        self._max_bytes = max_bytes
        self.guard = UrlGuard(
            allowed_ports=settings.allowed_ports,
            trusted_networks=settings.allowed_networks,
            resolver=resolver,
        )

    async def fetch(self, url: str) -> FetchedFile:
        """Download `url`, following redirects; every hop is vetted before it is connected to.

        Raises UrlNotAllowedError (scheme, port, userinfo or address refused), ImageTooLargeError
        (body over `max_bytes`) or UrlFetchFailedError (timeout, connection, status, redirects).
        """
        try:
            async with asyncio.timeout(self._settings.timeout_seconds):
                return await self._follow(parse_url(url))
        except TimeoutError as e:
            raise UrlFetchFailedError(
                "the download did not finish in time",
                details={"timeout_seconds": self._settings.timeout_seconds},
            ) from e

    async def _follow(self, url: httpx.URL) -> FetchedFile:
        current = url
        for _ in range(self._settings.max_redirects + 1):
            target = await self.guard.vet(current)
            outcome = await self._get(target)
            if isinstance(outcome, httpx.URL):
                current = outcome
                continue
            data, content_type = outcome
            return FetchedFile(data, _filename(current), content_type)
        raise UrlFetchFailedError(
            "too many redirects", details={"max_redirects": self._settings.max_redirects}
        )

    async def _get(self, target: Target) -> httpx.URL | tuple[bytes, str | None]:
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
        async with self.guard.client(self._settings.timeout_seconds) as client:
            request = self.guard.request(
                client, "GET", url, address, headers={"Accept-Encoding": "identity"}
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


def _filename(url: httpx.URL) -> str:
    name = url.path.rsplit("/", 1)[-1].strip()  # httpx has already percent-decoded the path
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '/\\:"')
    return name[:255] or "download"
