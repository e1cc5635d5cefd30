"""Object storage for originals: one interface, an S3-API backend (MinIO SDK) and a folder."""

from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Protocol

from minio import Minio
from minio.error import S3Error

from shared.config import StorageSettings
from shared.errors import NotFoundError


class ObjectStore(Protocol):
    """Where job originals live; keys are `/`-separated relative names."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None:
        """Remove an object; removing a missing object is not an error."""

    def ping(self) -> None:
        """Raise if the store cannot be reached."""


class LocalObjectStore:
    """Objects as files under one folder (the embedded default)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError(f"object key escapes the store: {key!r}")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a reader never sees half an object.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as e:
            raise NotFoundError(f"object {key!r} not found") from e

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def ping(self) -> None:
        if not os.access(self.root, os.W_OK):
            raise OSError(f"object folder {self.root} is not writable")


class S3ObjectStore:
    """Objects in a bucket of an S3-API server (MinIO in production)."""

    def __init__(self, settings: StorageSettings) -> None:
        self.bucket = settings.bucket
        self.prefix = settings.key_prefix
        self.client = Minio(
            settings.endpoint,
            access_key=settings.access_key,
            secret_key=settings.secret_key.get_secret_value(),
            secure=settings.secure,
            region=settings.region,
        )

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            self.bucket, self.prefix + key, io.BytesIO(data), len(data), content_type=content_type
        )

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(self.bucket, self.prefix + key)
        except S3Error as e:
            if e.code == "NoSuchKey":
                raise NotFoundError(f"object {key!r} not found") from e
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def delete(self, key: str) -> None:
        self.client.remove_object(self.bucket, self.prefix + key)

    def ping(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            raise OSError(f"bucket {self.bucket!r} does not exist")

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)


def open_store(settings: StorageSettings) -> ObjectStore:
    """The store the settings name."""
    if settings.backend == "s3":
        return S3ObjectStore(settings)
    assert settings.path is not None
    return LocalObjectStore(settings.path)
