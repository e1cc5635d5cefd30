"""General OCR through the whole service: HTTP → storage → queue → a real Celery worker →
database → HTTP, asserting the recognised Korean text and its boxes."""

from __future__ import annotations

import io
import os
import signal
import time
import uuid

import pytest
from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select

from shared.db.models import Job, JobEvent, JobResult
from shared.db.session import Database
from synth.documents import SyntheticPage
from synth.sets import clean_set
from tests.e2e.conftest import Service

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def png_bytes(page: SyntheticPage) -> bytes:
    buffer = io.BytesIO()
    page.image.save(buffer, "PNG")
    return buffer.getvalue()


def tiff_bytes(pages: list[SyntheticPage]) -> bytes:
    buffer = io.BytesIO()
    first, *rest = [page.image for page in pages]
    first.save(buffer, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw")
    return buffer.getvalue()


def _extent(box: list) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return min(xs), min(ys), max(xs), max(ys)


def overlap(found: list, truth: list) -> tuple[float, float]:
    """(IoU, share of the true box covered) of two boxes' extents."""
    ax0, ay0, ax1, ay1 = _extent(found)
    bx0, by0, bx1, by1 = _extent(truth)
    w, h = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
    inter = max(0.0, w) * max(0.0, h)
    truth_area = (bx1 - bx0) * (by1 - by0)
    union = (ax1 - ax0) * (ay1 - ay0) + truth_area - inter
    return inter / union, inter / truth_area


def assert_page_read(page: SyntheticPage, result_page: dict) -> None:
    """Every true line has a box around it; nearly all are read within one error in ten."""
    lines = result_page["lines"]
    read_well = 0
    for truth in page.lines:
        best = max(lines, key=lambda line: overlap(line["box"], truth.box))
        iou, covered = overlap(best["box"], truth.box)
        # Detector boxes carry a margin around the ink, which weighs most on short words.
        assert iou > 0.35 and covered > 0.9, (truth.text, best)
        assert 0 < best["confidence"] <= 1
        allowed = max(1, len(truth.text) // 10)
        read_well += Levenshtein.distance(best["text"], truth.text) <= allowed
    assert read_well >= 0.9 * len(page.lines), (read_well, len(page.lines))


@pytest.mark.parametrize("deployment", ["embedded_service", "servers_service"])
def test_general_ocr_reads_korean_through_the_service(
    request: pytest.FixtureRequest, deployment: str
) -> None:
    service: Service = request.getfixturevalue(deployment)
    page = clean_set(n=1, seed=2026)[0]
    response = service.client.post(
        "/v1/jobs",
        params={"wait": 30},
        data={"type": "general"},
        files={"file": ("notice.png", png_bytes(page), "image/png")},
    )
    assert response.status_code in (200, 202), response.text
    job = response.json()
    if job["status"] not in ("succeeded", "failed"):
        job = service.wait_for_job(job["id"])
    assert job["status"] == "succeeded", (job, service.all_logs())
    assert job["models"]["text_detection"] == "PP-OCRv6_tiny_det"

    result = service.client.get(f"/v1/jobs/{job['id']}/result").json()
    assert result["slices"] == 1 and len(result["pages"]) == 1
    assert (result["pages"][0]["width"], result["pages"][0]["height"]) == page.image.size
    assert_page_read(page, result["pages"][0])
    text = service.client.get(f"/v1/jobs/{job['id']}/result.txt").text
    assert Levenshtein.normalized_distance(text, page.text) <= 0.03, (text, page.text)
    assert "\n".join(line["text"] for line in result["pages"][0]["lines"]) == text


def test_a_killed_worker_does_not_lose_or_double_the_job(embedded_service: Service) -> None:
    service = embedded_service
    pages = clean_set(n=3, seed=99)
    response = service.client.post(
        "/v1/jobs", data={"type": "general"}, files={"file": ("three.tiff", tiff_bytes(pages))}
    )
    job_id = uuid.UUID(response.json()["id"])
    db = Database(f"sqlite:///{service.env['BODA_DATA_DIR']}/boda.sqlite3")

    def claimed_by() -> str | None:
        with db.session() as session:
            job = session.get(Job, job_id)
            return job.claimed_by if job and job.status == "running" else None

    service.wait_until(lambda: claimed_by() is not None, 60, "the job to be claimed")
    owner = claimed_by()
    assert owner is not None
    time.sleep(0.5)  # well inside the pipeline
    os.kill(int(owner.rsplit(":", 1)[1]), signal.SIGKILL)

    job = service.wait_for_job(str(job_id), timeout=180)
    assert job["status"] == "succeeded", (job, service.all_logs())
    assert job["attempts"] == 2
    assert job["pages"] == 3
    with db.session() as session:
        results = session.scalar(select(func.count()).where(JobResult.job_id == job_id))
        events = session.scalars(select(JobEvent.event).where(JobEvent.job_id == job_id)).all()
    assert results == 1 and events == ["job.succeeded"]
    result = service.client.get(f"/v1/jobs/{job_id}/result").json()
    assert len(result["pages"]) == 3
    for page, result_page in zip(pages, result["pages"], strict=True):
        assert_page_read(page, result_page)
    db.engine.dispose()
