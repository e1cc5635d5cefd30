"""Webhook delivery: the `deliver_webhook` task on the `webhooks` queue.

The scheduler hands out due deliveries (`shared/events` makes them), numbering each attempt;
this task POSTs the delivery's body to its URL, signed with the tenant's secret, and records
the attempt. A 2xx ends it; anything else (another status, a timeout, a refused connection, a
URL the guard now refuses) schedules the next attempt with exponential backoff and jitter,
until the delivery's give-up time. The URL is vetted again at every attempt: DNS may change.

Headers: `Boda-Event-Id` (the same on every attempt) and
`Boda-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import random
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

import httpx
from sqlalchemy.exc import IntegrityError

from shared.config import WebhookSettings, get_settings
from shared.db.models import Delivery, DeliveryAttempt, Tenant, utcnow
from shared.db.session import Database, get_database
from shared.errors import BodaError
from shared.queue import DELIVER_WEBHOOK
from shared.url_guard import UrlGuard, webhook_guard
from workers.celery_app import app

log = logging.getLogger(__name__)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `Boda-Signature` header's value."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def retry_delay(attempt: int, settings: WebhookSettings, rng: random.Random) -> timedelta:
    """The wait after a failed `attempt` (1, 2, …): doubling from `first_retry_seconds`, capped
    at `max_retry_seconds`, times a jitter of ±20 % so that receivers are not hit in step."""
    base = min(settings.first_retry_seconds * 2 ** (attempt - 1), settings.max_retry_seconds)
    return timedelta(seconds=base * rng.uniform(0.8, 1.2))


@dataclass(frozen=True)
class _Outcome:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass
class WebhookSender:
    """Sends deliveries; one per worker process."""

    db: Database
    guard: UrlGuard
    settings: WebhookSettings
    rng: random.Random

    def deliver(self, delivery_id: uuid.UUID, attempt: int) -> None:
        """Make attempt number `attempt` of a delivery, unless it was made or ended already."""
        with self.db.session() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.status != "pending" or delivery.attempts != attempt:
                return
            secret = session.get_one(Tenant, delivery.tenant_id).webhook_secret
            url, event_id = delivery.url, str(delivery.event_id)
            body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Boda-Webhooks/1",
            "Boda-Event-Id": event_id,
            "Boda-Signature": signature(secret, int(time.time()), body.encode()),
        }
        started = time.perf_counter()
        outcome = asyncio.run(self._post(url, body.encode(), headers))
        milliseconds = round((time.perf_counter() - started) * 1000)
        self._record(delivery_id, attempt, outcome, milliseconds)

    async def _post(self, url: str, body: bytes, headers: dict[str, str]) -> _Outcome:
        try:
            target = await self.guard.vet(url)
        except BodaError as e:
            return _Outcome(None, f"{e.code}: {e.message}")
        error = "no address"
        for address in target.addresses:
            async with self.guard.client(self.settings.timeout_seconds) as client:
                request = self.guard.request(
                    client, "POST", target.url, address, headers=headers, content=body
                )
                try:
                    response = await client.send(request)
                except httpx.ConnectError as e:
                    error = f"cannot connect: {e}"
                    continue
                except httpx.HTTPError as e:
                    return _Outcome(None, f"{type(e).__name__}: {e}")
            reason = None if response.is_success else f"HTTP {response.status_code}"
            return _Outcome(response.status_code, reason)
        return _Outcome(None, error)

    def _record(
        self, delivery_id: uuid.UUID, attempt: int, outcome: _Outcome, milliseconds: int
    ) -> None:
        now = utcnow()
        try:
            with self.db.session() as session:
                session.add(
                    DeliveryAttempt(
                        delivery_id=delivery_id,
                        attempt=attempt,
                        attempted_at=now,
                        status_code=outcome.status_code,
                        error=outcome.error,
                        milliseconds=milliseconds,
                    )
                )
                delivery = session.get(Delivery, delivery_id)
                if delivery is None or delivery.attempts != attempt:
                    return
                self._settle(delivery, outcome, attempt)
        except IntegrityError:  # this attempt was made by a duplicate message already
            return
        log.info("delivery %s attempt %d: %s", delivery_id, attempt, outcome.error or "delivered")

    def _settle(self, delivery: Delivery, outcome: _Outcome, attempt: int) -> None:
        now = utcnow()
        if outcome.delivered:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                "delivered",
                now,
                None,
            )
            return
        next_at = now + retry_delay(attempt, self.settings, self.rng)
        if next_at > delivery.give_up_at:
            delivery.status, delivery.next_attempt_at = "failed", None
            log.warning("delivery %s gave up after %d attempts", delivery.id, attempt)
        else:
            delivery.next_attempt_at = next_at


@cache
def sender() -> WebhookSender:
    settings = get_settings()
    return WebhookSender(
        get_database(settings.database_url),
        webhook_guard(settings),
        settings.webhooks,
        random.Random(),
    )


@app.task(name=DELIVER_WEBHOOK)
def deliver_webhook(delivery_id: str, attempt: int) -> None:
    """Make one attempt of a webhook delivery (the scheduler numbers them)."""
    sender().deliver(uuid.UUID(delivery_id), attempt)
