"""The batches API in one process: many files or one zip, files refused one by one, limits that
fail the whole batch, counts and progress, downloads, retry, delete, tenant isolation."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from shared.db.models import Batch, Job
from shared.tenants import add_api_key, create_tenant
from tests.integration.conftest import png
from tests.integration.deployment import COLOURS, Deployment, tiff
from workers import tasks


def post_batch(
    deployment: Deployment,
    files: list[tuple[str, bytes]],
    job_type: str = "test_first_page",
    **form: Any,
) -> Any:
    return deployment.client.post(
        "/v1/batches",
        headers=deployment.auth | form.pop("headers", {}),
        data={"type": job_type, **form},
        files=[("files", (name, data)) for name, data in files],
    )


def zipped(entries: dict[str, bytes], encrypted: str | None = None) -> bytes:
    """A zip of `entries`; the one named `encrypted` flagged as encrypted (zipfile cannot
    write encryption: the flag is set in its local and central headers by hand)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    data = bytearray(buffer.getvalue())
    if encrypted is not None:
        name = encrypted.encode()
        for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
            start = data.find(signature)
            while data[start + name_at : start + name_at + len(name)] != name:
                start = data.find(signature, start + 1)
            data[start + flag_at] |= 0x1
    return bytes(data)


def counts(deployment: Deployment) -> tuple[int, int, int]:
    """Batches, jobs and stored objects."""
    with deployment.db.session() as session:
        batches = session.scalar(select(func.count()).select_from(Batch)) or 0
        jobs = session.scalar(select(func.count()).select_from(Job)) or 0
    root = deployment.settings.storage.path
    assert root is not None
    return batches, jobs, sum(1 for path in root.rglob("*") if path.is_file())


def test_many_files_make_a_job_each_and_bad_ones_are_listed(deployment: Deployment) -> None:
    files = [("a.tiff", tiff(COLOURS[:1])), ("b.tiff", tiff(COLOURS[1:2])), ("c.gif", b"GIF89a")]
    answer = post_batch(deployment, files)
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    assert batch["status"] == "running" and batch["progress"] == 0
    assert batch["counts"] == {
        "total": 2,
        "queued": 2,
        "running": 0,
        "succeeded": 0,
        "failed": 0,
        "cancelled": 0,
        "rejected": 1,
    }
    assert batch["rejected"] == [
        {
            "filename": "c.gif",
            "error": {
                "code": "unsupported_media_type",
                "message": batch["rejected"][0]["error"]["message"],
            },
        }
    ]
    tasks.execute(batch["job_ids"][0])
    middle = deployment.client.get(f"/v1/batches/{batch['id']}", headers=deployment.auth).json()
    assert (middle["counts"]["succeeded"], middle["progress"], middle["status"]) == (
        1,
        0.5,
        "running",
    )
    tasks.execute(batch["job_ids"][1])
    done = deployment.client.get(f"/v1/batches/{batch['id']}", headers=deployment.auth).json()
    assert (done["status"], done["progress"]) == ("completed", 1.0)
    assert done["completed_at"] is not None
    jobs = deployment.client.get(
        "/v1/jobs", headers=deployment.auth, params={"batch_id": batch["id"]}
    ).json()["items"]
    assert {job["id"] for job in jobs} == set(batch["job_ids"])


def test_a_zip_is_unpacked_with_care(deployment: Deployment) -> None:
    entries = {
        "scans/one.tiff": tiff(COLOURS[:1]),
        "two.tiff": tiff(COLOURS[1:2]),
        "../escape.tiff": tiff(COLOURS[:1]),
        "/abs.tiff": tiff(COLOURS[:1]),
        "inner.zip": zipped({"x.tiff": tiff(COLOURS[:1])}),
        "secret.tiff": tiff(COLOURS[:1]),
        "notes.txt": b"not a document",
    }
    answer = post_batch(deployment, [("scans.zip", zipped(entries, encrypted="secret.tiff"))])
    assert answer.status_code == 202, answer.text
    batch = answer.json()
    assert batch["counts"]["total"] == 2
    refused = {entry["filename"]: entry["error"]["code"] for entry in batch["rejected"]}
    assert refused == {
        "../escape.tiff": "invalid_request",
        "/abs.tiff": "invalid_request",
        "inner.zip": "unsupported_media_type",
        "secret.tiff": "unsupported_media_type",
        "notes.txt": "unsupported_media_type",
    }
    inputs = [
        deployment.client.get(f"/v1/jobs/{job_id}", headers=deployment.auth).json()["input"]
        for job_id in batch["job_ids"]
    ]
    assert sorted(i["filename"] for i in inputs) == ["scans/one.tiff", "two.tiff"]


@pytest.mark.parametrize(
    ("files", "status", "code"),
    [
        ([("bomb.zip", zipped({"zeros.tiff": b"\0" * 30_000_000}))], 422, "unsafe_archive"),
        ([("broken.zip", b"PK\x03\x04" + b"\x00" * 50)], 422, "unsafe_archive"),
        ([(f"{i}.png", png()) for i in range(6)], 413, "batch_too_large"),
        ([], 400, "invalid_request"),
    ],
    ids=["zip-bomb", "broken-zip", "too-many-files", "no-files"],
)
def test_a_batch_over_its_limits_fails_whole_and_leaves_nothing(
    deployment: Deployment, files: list[tuple[str, bytes]], status: int, code: str
) -> None:
    deployment.settings.batches.max_files = 5
    answer = post_batch(deployment, files)
    assert (answer.status_code, answer.json()["error"]["code"]) == (status, code)
    assert counts(deployment) == (0, 0, 0)


