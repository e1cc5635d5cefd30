"""Batches through the whole service: 50 generated documents through a real worker, counts
and progress moving, the spreadsheet holding what the results say, a webhook receiver that
fails at first still getting every signed event once; a single job sent after a batch is not
kept waiting behind it."""

from __future__ import annotations

import io
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from synth.sets import clean_set
from tests.e2e.conftest import Service, base_env
from tests.e2e.test_general_ocr_e2e import png_bytes
from tests.receiver import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SECRET = "whsec_e2e-batches"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[Service]:
    env = base_env(tmp_path / "data") | {
        "BODA_BOOTSTRAP_WEBHOOK_SECRET": SECRET,
        "BODA_WEBHOOKS__ALLOW_HOSTS": '["127.0.0.1"]',
        "BODA_WEBHOOKS__TIMEOUT_SECONDS": "1",
        "BODA_WEBHOOKS__FIRST_RETRY_SECONDS": "0.5",
        "BODA_WEBHOOKS__MAX_RETRY_SECONDS": "1",
    }
    with Service(env, tmp_path, queues="ocr,webhooks") as service:
        yield service


def test_a_batch_of_fifty_documents_with_its_webhooks_and_spreadsheet(
    service: Service, receiver: Receiver
) -> None:
    pages = clean_set(n=50, seed=14)
    receiver.script = [500, 500, 500, 3.0, 3.0]  # errors, then replies slower than the timeout
    response = service.client.post(
        "/v1/batches",
        data={"type": "general", "options": '{"job_events": true}', "webhook_url": receiver.url},
        files=[("files", (f"doc-{i:02d}.png", png_bytes(page))) for i, page in enumerate(pages)],
    )
    assert response.status_code == 202, response.text
    batch_id = response.json()["id"]

    progress: list[float] = []
    deadline = time.monotonic() + 300
    while (batch := service.client.get(f"/v1/batches/{batch_id}").json())["status"] != "completed":
        progress.append(batch["progress"])
        assert time.monotonic() < deadline, service.all_logs()
        time.sleep(1)
    assert progress == sorted(progress) and any(0 < p < 1 for p in progress)
    assert batch["counts"]["succeeded"] == 50 and batch["progress"] == 1

    book = load_workbook(
        io.BytesIO(service.client.get(f"/v1/batches/{batch_id}/result.xlsx").content)
    )
    rows = list(book["general"].values)
    assert rows[0] == ("file", "job_id", "pages", "lines", "text")
    assert [row[0] for row in rows[1:]] == [f"doc-{i:02d}.png" for i in range(50)]
    for row in rows[1:4]:
        result = service.client.get(f"/v1/jobs/{row[1]}/result").json()
        assert row[4] == result["text"] and row[3] == len(result["pages"][0]["lines"]) > 0

    service.wait_until(
        lambda: len({r.headers["boda-event-id"] for r in receiver.received}) == 51,
        120,
        "every event",
    )
    events = {r.headers["boda-event-id"]: r.event["event"] for r in receiver.received}
    assert Counter(events.values()) == {"job.succeeded": 50, "batch.completed": 1}
    assert all(r.signed_by(SECRET) for r in receiver.received)
    assert len(receiver.received) >= 51 + 3  # the failed tries came again


def test_a_single_job_is_not_kept_waiting_behind_a_batch(service: Service) -> None:
    pages = clean_set(n=21, seed=15)
    batch = service.client.post(
        "/v1/batches",
        data={"type": "general"},
        files=[("files", (f"b-{i}.png", png_bytes(page))) for i, page in enumerate(pages[:20])],
    ).json()
    single = service.client.post(
        "/v1/jobs", data={"type": "general"}, files={"file": ("alone.png", png_bytes(pages[20]))}
    ).json()

    done = service.wait_for_job(single["id"], timeout=120)
    batch_jobs = [service.client.get(f"/v1/jobs/{job_id}").json() for job_id in batch["job_ids"]]
    started_before = [
        job for job in batch_jobs if job["started_at"] and job["started_at"] < done["started_at"]
    ]
    assert len(started_before) <= 2, [job["started_at"] for job in batch_jobs]
