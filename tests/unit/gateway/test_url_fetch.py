"""gateway.url_fetch against a real HTTP server on 127.0.0.1 and a resolver the test controls.

No test may reach an address off this machine, even with a broken guard: `loopback_only`
refuses any request whose target is not a loopback IP before httpx opens a socket, and the
runner's pytest-socket refuses any non-loopback connection besides. Names resolve only through
the test's resolver; private and TEST-NET (203.0.113.0/24) addresses appear only where the guard
must refuse them.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from gateway.url_fetch import FetchedFile, UrlFetcher
from shared.config import UrlFetchSettings
from shared.errors import (
    BodaError,
    ImageTooLargeError,
    UrlFetchFailedError,
    UrlNotAllowedError,
)
from shared.url_guard import is_public_address

IMAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MAX_BYTES = 4096


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.connections = 0
        self.hosts: list[str] = []
        self.sni: list[str | None] = []
        self.release = threading.Event()

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        self.connections += 1
        super().process_request(request, client_address)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (the timeout test) is expected here."""


class Handler(BaseHTTPRequestHandler):
    server: RecordingServer

    def do_GET(self) -> None:
        self.server.hosts.append(self.headers["Host"])
        path, _, query = self.path.partition("?")
        parts = path.strip("/").split("/")
        route = getattr(self, f"route_{parts[0].replace('.', '_').replace('-', '_')}", None)
        if route is None:
            self.send_error(404)
            return
        route(*parts[1:], **{k: v[0] for k, v in parse_qs(query).items()})

    def route_image_png(self, **_query: str) -> None:
        self.reply(200, IMAGE, {"Content-Type": "image/png"})

    route_scan_png = route_image_png

    def route_redirect(self, hops: str) -> None:
        left = int(hops)
        target = f"/redirect/{left - 1}" if left > 1 else "/image.png"
        self.reply(302, b"", {"Location": target})

    def route_redirect_to(self, url: str) -> None:
        self.reply(302, b"", {"Location": url})

    def route_sized(self, size: str) -> None:
        self.reply(200, b"x" * int(size), {"Content-Type": "application/octet-stream"})

    def route_stream(self, size: str) -> None:
        self.send_response(200)  # no Content-Length: the body ends when the connection does
        self.end_headers()
        for _ in range(int(size) // 1024):
            self.wfile.write(b"y" * 1024)

    def route_slow(self) -> None:
        self.server.release.wait(timeout=5)
        self.reply(200, IMAGE, {"Content-Type": "image/png"})

    def reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(server: RecordingServer) -> Iterator[RecordingServer]:
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def server() -> Iterator[RecordingServer]:
    with serve(RecordingServer()) as running:
        yield running


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request httpx is asked to send, refused unless its target is a loopback IP."""
    sent: list[str] = []
    send = httpx.AsyncClient.send

    async def guarded_send(client: httpx.AsyncClient, request: httpx.Request, **kw: Any) -> Any:
        try:
            loopback = ipaddress.ip_address(request.url.host).is_loopback
        except ValueError:
            loopback = False
        if not loopback:
            raise AssertionError(f"the fetcher tried to reach {request.url.host}")
        sent.append(str(request.url))
        return await send(client, request, **kw)

    monkeypatch.setattr(httpx.AsyncClient, "send", guarded_send)
    return sent


class TableResolver:
    """Names this test knows; anything else is an error, never a real DNS query."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, f"unknown test name {host}")
        return self.table[host]


def fetcher_for(
    server: RecordingServer | None,
    resolver: TableResolver | None = None,
    *,
    trusted: list[str] | None = None,
    max_bytes: int = MAX_BYTES,
    **settings: Any,
) -> UrlFetcher:
    ports = [80, 443] + ([server.port] if server else [])
    config = UrlFetchSettings(
        allowed_ports=settings.pop("allowed_ports", ports),
        allowed_networks=["127.0.0.1/32"] if trusted is None else trusted,
        **settings,
    )
    return UrlFetcher(config, max_bytes=max_bytes, resolver=resolver or TableResolver({}))


def fetch(fetcher: UrlFetcher, url: str) -> FetchedFile:
    return asyncio.run(fetcher.fetch(url))


def refused(fetcher: UrlFetcher, url: str, error: type[BodaError], code: str) -> dict[str, Any]:
    with pytest.raises(error) as caught:
        fetch(fetcher, url)
    assert caught.value.code == code
    return caught.value.details


# --- happy paths ---------------------------------------------------------------------------


def test_fetches_from_a_trusted_loopback_server(server: RecordingServer) -> None:
    fetched = fetch(fetcher_for(server), f"http://127.0.0.1:{server.port}/image.png")

    assert fetched == FetchedFile(IMAGE, "image.png", "image/png")
    assert server.hosts == [f"127.0.0.1:{server.port}"]


def test_connects_to_the_vetted_address_and_sends_the_name_as_host(
    server: RecordingServer, loopback_only: list[str]
) -> None:
    # images.test exists only in this resolver: the request can only have gone to its answer.
    resolver = TableResolver({"images.test": ["127.0.0.1"]})

    fetched = fetch(fetcher_for(server, resolver), f"http://images.test:{server.port}/scan.png?x=1")

    assert fetched.filename == "scan.png"
    assert server.hosts == [f"images.test:{server.port}"]
    assert loopback_only == [f"http://127.0.0.1:{server.port}/scan.png?x=1"]
    assert resolver.calls == [("images.test", server.port)]


def test_follows_relative_redirects_and_names_the_file_after_the_last_url(
    server: RecordingServer,
) -> None:
    fetched = fetch(fetcher_for(server), f"http://127.0.0.1:{server.port}/redirect/3")

    assert (fetched.data, fetched.filename) == (IMAGE, "image.png")
    assert server.connections == 4


def test_url_without_a_file_name_is_called_download(server: RecordingServer) -> None:
    fetched = fetch(fetcher_for(server), f"http://127.0.0.1:{server.port}/sized/10/")

    assert (fetched.data, fetched.filename) == (b"x" * 10, "download")


def test_next_address_is_tried_when_the_first_refuses_the_connection(
    server: RecordingServer,
) -> None:
    resolver = TableResolver({"dual.test": ["::1", "127.0.0.1"]})  # nothing listens on [::1]
    fetcher = fetcher_for(server, resolver, trusted=["127.0.0.1/32", "::1/128"])

    assert fetch(fetcher, f"http://dual.test:{server.port}/image.png").data == IMAGE


def test_https_goes_to_the_vetted_address_and_verifies_the_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    certificate = self_signed_certificate(tmp_path, "images.test")
    monkeypatch.setattr("certifi.where", lambda: str(certificate.cert))  # trust only this one
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(certificate.cert, certificate.key)
    https = RecordingServer()
    tls.sni_callback = lambda _socket, name, _context: https.sni.append(name)
    https.socket = tls.wrap_socket(https.socket, server_side=True)
    resolver = TableResolver({"images.test": ["127.0.0.1"]})

    with serve(https) as running:
        fetched = fetch(
            fetcher_for(running, resolver), f"https://images.test:{running.port}/image.png"
        )

        assert fetched.data == IMAGE
        assert running.sni == ["images.test"]


# --- refused before any connection -----------------------------------------------------------


def test_loopback_is_refused_unless_trusted(
    server: RecordingServer, loopback_only: list[str]
) -> None:
    fetcher = fetcher_for(server, trusted=[])

    details = refused(
        fetcher, f"http://127.0.0.1:{server.port}/image.png", UrlNotAllowedError, "url_not_allowed"
    )

    assert details == {"host": "127.0.0.1", "address": "127.0.0.1"}
    assert (server.connections, loopback_only) == (0, [])


@pytest.mark.parametrize(
    "host",
    [
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.254",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "[::1]",
        "[::]",
        "[fc00::1]",
        "[fe80::1]",
        "[ff02::1]",
        "[::ffff:10.0.0.1]",
        "[::ffff:127.0.0.1]",
        "[64:ff9b::a00:1]",
        "[2002:a00:1::]",
        "203.0.113.7",
    ],
)
def test_ip_literal_that_is_not_public_is_refused(host: str, loopback_only: list[str]) -> None:
    resolver = TableResolver({})

    refused(
        fetcher_for(None, resolver, trusted=[]),
        f"http://{host}/a.png",
        UrlNotAllowedError,
        "url_not_allowed",
    )

    assert (resolver.calls, loopback_only) == ([], [])


@pytest.mark.parametrize(
    "addresses", [["10.0.0.1"], ["203.0.113.7", "10.0.0.1"], ["10.0.0.1", "203.0.113.7"]]
)
def test_name_with_any_private_address_is_refused(
    addresses: list[str], loopback_only: list[str]
) -> None:
    # TEST-NET is trusted here so that only the private address can be the reason.
    resolver = TableResolver({"mixed.test": addresses})
    fetcher = fetcher_for(None, resolver, trusted=["203.0.113.0/24"])

    details = refused(fetcher, "http://mixed.test/a.png", UrlNotAllowedError, "url_not_allowed")

    assert details == {"host": "mixed.test", "address": "10.0.0.1"}
    assert loopback_only == []


def test_redirect_to_a_private_name_is_refused_before_connecting(
    server: RecordingServer, loopback_only: list[str]
) -> None:
    resolver = TableResolver({"internal.test": ["10.0.0.5"]})
    url = f"http://127.0.0.1:{server.port}/redirect-to?url=http://internal.test:{server.port}/x.png"

    details = refused(fetcher_for(server, resolver), url, UrlNotAllowedError, "url_not_allowed")

    assert details["address"] == "10.0.0.5"
    assert resolver.calls == [("internal.test", server.port)]
    assert (server.connections, len(loopback_only)) == (1, 1)


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://203.0.113.7/a.png"])
def test_redirect_to_another_scheme_is_refused(server: RecordingServer, location: str) -> None:
    url = f"http://127.0.0.1:{server.port}/redirect-to?url={location}"

    refused(fetcher_for(server), url, UrlNotAllowedError, "url_not_allowed")

    assert server.connections == 1


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.test/a.png",
        "file:///etc/passwd",
        "gopher://files.test/",
        "data:image/png;base64,AA",
    ],
)
def test_other_schemes_are_refused(url: str, loopback_only: list[str]) -> None:
    resolver = TableResolver({"files.test": ["203.0.113.7"]})

    details = refused(fetcher_for(None, resolver), url, UrlNotAllowedError, "url_not_allowed")

    assert details["scheme"] == url.split(":")[0]
    assert (resolver.calls, loopback_only) == ([], [])