def test_a_batch_body_has_a_limit_of_its_own(deployment: Deployment) -> None:
    limit = deployment.settings.batches.max_request_bytes
    assert limit > deployment.settings.limits.max_request_bytes
    big = [("big.png", b"\x89PNG" + b"\0" * (deployment.settings.limits.max_request_bytes + 10))]
    refused = post_batch(deployment, big).json()["rejected"]  # passes the body, not the file
    assert refused[0]["error"]["code"] == "image_too_large"


def test_types_that_cannot_batch_and_bad_options_are_refused(deployment: Deployment) -> None:
    files = [("a.tiff", tiff(COLOURS[:1]))]
    pair = post_batch(deployment, files, job_type="test_pair")
    assert (pair.status_code, pair.json()["error"]["code"]) == (400, "invalid_type")
    for options in ('{"job_events": "yes"}', '{"colour": 1}'):
        answer = post_batch(deployment, files, options=options)
        assert (answer.status_code, answer.json()["error"]["code"]) == (400, "invalid_options")
    private = post_batch(deployment, files, webhook_url="http://10.0.0.1/hook")
    assert private.json()["error"]["code"] == "url_not_allowed"
    assert counts(deployment) == (0, 0, 0)


def test_an_idempotency_key_returns_the_first_batch(deployment: Deployment) -> None:
    files = [("a.tiff", tiff(COLOURS[:1])), ("b.tiff", tiff(COLOURS[1:2]))]
    key = {"Idempotency-Key": "batch-7"}
    first = post_batch(deployment, files, headers=key).json()
    again = post_batch(deployment, files, headers=key).json()
    assert again["id"] == first["id"] and again["job_ids"] == first["job_ids"]
    other = post_batch(deployment, files[:1], headers=key)
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_key_mismatch")
    assert counts(deployment)[:2] == (1, 2)


def test_downloads_hold_every_result_and_failure(deployment: Deployment) -> None:
    files = [
        ("=cmd|'/c calc'!A1.tiff", tiff(COLOURS)),
        ("b.tiff", tiff(COLOURS[1:2])),
        ("c.txt", b"x"),
    ]
    batch = post_batch(deployment, files, job_type="test_all_pages").json()
    for job_id in batch["job_ids"]:
        tasks.execute(job_id)
    base = f"/v1/batches/{batch['id']}"

    xlsx = deployment.client.get(f"{base}/result.xlsx", headers=deployment.auth)
    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats"
    )
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = list(book["test_all_pages"].iter_rows(values_only=True))
    assert rows[0] == ("file", "job_id", "pages")
    assert rows[1] == ("'=cmd|'/c calc'!A1.tiff", batch["job_ids"][0], 1)
    assert rows[2] == ("b.tiff", batch["job_ids"][1], 1)
    failures = list(book["failures"].iter_rows(values_only=True))
    assert failures[1][0] == "c.txt" and failures[1][2:4] == ("rejected", "unsupported_media_type")

    lines = deployment.client.get(f"{base}/result.jsonl", headers=deployment.auth).text.splitlines()
    parsed = [json.loads(line) for line in lines]
    assert [p["job"]["id"] for p in parsed] == batch["job_ids"]
    assert parsed[0]["result"]["colours"]["file"] == [list(c) for c in COLOURS]

    archive = zipfile.ZipFile(
        io.BytesIO(deployment.client.get(f"{base}/result.zip", headers=deployment.auth).content)
    )
    assert sorted(archive.namelist()) == [
        "0001-c calc'!A1.tiff.json",  # the name's last path part, as a file of its own
        "0001-c calc'!A1.tiff.txt",
        "0002-b.tiff.json",
        "0002-b.tiff.txt",
    ]
    assert json.loads(archive.read("0002-b.tiff.json"))["colours"]["file"] == [[0, 200, 0]]

    one = deployment.client.get(
        f"/v1/jobs/{batch['job_ids'][1]}/result.xlsx", headers=deployment.auth
    )
    sheet = load_workbook(io.BytesIO(one.content))["test_all_pages"]
    assert [c.value for c in sheet[2]] == ["b.tiff", batch["job_ids"][1], 1]


def test_batches_list_delete_and_belong_to_their_tenant(deployment: Deployment) -> None:
    ids = [post_batch(deployment, [("a.tiff", tiff(COLOURS[:1]))]).json()["id"] for _ in range(3)]
    listed, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = deployment.client.get("/v1/batches", headers=deployment.auth, params=params).json()
        listed += [batch["id"] for batch in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert listed == list(reversed(ids))

    with deployment.db.session() as session:
        other = {"Authorization": f"Bearer {add_api_key(session, create_tenant(session, 'o'))}"}
    assert deployment.client.get(f"/v1/batches/{ids[0]}", headers=other).status_code == 404
    assert deployment.client.get("/v1/batches", headers=other).json()["items"] == []
    assert deployment.client.delete(f"/v1/batches/{ids[0]}", headers=other).status_code == 404

    assert (
        deployment.client.delete(f"/v1/batches/{ids[0]}", headers=deployment.auth).status_code
        == 204
    )
    assert counts(deployment) == (2, 2, 2)
    retry = deployment.client.post(f"/v1/batches/{ids[1]}/retry", headers=deployment.auth)
    assert (retry.status_code, retry.json()["error"]["code"]) == (409, "batch_not_retryable")
