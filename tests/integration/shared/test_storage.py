"""Both object stores behave alike: the local folder and an S3-API server (moto on loopback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.config import StorageSettings
from shared.errors import NotFoundError
from shared.storage import LocalObjectStore, ObjectStore, S3ObjectStore, open_store
from tests.conftest import RUN_ID


def s3_settings(endpoint: str) -> StorageSettings:
    return StorageSettings(
        backend="s3",
        endpoint=endpoint,
        access_key="test",
        secret_key="testsecret",  # type: ignore[arg-type]
        bucket=f"boda-{RUN_ID}",
        region="us-east-1",
        key_prefix="run/",
    )


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    if request.param == "local":
        yield open_store(StorageSettings(path=tmp_path / "objects"))
        return
    s3 = open_store(s3_settings(request.getfixturevalue("s3_endpoint")))
    assert isinstance(s3, S3ObjectStore)
    s3.ensure_bucket()
    yield s3


def test_round_trip_and_delete(store: ObjectStore) -> None:
    store.ping()
    payload = "원본 파일".encode() * 1000
    store.put("originals/t1/job-1", payload, "application/octet-stream")
    assert store.get("originals/t1/job-1") == payload
    store.put("originals/t1/job-1", b"replaced", "application/octet-stream")
    assert store.get("originals/t1/job-1") == b"replaced"
    store.delete("originals/t1/job-1")
    store.delete("originals/t1/job-1")  # deleting twice is fine
    with pytest.raises(NotFoundError):
        store.get("originals/t1/job-1")


def test_s3_keys_carry_the_prefix(s3_endpoint: str) -> None:
    store = S3ObjectStore(s3_settings(s3_endpoint))
    store.ensure_bucket()
    store.put("a/b", b"x", "text/plain")
    names = [o.object_name for o in store.client.list_objects(store.bucket, recursive=True)]
    assert "run/a/b" in names


def test_s3_ping_fails_for_a_missing_bucket(s3_endpoint: str) -> None:
    settings = s3_settings(s3_endpoint)
    settings.bucket = "no-such-bucket"
    with pytest.raises(OSError):
        S3ObjectStore(settings).ping()


def test_local_keys_cannot_escape_the_folder(tmp_path: Path) -> None:
    store = LocalObjectStore(tmp_path / "objects")
    with pytest.raises(ValueError):
        store.put("../outside", b"x", "text/plain")
    assert not (tmp_path / "outside").exists()
