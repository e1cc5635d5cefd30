"""Webhooks end to end in one process: the job's transition makes the event and its delivery,
the scheduler hands it out, the `webhooks` task POSTs it to a receiver on loopback, signed;
failures are retried with the same event id until the receiver recovers or the delivery gives
up; redelivery keeps the id; a batch announces its end once per round."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.deployment import COLOURS, Deployment, deliver_webhooks, deployment_in, tiff
from tests.receiver import Receiver
from workers import tasks

SECRET = "whsec_test-secret"
SETTINGS = {
    "BODA_BOOTSTRAP_WEBHOOK_SECRET": SECRET,
    "BODA_WEBHOOKS__ALLOW_HOSTS": '["127.0.0.1"]',
    "BODA_WEBHOOKS__TIMEOUT_SECONDS": "0.5",
    "BODA_WEBHOOKS__FIRST_RETRY_SECONDS": "0.1",
    "BODA_WEBHOOKS__MAX_RETRY_SECONDS": "0.2",
}


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def hooked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    yield from deployment_in(tmp_path, monkeypatch, **SETTINGS)


def deliver_until(deployment: Deployment, done: Any, seconds: float = 15) -> None:
    """Run the scheduler's hand-out and the deliveries until `done()` or the time is up."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "deliveries did not settle"
        deliver_webhooks(deployment)
        time.sleep(0.05)


def deliveries(deployment: Deployment, path: str) -> list[dict[str, Any]]:
    response = deployment.client.get(f"{path}/deliveries", headers=deployment.auth)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_a_job_event_arrives_signed_and_redelivery_keeps_its_id(
    hooked: Deployment, receiver: Receiver
) -> None:
    job_id = hooked.submit(
        "test_first_page", {"file": tiff(COLOURS)}, webhook_url=receiver.url
    ).json()["id"]
    tasks.execute(job_id)
    deliver_until(hooked, lambda: len(receiver.received) == 1)

    [first] = receiver.received
    event = first.event
    assert first.signed_by(SECRET) and not first.signed_by("whsec_other")
    assert first.headers["boda-event-id"] == event["id"]
    assert (event["event"], event["data"]["id"], event["data"]["status"]) == (
        "job.succeeded",
        job_id,
        "succeeded",
    )
    [delivery] = deliveries(hooked, f"/v1/jobs/{job_id}")
    assert (delivery["status"], delivery["event_id"]) == ("delivered", event["id"])
    assert [a["status_code"] for a in delivery["attempts"]] == [200]

    again = hooked.client.post(f"/v1/jobs/{job_id}/deliveries/redeliver", headers=hooked.auth)
    assert again.status_code == 200
    deliver_until(hooked, lambda: len(receiver.received) == 2)
    second = receiver.received[1]
    assert second.signed_by(SECRET) and second.body == first.body
    assert second.headers["boda-event-id"] == event["id"]


def test_a_failing_receiver_gets_every_event_once_it_recovers(
    hooked: Deployment, receiver: Receiver
) -> None:
    receiver.script = [500, 503, 1.0, 500]  # errors, then a reply slower than the timeout
    ok = hooked.submit("test_first_page", {"file": tiff(COLOURS)}, webhook_url=receiver.url)
    bad = hooked.submit("test_failing", {"file": tiff(COLOURS)}, webhook_url=receiver.url)
    for answer in (ok, bad):
        tasks.execute(answer.json()["id"])

    def settled() -> bool:
        statuses = [
            d["status"] for a in (ok, bad) for d in deliveries(hooked, a.json()["links"]["self"])
        ]
        return statuses == ["delivered", "delivered"]

    deliver_until(hooked, settled)

    ids = Counter(received.headers["boda-event-id"] for received in receiver.received)
    events = {r.event["event"] for r in receiver.received}
    assert events == {"job.succeeded", "job.failed"} and len(ids) == 2
    assert sum(ids.values()) == 2 + 4  # every failed try came again with its event's id
    assert all(received.signed_by(SECRET) for received in receiver.received)
    codes = [
        [a["status_code"] for a in d["attempts"]]
        for a in (ok, bad)
        for d in deliveries(hooked, a.json()["links"]["self"])
    ]
    failures = [code for attempts in codes for code in attempts if code != 200]
    assert sorted(code for code in failures if code is not None) == [500, 500, 503]
    assert failures.count(None) == 1  # the timeout, recorded without a status


def test_a_delivery_gives_up_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, receiver: Receiver
) -> None:
    settings = SETTINGS | {"BODA_WEBHOOKS__GIVE_UP_AFTER_SECONDS": "0.5"}
    deployment = next(deployment_in(tmp_path, monkeypatch, **settings))
    receiver.script = [500] * 100
    job_id = deployment.submit(
        "test_first_page", {"file": tiff(COLOURS)}, webhook_url=receiver.url
    ).json()["id"]
    tasks.execute(job_id)

    deliver_until(
        deployment, lambda: deliveries(deployment, f"/v1/jobs/{job_id}")[0]["status"] == "failed"
    )

    [delivery] = deliveries(deployment, f"/v1/jobs/{job_id}")
    assert delivery["next_attempt_at"] is None and len(delivery["attempts"]) >= 2
    assert {a["status_code"] for a in delivery["attempts"]} == {500}


def test_a_batch_announces_its_jobs_and_its_end_once_per_round(
    hooked: Deployment, receiver: Receiver
) -> None:
    files = [("files", (f"page-{i}.tiff", tiff(COLOURS[i : i + 1]))) for i in range(3)]
    answer = hooked.client.post(
        "/v1/batches",
        headers=hooked.auth,
        data={
            "type": "test_failing",
            "options": '{"job_events": true}',
            "webhook_url": receiver.url,
        },
        files=files,
    )
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    for job_id in batch["job_ids"]:
        tasks.execute(job_id)
    deliver_until(hooked, lambda: len(receiver.received) == 4)

    events = Counter(r.event["event"] for r in receiver.received)
    assert events == {"job.failed": 3, "batch.completed": 1}
    [completed] = [r.event for r in receiver.received if r.event["event"] == "batch.completed"]
    assert completed["data"]["counts"] | {"rejected": 0} == {
        "total": 3,
        "queued": 0,
        "running": 0,
        "succeeded": 0,
        "failed": 3,
        "cancelled": 0,
        "rejected": 0,
    }

    retried = hooked.client.post(f"/v1/batches/{batch['id']}/retry", headers=hooked.auth)
    assert (retried.status_code, retried.json()["round"]) == (202, 2)
    for job_id in batch["job_ids"]:
        tasks.execute(job_id)
    deliver_until(hooked, lambda: len(receiver.received) == 8)

    ids = [r.headers["boda-event-id"] for r in receiver.received]
    assert len(set(ids)) == 8  # one event per terminal transition, each round its own end
    assert Counter(r.event["event"] for r in receiver.received)["batch.completed"] == 2
    assert len(deliveries(hooked, f"/v1/batches/{batch['id']}")) == 8
    assert all(r.signed_by(SECRET) for r in receiver.received)
    uuid.UUID(ids[0])