def test_port_outside_the_allowed_list_is_refused_before_resolving(
    loopback_only: list[str],
) -> None:
    resolver = TableResolver({"public.test": ["203.0.113.7"]})
    fetcher = fetcher_for(None, resolver, trusted=["203.0.113.0/24"], allowed_ports=[80, 443])

    details = refused(
        fetcher, "http://public.test:8080/a.png", UrlNotAllowedError, "url_not_allowed"
    )

    assert details == {"port": 8080, "allowed_ports": [80, 443]}
    assert (resolver.calls, loopback_only) == ([], [])


def test_userinfo_is_refused(server: RecordingServer, loopback_only: list[str]) -> None:
    url = f"http://user:secret@127.0.0.1:{server.port}/image.png"

    refused(fetcher_for(server), url, UrlNotAllowedError, "url_not_allowed")

    assert (server.connections, loopback_only) == (0, [])


def test_malformed_url_is_refused() -> None:
    refused(fetcher_for(None), "http://exa mple.test/", UrlNotAllowedError, "url_not_allowed")


# --- failures while fetching ---------------------------------------------------------------


def test_too_many_redirects_fail(server: RecordingServer) -> None:
    fetcher = fetcher_for(server, max_redirects=2)

    details = refused(
        fetcher,
        f"http://127.0.0.1:{server.port}/redirect/3",
        UrlFetchFailedError,
        "url_fetch_failed",
    )

    assert details == {"max_redirects": 2}
    assert server.connections == 3
    assert fetch(fetcher, f"http://127.0.0.1:{server.port}/redirect/2").data == IMAGE


