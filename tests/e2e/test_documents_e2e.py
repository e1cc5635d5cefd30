"""Document types through the whole service (Postgres, Redis, an S3-API server, a real OCR
worker): generated credit cards read, checked and masked; their originals gone at the end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from synth.cards import CARD_FONTS, card_set
from tests.e2e.conftest import Service, servers_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def ocr_service(
    tmp_path: Path, pg_url: str, redis_prefix: str, s3_endpoint: str
) -> Iterator[Service]:
    env = servers_env(tmp_path / "data", pg_url, redis_prefix, s3_endpoint)
    with Service(env, tmp_path, queues="ocr") as service:
        yield service


def submit(service: Service, image: bytes, options: dict) -> dict:
    response = service.client.post(
        "/v1/jobs",
        params={"wait": 30},
        data={"type": "credit_card", "options": json.dumps(options)},
        files={"file": ("card.jpg", image)},
    )
    job = response.json()
    if job["status"] not in ("succeeded", "failed"):
        job = service.wait_for_job(job["id"])
    assert job["status"] == "succeeded", (job, service.log("worker"))
    return job


def test_credit_cards_are_read_checked_and_masked(ocr_service: Service) -> None:
    service = ocr_service
    card = card_set(3, 11, CARD_FONTS, photo=True)[2]  # every third card is vertical
    assert card.card.vertical
    buffer = io.BytesIO()
    card.image.save(buffer, format="JPEG", quality=90)
    plain = submit(service, buffer.getvalue(), {})
    assert plain["original_deleted"] is True  # personal data: gone with the job's end
    result = service.client.get(f"/v1/jobs/{plain['id']}/result").json()
    assert result["document_type"] == "credit_card"
    found = {field["key"]: field["value"] for field in result["fields"]}
    assert found == {
        "card_number": card.card.number,
        "card_number_groups": card.card.groups,
        "expiry": card.card.expiry,
        "brand": card.card.brand,
    }
    assert {c["name"]: c["passed"] for c in result["checks"]} == {
        "card_number_luhn": True,
        "expiry_month": True,
    }

    hidden = submit(service, buffer.getvalue(), {"mask": True})
    stored = service.client.get(f"/v1/jobs/{hidden['id']}/result").text
    text = service.client.get(f"/v1/jobs/{hidden['id']}/result.txt").text
    middle = card.card.number[6:-4]
    for served in (stored.replace(" ", ""), text.replace(" ", "")):
        assert card.card.number not in served and middle not in served
    assert card.card.number[:6] + "*" * len(middle) + card.card.number[-4:] in stored
    assert card.card.number not in service.all_logs().replace(" ", "")
