"""Webhook signatures and the retry schedule, as the README and API.md describe them."""

from __future__ import annotations

import hashlib
import hmac
import random

from shared.config import WebhookSettings
from workers.webhooks import retry_delay, signature


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = b'{"id":"e1","event":"job.succeeded"}'
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("whsec_x", 1700000000, body) == f"t=1700000000,v1={expected}"


def test_retries_double_from_the_first_wait_up_to_the_cap_with_jitter() -> None:
    settings = WebhookSettings()  # 30 s first, at most an hour
    rng = random.Random(7)
    waits = [retry_delay(attempt, settings, rng).total_seconds() for attempt in range(1, 12)]
    bases = [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600]
    assert all(0.8 * b <= w <= 1.2 * b for w, b in zip(waits, bases, strict=True))
    assert len({round(w / b, 3) for w, b in zip(waits, bases, strict=True)}) > 5  # jittered
    first_day = 0.0
    attempts = 1
    while first_day + bases[min(attempts, 10) - 1] <= 86400:
        first_day += bases[min(attempts, 10) - 1]
        attempts += 1
    assert 28 <= attempts <= 32  # about 30 attempts before the delivery gives up