@pytest.mark.parametrize("route", ["sized", "stream"])
def test_body_over_max_bytes_is_too_large(server: RecordingServer, route: str) -> None:
    fetcher = fetcher_for(server)
    base = f"http://127.0.0.1:{server.port}/{route}"

    details = refused(fetcher, f"{base}/{MAX_BYTES + 1024}", ImageTooLargeError, "image_too_large")

    assert details["limit"] == MAX_BYTES
    assert details["bytes"] > MAX_BYTES
    assert len(fetch(fetcher, f"{base}/{MAX_BYTES}").data) == MAX_BYTES


def test_server_error_status_fails(server: RecordingServer) -> None:
    details = refused(
        fetcher_for(server),
        f"http://127.0.0.1:{server.port}/missing",
        UrlFetchFailedError,
        "url_fetch_failed",
    )

    assert details == {"status": 404}


def test_slow_server_times_out(server: RecordingServer) -> None:
    fetcher = fetcher_for(server, timeout_seconds=0.5)
    started = time.monotonic()

    details = refused(
        fetcher, f"http://127.0.0.1:{server.port}/slow", UrlFetchFailedError, "url_fetch_failed"
    )

    assert time.monotonic() - started < 3
    assert details == {"timeout_seconds": 0.5}


def test_closed_port_fails(server: RecordingServer) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    fetcher = fetcher_for(server, allowed_ports=[closed_port])

    refused(
        fetcher, f"http://127.0.0.1:{closed_port}/a.png", UrlFetchFailedError, "url_fetch_failed"
    )


def test_unresolvable_name_fails(loopback_only: list[str]) -> None:
    refused(fetcher_for(None), "http://nowhere.test/a.png", UrlFetchFailedError, "url_fetch_failed")

    assert loopback_only == []


# --- address classification ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("1.1.1.1", True),
        ("2606:4700::1111", True),
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::808:808", True),
        ("10.0.0.1", False),
        ("100.127.255.255", False),
        ("192.0.0.8", False),
        ("198.18.0.1", False),
        ("240.0.0.1", False),
        ("fec0::1", False),
        ("ff0e::1", False),
        ("2001:db8::1", False),
        ("::a00:1", False),
        ("64:ff9b::7f00:1", False),
    ],
)
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


# --- helpers -------------------------------------------------------------------------------


class Certificate:
    def __init__(self, cert: Path, key: Path) -> None:
        self.cert, self.key = cert, key


def self_signed_certificate(folder: Path, name: str) -> Certificate:
    pytest.importorskip("cryptography", reason="the TLS test makes its certificate with it")
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    paths = Certificate(folder / "cert.pem", folder / "key.pem")
    paths.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    encoding = serialization.Encoding.PEM
    key_format = serialization.PrivateFormat.PKCS8
    paths.key.write_bytes(key.private_bytes(encoding, key_format, serialization.NoEncryption()))
    return paths
