"""Limits on request bodies, enforced while they stream in (not after buffering them): a size
cap, and a deadline on each piece of a body still coming (a client that stalls mid-body)."""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.errors import error_response


class _BodyRefused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class BodyLimitMiddleware:
    """Answers 413 `payload_too_large` once a body passes `max_bytes` (a path of
    `max_bytes_by_path` has its own), and 408
    `request_timeout` when the next piece of an unfinished body takes over `read_timeout`."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        read_timeout: float,
        max_bytes_by_path: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.max_bytes_by_path = max_bytes_by_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.max_bytes_by_path.get(scope["path"].rstrip("/"), self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await self._refuse(scope, receive, send, self._too_large(max_bytes))
            return
        received = 0
        complete = False
        refusal: _BodyRefused | None = None
        answered = False

        async def guarded_receive() -> Message:
            nonlocal received, complete, refusal
            if complete:  # the body is in; what follows is a wait for the disconnect
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.read_timeout)
            except TimeoutError:
                refusal = _BodyRefused(
                    408, "request_timeout", "the request body stopped arriving; send it again"
                )
                raise refusal from None
            received += len(message.get("body", b""))
            complete = not message.get("more_body", False)
            if received > max_bytes:
                refusal = self._too_large(max_bytes)
                raise refusal
            return message

        async def replacing_send(message: Message) -> None:
            # Frameworks turn errors raised while reading the body into their own 400; once a
            # body is refused, whatever the app answers is replaced by the refusal.
            nonlocal answered
            if refusal is None:
                await send(message)
            elif not answered:
                answered = True
                await self._refuse(scope, receive, send, refusal)

        try:
            await self.app(scope, guarded_receive, replacing_send)
        except _BodyRefused as e:
            if not answered:
                await self._refuse(scope, receive, send, e)

    def _too_large(self, max_bytes: int) -> _BodyRefused:
        return _BodyRefused(
            413, "payload_too_large", f"the request body is larger than {max_bytes} bytes"
        )

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, refusal: _BodyRefused
    ) -> None:
        response = error_response(refusal.status, refusal.code, refusal.message)
        response.headers["Connection"] = "close"
        await response(scope, receive, send)
