"""The URL guard's own decisions, before any connection: trusted hosts for webhooks (a host for
any port, host:port for one), everything else as for image URLs."""

from __future__ import annotations

import asyncio

import pytest

from shared.errors import UrlNotAllowedError
from shared.url_guard import Resolver, UrlGuard


def resolver(table: dict[str, list[str]]) -> Resolver:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"{host}: name unknown")  # as getaddrinfo fails
        return table[host]

    return resolve


GUARD = UrlGuard(
    allowed_ports=[80, 443],
    trusted_hosts=["receiver.internal", "127.0.0.1:8080"],
    resolver=resolver({"receiver.internal": ["10.1.2.3"], "other.internal": ["10.1.2.4"]}),
)


@pytest.mark.parametrize(
    ("url", "addresses"),
    [
        ("http://receiver.internal/hook", ["10.1.2.3"]),
        ("http://receiver.internal:9000/hook", ["10.1.2.3"]),  # a host: any port
        ("http://127.0.0.1:8080/hook", ["127.0.0.1"]),
    ],
)
def test_trusted_hosts_may_be_private(url: str, addresses: list[str]) -> None:
    assert asyncio.run(GUARD.vet(url)).addresses == addresses


@pytest.mark.parametrize(
    "url",
    [
        "http://other.internal/hook",  # private, not trusted
        "http://127.0.0.1:8081/hook",  # trusted on another port only
        "http://127.0.0.1/hook",
        "http://user:pw@receiver.internal/hook",
        "ftp://receiver.internal/hook",
    ],
)
def test_everything_else_is_refused_before_any_connection(url: str) -> None:
    with pytest.raises(UrlNotAllowedError):
        asyncio.run(GUARD.vet(url))


def test_check_says_not_allowed_when_the_host_does_not_resolve() -> None:
    with pytest.raises(UrlNotAllowedError, match="cannot be resolved"):
        asyncio.run(GUARD.check("http://nowhere.internal/hook", timeout=2))
